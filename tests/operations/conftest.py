"""The application fixtures of tests/inventory (app, client, headers_for), shared with the operations tests."""

from tests.inventory.conftest import app, client, headers_for

__all__ = ["app", "client", "headers_for"]
