"""Fixtures for the client area's tests: the app's HTTP client (as `api`) and signed-in users by role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests.inventory.conftest import app, headers_for

__all__ = ["api", "app", "headers_for"]


@pytest.fixture
async def api(db: Any, app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app in this test's event loop (a client, here, is a person)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http
