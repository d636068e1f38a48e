"""Notifications: in-app messages per user, and e-mail in the recipient's language when SMTP is set up."""
