"""The documents tests use the application's fixtures: the app, its HTTP client and users by role."""

from tests.inventory.conftest import app, client, headers_for

__all__ = ["app", "client", "headers_for"]
