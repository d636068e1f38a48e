"""Fixtures for the web interface's tests: a browser-like client logged in by role through the login form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pyotp
import pytest

from inventory.actors import Actor
from inventory.permissions import Role
from tests import factories
from tests.inventory.conftest import app, client

__all__ = ["app", "client"]

HTML = {"Accept": "text/html"}
CSRF_COOKIE = "kierto_csrf"


def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token a form carries."""
    return client.cookies[CSRF_COOKIE]


async def log_in(client: httpx.AsyncClient, actor: Actor) -> None:
    """Log in through the login form, as a person does."""
    await client.get("/login", headers=HTML)
    response = await client.post(
        "/login",
        data={
            "username": actor.username,
            "password": factories.PASSWORD,
            "next": "/",
            "_csrf_token": csrf(client),
        },
        headers=HTML,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].startswith("/login/code/setup"):
        await set_up_second_step(client)


async def set_up_second_step(client: httpx.AsyncClient) -> str:
    """Administrators set up a one-time-code app at their first login: do it as the person would."""
    page = (await client.get("/login/code/setup", headers=HTML)).text
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page)
    assert secret is not None
    assert sealed is not None
    seed = secret.group(1).replace(" ", "")
    done = await client.post(
        "/login/code/setup",
        data={
            "code": pyotp.TOTP(seed).now(),
            "sealed": sealed.group(1),
            "next": "/",
            "_csrf_token": csrf(client),
        },
        headers=HTML,
    )
    assert done.status_code == 303, done.text
    return seed


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, Any] | list[tuple[str, str]]
) -> httpx.Response:
    """Post a form with its CSRF token, as the browser would."""
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    expanded: list[tuple[str, str]] = []
    for name, value in fields:
        if isinstance(value, list | tuple):
            expanded += [(name, str(item)) for item in value]
        else:
            expanded.append((name, str(value)))
    expanded.append(("_csrf_token", csrf(client)))
    return await client.post(
        path,
        content=urlencode(expanded),
        headers={**HTML, "Content-Type": "application/x-www-form-urlencoded"},
    )


def text_of(html: str) -> str:
    """A page's visible words in one line, for asserting what a person reads."""
    without_tags = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    return " ".join(without_tags.split())


@pytest.fixture
def logged_in(db: Any, client: httpx.AsyncClient) -> Callable[..., Awaitable[Actor]]:
    """Make a user of a role and log the client in as them."""

    async def make(role: Role, site_code: str = "JNS") -> Actor:
        actor = await factories.user(role, site_code=site_code)
        await log_in(client, actor)
        return actor

    return make
