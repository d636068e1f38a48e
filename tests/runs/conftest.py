"""Fixtures for the runs tests: a real server (two processes, short timeouts), HTTP clients, headers by role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from inventory.choices import TokenScope
from inventory.permissions import Role
from inventory.runs.provisioning_profiles import seed_default_profiles
from tests import factories
from tests.runs.helpers import kill_group, start_server

Headers = dict[str, str]


@pytest.fixture(scope="module")
def server(_migrated: None) -> Iterator[str]:
    """The application served by uvicorn with two worker processes, as a region runs it; yields its URL."""
    process, url = start_server(workers=2)
    try:
        yield url
    finally:
        kill_group(process)


@pytest.fixture
async def http(db: Any, server: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real server; the database is emptied and the default profiles seeded."""
    await seed_default_profiles()
    async with httpx.AsyncClient(base_url=server, timeout=60) as client:
        yield client


@pytest.fixture
def headers_for(db: Any) -> Callable[..., Awaitable[Headers]]:
    """The Authorization header of a new user of the role."""

    async def make(role: Role, site_code: str = "JNS", scope: TokenScope = TokenScope.READ_WRITE) -> Headers:
        actor = await factories.user(role, site_code=site_code)
        return {"Authorization": f"Bearer {await factories.token(actor, scope)}"}

    return make


@pytest.fixture
async def client(db: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app in this test's own event loop (no real runs need it)."""
    from inventory.app import create_app
    from inventory.settings import Settings

    await seed_default_profiles()
    settings = Settings(bench_local_connections=True, bench_worker_timeout_seconds=3, run_stale_seconds=10)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as test_client:
        yield test_client
