"""No password, token or client name ever reaches the application's logs, whatever the log level."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from inventory.permissions import Role
from tests import factories


async def test_secrets_stay_out_of_the_logs(
    db: Any, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = await factories.user(Role.COUNSELLOR)
    secret = await factories.token(user)
    await client.get("/login")
    csrf = client.cookies["kierto_csrf"]
    wrong_password = "wrong-but-long-password-123"
    for password in (wrong_password, factories.PASSWORD):
        await client.post(
            "/login", data={"username": user.username, "password": password, "next": "/", "_csrf_token": csrf}
        )
    session = client.cookies.get("kierto_session")
    await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    await client.get("/api/v1/me", headers={"Authorization": "Bearer kt_not-a-real-token-at-all"})
    await client.post(
        "/api/v1/users", json={"username": "x", "display_name": "X", "role": "admin", "password": "tiny"}
    )
    logged = "\n".join(
        record.getMessage() + str(record.args) + str(record.exc_info) for record in caplog.records
    )
    assert logged  # something was logged, so the check below means something
    for sensitive in (
        factories.PASSWORD,
        wrong_password,
        secret,
        "kt_not-a-real-token-at-all",
        session,
        "tiny",
    ):
        assert sensitive
        assert sensitive not in logged
