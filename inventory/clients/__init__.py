"""Clients: the people who receive devices, with the minimum personal data the agreement needs."""
