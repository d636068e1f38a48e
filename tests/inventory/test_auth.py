"""Logging in and out, sessions kept on the server, CSRF on forms, throttling and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from inventory.accounts.tables import ApiToken, User, UserSession
from inventory.accounts.token_hashing import token_hash
from inventory.choices import TokenScope
from inventory.clock import now
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories

SESSION = "kierto_session"


async def _login(
    client: httpx.AsyncClient, username: str, password: str = factories.PASSWORD
) -> httpx.Response:
    await client.get("/login")
    return await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": "/devices",
            "_csrf_token": client.cookies["kierto_csrf"],
        },
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )


async def test_login_opens_a_fresh_server_side_session(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    client.cookies.set(SESSION, "planted-by-someone-else")
    response = await _login(client, user.username)
    assert (response.status_code, response.headers["location"]) == (303, "/devices")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    token = response.cookies[SESSION]
    assert token != "planted-by-someone-else"
    client.cookies.delete(SESSION)
    client.cookies.set(SESSION, token)
    stored = await UserSession.select(UserSession.token_hash).where(UserSession.user == user.user_id)
    assert [row["token_hash"] for row in stored] == [token_hash(token)]
    me = await client.get("/api/v1/me")
    assert me.json()["username"] == user.username


async def test_logout_ends_the_session_on_the_server(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.COUNSELLOR)
    await _login(client, user.username)
    token = client.cookies[SESSION]
    response = await client.post(
        "/logout", headers={"x-csrftoken": client.cookies["kierto_csrf"]}, follow_redirects=False
    )
    assert response.status_code == 303
    assert await UserSession.count() == 0
    client.cookies.set(SESSION, token)  # the old cookie, replayed
    replay = await client.get("/api/v1/me")
    assert replay.status_code == 401


async def test_a_wrong_password_says_so_without_telling_which_part(
    db: Any, client: httpx.AsyncClient
) -> None:
    user = await factories.user(Role.TRAINEE)
    wrong = await _login(client, user.username, "not-the-password")
    unknown = await _login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Käyttäjätunnus tai salasana on väärin." in wrong.text
    assert SESSION not in client.cookies


async def test_repeated_failures_pause_the_account(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    for _ in range(get_settings().login_max_failures):
        assert (await _login(client, user.username, "guessing-wrong")).status_code == 401
    locked = await _login(client, user.username)  # even the right password waits now
    assert locked.status_code == 429
    assert SESSION not in client.cookies


async def test_idle_and_absolute_session_limits(db: Any, client: httpx.AsyncClient) -> None:
    settings = get_settings()
    user = await factories.user(Role.TRAINEE)
    await _login(client, user.username)
    assert (await client.get("/api/v1/me")).status_code == 200
    idle = now() - dt.timedelta(minutes=settings.session_idle_minutes + 1)
    await UserSession.update({UserSession.last_seen_at: idle}).where(UserSession.user == user.user_id)
    assert (await client.get("/api/v1/me")).status_code == 401
    await _login(client, user.username)
    old = now() - dt.timedelta(hours=settings.session_absolute_hours, minutes=1)
    await UserSession.update({UserSession.created_at: old}).where(UserSession.user == user.user_id)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_a_deactivated_user_is_out_at_once(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    await _login(client, user.username)
    await User.update({User.is_active: False}).where(User.id == user.user_id)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_form_posts_need_the_csrf_token(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    await _login(client, user.username)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    forged = await client.post(f"/devices/{tag}/steps/start_wipe", data={}, follow_redirects=False)
    assert forged.status_code == 403
    genuine = await client.post(
        f"/devices/{tag}/steps/start_wipe",
        data={"_csrf_token": client.cookies["kierto_csrf"], "confirmed": "yes"},
        follow_redirects=False,
    )
    assert genuine.status_code == 303


async def test_the_csrf_token_is_bound_to_the_session(db: Any, client: httpx.AsyncClient, app: Any) -> None:
    victim = await factories.user(Role.TRAINEE)
    attacker = await factories.user(Role.COUNSELLOR)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as own:
        await own.get("/login")
        anonymous_pair = own.cookies["kierto_csrf"]  # a valid pair for a browser without a session
        await _login(own, attacker.username)
        attackers_session_pair = own.cookies["kierto_csrf"]  # and one bound to the attacker's own session
    await _login(client, victim.username)
    victims_token = client.cookies["kierto_csrf"]
    assert victims_token not in (anonymous_pair, attackers_session_pair)
    for forged in (anonymous_pair, attackers_session_pair):
        client.cookies.set("kierto_csrf", forged, domain="127.0.0.1")  # planted next to the victim's session
        refused = await client.post(
            f"/devices/{tag}/steps/start_wipe",
            data={"_csrf_token": forged, "confirmed": "yes"},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert (
            await client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"x-csrftoken": forged})
        ).status_code == 403
    # The next page puts the session's own token back into the cookie and the forms.
    page = await client.get("/devices")
    assert client.cookies["kierto_csrf"] == victims_token
    assert victims_token in page.text
    genuine = await client.post(
        f"/devices/{tag}/steps/start_wipe",
        data={"_csrf_token": victims_token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert genuine.status_code == 303


async def test_tokens_are_stored_hashed_shown_once_and_revocable(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    await _login(client, user.username)
    csrf = {"x-csrftoken": client.cookies["kierto_csrf"]}
    issued = (
        await client.post("/api/v1/me/tokens", json={"name": "scanner at bench 2"}, headers=csrf)
    ).json()
    secret = issued["secret"]
    row = await ApiToken.select().where(ApiToken.id == issued["id"]).first()
    assert row is not None
    assert row["token_hash"] == token_hash(secret)
    assert secret not in str(row)
    listed = (await client.get("/api/v1/me/tokens")).text
    assert secret not in listed
    bearer = httpx.AsyncClient(transport=client._transport, base_url="http://127.0.0.1")
    async with bearer:
        assert (
            await bearer.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        ).status_code == 200
        await client.delete(f"/api/v1/me/tokens/{issued['id']}", headers=csrf)
        assert (
            await bearer.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        ).status_code == 401


async def test_expired_tokens_and_tokens_in_urls_are_refused(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.TRAINEE)
    secret = await factories.token(user, TokenScope.READ)
    await ApiToken.update({ApiToken.expires_at: now() - dt.timedelta(seconds=1)}).where(
        ApiToken.user == user.user_id
    )
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
    fresh = await factories.token(user, TokenScope.READ)
    for query in ({"token": fresh}, {"access_token": fresh}, {"api_key": fresh}):
        assert (await client.get("/api/v1/me", params=query)).status_code == 401


async def test_a_bearer_header_is_never_mixed_with_a_cookie(db: Any, client: httpx.AsyncClient) -> None:
    user = await factories.user(Role.ADMIN)
    await _login(client, user.username)
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401
