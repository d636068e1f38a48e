"""Administration pages: users and roles, sites and their label printers, settings, accessibility feedback."""
