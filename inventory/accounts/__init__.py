"""Accounts: users, their sessions and API tokens, and login throttling."""
