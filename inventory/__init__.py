"""Kierto inventory: the domain and the application (tables, lifecycle, services, API, pages, jobs, CLI)."""
