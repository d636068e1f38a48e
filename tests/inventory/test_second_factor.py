"""The second login step: administrators must set one up, codes work once, and grave acts need the password again."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pyotp

from inventory.accounts.tables import User, UserSession
from inventory.clock import now
from inventory.permissions import Role
from tests import factories


async def _password_step(client: httpx.AsyncClient, username: str) -> httpx.Response:
    await client.get("/login")
    return await client.post(
        "/login",
        data={
            "username": username,
            "password": factories.PASSWORD,
            "next": "/devices",
            "_csrf_token": client.cookies["kierto_csrf"],
        },
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


def _form(client: httpx.AsyncClient, **fields: str) -> dict[str, str]:
    return {"_csrf_token": client.cookies["kierto_csrf"], "next": "/devices", **fields}


async def _set_up(client: httpx.AsyncClient) -> str:
    page = (await client.get("/login/code/setup", headers={"Accept": "text/html"})).text
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    sealed = re.search(r'name="sealed" value="([^"]+)"', page)
    assert secret is not None
    assert sealed is not None
    seed = secret.group(1).replace(" ", "")
    wrong = await client.post(
        "/login/code/setup", data=_form(client, code="000000", sealed=sealed.group(1)), follow_redirects=False
    )
    assert wrong.status_code == 422
    done = await client.post(
        "/login/code/setup",
        data=_form(client, code=pyotp.TOTP(seed).now(), sealed=sealed.group(1)),
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/devices")
    return seed


async def test_an_administrator_must_set_up_a_second_step(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN)
    response = await _password_step(client, admin.username)
    assert response.headers["location"].startswith("/login/code/setup")
    assert (await client.get("/api/v1/me")).status_code == 401  # the password alone opens nothing
    seed = await _set_up(client)
    assert (await client.get("/api/v1/me")).json()["username"] == admin.username
    stored = await User.select(User.totp_secret).where(User.id == admin.user_id).first()
    assert stored is not None
    assert seed not in stored["totp_secret"]  # kept encrypted


async def test_a_code_works_once_and_a_wrong_one_is_refused(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN)
    await _password_step(client, admin.username)
    seed = await _set_up(client)
    await UserSession.update({UserSession.second_factor_pending: False}).where(
        UserSession.user == admin.user_id
    )
    again = await _password_step(client, admin.username)
    assert again.headers["location"].startswith("/login/code?")
    wrong = await client.post("/login/code", data=_form(client, code="123456"), follow_redirects=False)
    assert wrong.status_code == 401
    totp = pyotp.TOTP(seed)
    # The code used while setting up is spent; the next time step's code is accepted once.
    next_code = totp.at(now().timestamp() + totp.interval)
    assert (
        await client.post("/login/code", data=_form(client, code=next_code), follow_redirects=False)
    ).status_code == 303
    await _password_step(client, admin.username)
    replay = await client.post("/login/code", data=_form(client, code=next_code), follow_redirects=False)
    assert replay.status_code == 401


async def test_others_log_in_with_a_password_unless_they_choose_a_second_step(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    response = await _password_step(client, trainee.username)
    assert response.headers["location"] == "/devices"
    turned_on = await client.post("/account/second-factor/on", data=_form(client), follow_redirects=False)
    assert turned_on.headers["location"].startswith("/login/code/setup")
    assert (await client.get("/api/v1/me")).status_code == 401
    await _set_up(client)
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_turning_the_second_step_off_needs_the_password_again(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    await _password_step(client, trainee.username)
    await client.post("/account/second-factor/on", data=_form(client))
    seed = await _set_up(client)
    old = now() - dt.timedelta(minutes=10)
    await UserSession.update({UserSession.authenticated_at: old}).where(UserSession.user == trainee.user_id)
    off = await client.post("/account/second-factor/off", data=_form(client), follow_redirects=False)
    assert off.headers["location"].startswith("/reauth")
    totp = pyotp.TOTP(seed)
    code = totp.at(now().timestamp() + totp.interval)
    confirmed = await client.post(
        "/reauth",
        data=_form(client, password=factories.PASSWORD, code=code, next="/account"),
        follow_redirects=False,
    )
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, "/account")
    off = await client.post("/account/second-factor/off", data=_form(client), follow_redirects=False)
    assert off.headers["location"] == "/account"
    row = await User.select(User.totp_enabled_at).where(User.id == trainee.user_id).first()
    assert row is not None
    assert row["totp_enabled_at"] is None
