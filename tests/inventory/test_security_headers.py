"""Security headers on pages, API answers and static files; the OpenAPI schema served without scripts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.app import create_app
from inventory.settings import Settings


@pytest.mark.parametrize("path", ["/login", "/api/v1/devices", "/health", "/schema/openapi.json"])
async def test_every_answer_carries_the_security_headers(client: httpx.AsyncClient, path: str) -> None:
    headers = (await client.get(path)).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp  # WebAssembly may compile ('wasm-unsafe-eval'); JavaScript eval never
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers  # plain HTTP on loopback


async def test_static_files_may_be_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/kierto.css")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]


async def test_hsts_when_served_over_https(db: Any) -> None:
    app: Litestar = create_app(Settings(base_url="https://kierto.example.fi", secret_key="x" * 40))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://kierto.example.fi"
    ) as http:
        response = await http.get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-kierto_csrf=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie


async def test_nul_characters_are_refused_in_the_address_and_in_forms(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/devices?q=a%00b", "/devices/JNS-000001%00", "/login?next=%2F%00"):
        response = await client.get(path)
        assert response.status_code == 422, path
    await client.get("/login")
    form = await client.post(
        "/login",
        content=b"username=a%00b&password=x&_csrf_token=" + client.cookies["kierto_csrf"].encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 422
    assert form.json()["field"] == "body"
