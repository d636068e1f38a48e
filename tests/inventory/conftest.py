"""Fixtures for the application's own tests: the app, an HTTP client and signed-in users by role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.app import create_app
from inventory.choices import TokenScope
from inventory.i18n import Language
from inventory.permissions import Role
from tests import factories

Headers = dict[str, str]


@pytest.fixture
def app() -> Litestar:
    """A fresh application built from the test settings."""
    return create_app()


@pytest.fixture
async def client(db: Any, app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in this test's own event loop (Litestar's test clients use
    another loop, which a PostgreSQL pool cannot follow); the `db` fixture runs the pool."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def headers_for(db: Any) -> Callable[..., Awaitable[Headers]]:
    """Make a user of a role and return the Authorization header of a token of theirs."""

    async def make(
        role: Role,
        scope: TokenScope = TokenScope.READ_WRITE,
        site_code: str = "JNS",
        language: Language = Language.FI,
    ) -> Headers:
        actor = await factories.user(role, site_code=site_code, language=language)
        return {"Authorization": f"Bearer {await factories.token(actor, scope)}"}

    return make
