"""Donors and donations: where devices come from."""
