"""Login throttling that cannot be turned against users: growing delays per account, a known browser
(device cookie) held back only by its own failures, an address only for failures across many accounts
and never against a person who logged in from there before, and an administrator's unlock."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar

from inventory.accounts.tables import LoginAttempt
from inventory.accounts.throttling import KNOWN_ADDRESS, failures_looked_at, growing_delay
from inventory.clock import now
from inventory.operations.scheduled_jobs import JOBS
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.operations.helpers import operations

SESSION = "kierto_session"
DEVICE = "kierto_device"
WORKSHOP = "203.0.113.7"  # one public address in front of a whole workshop
ELSEWHERE = "198.51.100.9"


@asynccontextmanager
async def _browser(app: Litestar, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as browser:
        yield browser


async def _login(
    browser: httpx.AsyncClient, username: str, password: str = factories.PASSWORD
) -> httpx.Response:
    await browser.get("/login")
    response = await browser.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": "/",
            "_csrf_token": browser.cookies["kierto_csrf"],
        },
        follow_redirects=False,
    )
    if response.status_code == 303:  # log out again, keeping the browser's device cookie
        browser.cookies.delete(SESSION)
    return response


async def _fail(browser: httpx.AsyncClient, username: str, times: int) -> list[int]:
    return [(await _login(browser, username, "guessing-wrong-1")).status_code for _ in range(times)]


async def _age_failures(minutes: float) -> None:
    """Let time pass for the remembered attempts."""
    rows = await LoginAttempt.select(LoginAttempt.id, LoginAttempt.at)
    for row in rows:
        await LoginAttempt.update({LoginAttempt.at: row["at"] - dt.timedelta(minutes=minutes)}).where(
            LoginAttempt.id == row["id"]
        )


def _unlock_command(username: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inventory.cli", "unlock-login", username],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_delays_grow_and_stop_at_the_cap() -> None:
    settings = get_settings()
    limit = settings.login_max_failures
    waits = [growing_delay(limit + n, settings).total_seconds() / 60 for n in range(-1, 6)]
    assert waits == [0, 1, 2, 4, 8, min(16, settings.login_lockout_minutes), settings.login_lockout_minutes]


async def test_an_account_waits_longer_after_each_failure_and_never_for_good(db: Any, app: Litestar) -> None:
    user = await factories.user(Role.TRAINEE)
    limit = get_settings().login_max_failures
    async with _browser(app, ELSEWHERE) as browser:
        assert await _fail(browser, user.username, limit) == [401] * limit
        held = await _login(browser, user.username)
        assert held.status_code == 429
        assert "Odota 1 minuuttia" in held.text
        assert SESSION not in browser.cookies
        await _age_failures(1.1)
        assert await _fail(browser, user.username, 1) == [401]  # checked again after the wait…
        await _age_failures(1.1)
        assert (await _login(browser, user.username)).status_code == 429  # …and the next wait is 2 minutes
        await _age_failures(1.0)
        assert (await _login(browser, user.username)).status_code == 303


async def test_twenty_failures_from_one_address_do_not_stop_a_person_who_logged_in_there_before(
    db: Any, app: Litestar
) -> None:
    regular = await factories.user(Role.COUNSELLOR)
    newcomer = await factories.user(Role.COUNSELLOR)
    others = [await factories.user(Role.TRAINEE) for _ in range(4)]
    async with _browser(app, WORKSHOP) as earlier:
        assert (await _login(earlier, regular.username)).status_code == 303
    async with _browser(app, WORKSHOP) as guesser:
        for other in others:
            assert await _fail(guesser, other.username, 5) == [401] * 5  # 20 failures, four accounts
    # A fresh browser at the same address (no device cookie): the address is known for the regular.
    async with _browser(app, WORKSHOP) as fresh:
        assert (await _login(fresh, regular.username)).status_code == 303
        assert (await _login(fresh, newcomer.username)).status_code == 429  # unknown here: the address waits
    async with _browser(app, ELSEWHERE) as away:
        assert (await _login(away, newcomer.username)).status_code == 303  # the account itself is fine


async def test_mistypes_at_a_shared_address_against_a_few_accounts_lock_out_nobody(
    db: Any, app: Litestar
) -> None:
    people = [await factories.user(Role.TRAINEE) for _ in range(2)]
    newcomer = await factories.user(Role.TRAINEE)
    async with _browser(app, WORKSHOP) as shared:
        for person in people:
            await _fail(shared, person.username, get_settings().login_max_failures * 2)
        assert (await _login(shared, newcomer.username)).status_code == 303


async def test_knowing_a_username_does_not_lock_its_owner_out_of_their_browser(
    db: Any, app: Litestar
) -> None:
    victim = await factories.user(Role.COUNSELLOR)
    async with _browser(app, WORKSHOP) as own:
        assert (await _login(own, victim.username)).status_code == 303
        assert DEVICE in own.cookies
        async with _browser(app, ELSEWHERE) as attacker:
            assert set(await _fail(attacker, victim.username, 30)) == {401, 429}
            assert (await _login(attacker, victim.username)).status_code == 429  # guessing is held back
            # A device cookie made up by the attacker is not honoured.
            attacker.cookies.set(DEVICE, f"{victim.user_id}.madeup.{'0' * 32}")
            assert (await _login(attacker, victim.username)).status_code == 429
        assert (await _login(own, victim.username)).status_code == 303  # the person's own browser
        # The known browser's own failures do hold it back (a stolen cookie is no free pass).
        limit = get_settings().login_max_failures
        assert await _fail(own, victim.username, limit) == [401] * limit
        assert (await _login(own, victim.username)).status_code == 429


async def test_an_administrator_unlocks_an_account_on_its_page_and_from_the_command_line(
    db: Any, app: Litestar, headers_for: Callable[..., Awaitable[dict[str, str]]]
) -> None:
    victim = await factories.user(Role.TRAINEE)
    admin = await headers_for(Role.ADMIN)
    async with _browser(app, ELSEWHERE) as browser:
        await _fail(browser, victim.username, get_settings().login_max_failures)
        assert "Odota 1 minuuttia" in (await _login(browser, victim.username)).text
        page = await browser.get(f"/admin/users/{victim.user_id}", headers=admin)
        assert page.status_code == 200
        assert f'action="/admin/users/{victim.user_id}/unlock"' in page.text
        unlocked = await browser.post(
            f"/admin/users/{victim.user_id}/unlock", headers=admin, follow_redirects=False
        )
        assert (unlocked.status_code, unlocked.headers["location"]) == (
            303,
            f"/admin/users/{victim.user_id}?unlocked=1",
        )
        assert "/unlock" not in (await browser.get(f"/admin/users/{victim.user_id}", headers=admin)).text
        assert (await _login(browser, victim.username)).status_code == 303
        await _fail(browser, victim.username, 2)
    command = _unlock_command(victim.username)
    assert command.returncode == 0, command.stderr
    assert "Forgot 2 failed login(s)" in command.stdout
    assert await LoginAttempt.count().where(LoginAttempt.succeeded == False) == 0  # noqa: E712


async def _attempt(username: str, succeeded: bool, age: dt.timedelta) -> None:
    await LoginAttempt.insert(
        LoginAttempt(username=username, address=WORKSHOP, device="", succeeded=succeeded, at=now() - age)
    )


async def test_housekeeping_forgets_the_attempts_throttling_no_longer_looks_at(db: Any) -> None:
    # Failures count for a day (or the address window, if an operator makes it longer); a success
    # recognises its address as long as a device cookie lasts (180 days). Older rows only keep names.
    hours, days = dt.timedelta(hours=1), dt.timedelta(days=1)
    for name, succeeded, age in [
        ("fresh-failure", False, 23 * hours),
        ("old-failure", False, 25 * hours),
        ("ancient-failure", False, 400 * days),
        ("known", True, 179 * days),
        ("forgotten", True, 181 * days),
    ]:
        await _attempt(name, succeeded, age)
    housekeeping = next(job for job in JOBS if job.name == "housekeeping")
    longer_window = get_settings().model_copy(update={"login_lockout_minutes": 48 * 60})
    result = await housekeeping.run(housekeeping.context(db, longer_window, operations()))
    assert isinstance(result, dict)
    assert result["login_attempts"] == 2  # 25 h is inside a 48 h window
    result = await housekeeping.run(housekeeping.context(db, get_settings(), operations()))
    assert isinstance(result, dict)
    assert result["login_attempts"] == 1
    left = await LoginAttempt.select(LoginAttempt.username).order_by(LoginAttempt.username)
    assert [row["username"] for row in left] == ["fresh-failure", "known"]
    assert failures_looked_at(get_settings()) == dt.timedelta(hours=24)


async def test_an_address_is_recognised_only_while_its_success_is_kept(db: Any, app: Litestar) -> None:
    regular = await factories.user(Role.COUNSELLOR)
    others = [await factories.user(Role.TRAINEE) for _ in range(4)]
    async with _browser(app, WORKSHOP) as earlier:
        assert (await _login(earlier, regular.username)).status_code == 303
    await LoginAttempt.update({LoginAttempt.at: now() - KNOWN_ADDRESS - dt.timedelta(days=1)}).where(
        LoginAttempt.username == regular.username
    )
    async with _browser(app, WORKSHOP) as guesser:
        for other in others:
            await _fail(guesser, other.username, 5)
    async with _browser(
        app, WORKSHOP
    ) as fresh:  # the success is past its time: the address waits for them too
        assert (await _login(fresh, regular.username)).status_code == 429
