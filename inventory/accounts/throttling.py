"""Login throttling that cannot be turned against the people it protects (OWASP ASVS V2.2; see SECURITY.md).

- **Per account, growing delays.** After KIERTO_LOGIN_MAX_FAILURES failures the next try waits 1 minute,
  then 2, 4, 8 … up to KIERTO_LOGIN_LOCKOUT_MINUTES; never a lock that lasts. Failures are forgotten
  after a day, at a success, or when an administrator unlocks the account (page or `kierto unlock-login`).
- **A browser the person logged in from before** (a signed device cookie, accounts/device_cookies.py) is
  not held back by the account's failures, only by its own: someone who knows a username cannot lock
  its owner out of their own browser.
- **Per address only across many accounts**: an address waits when its failures reach 4 × the account
  limit against at least three usernames (guessing through the user list), and even then a correct
  password of a person who has logged in from that address before goes through. A workshop behind one
  public address is not locked out by a few mistypes, nor on purpose.
- **Nothing is kept longer than throttling looks back**: the housekeeping job deletes failures after a day
  (or the address window, if longer) and successes after DEVICE_COOKIE_DAYS (`forget_old_attempts`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from piccolo.custom_types import Combinable

from inventory.accounts.device_cookies import DEVICE_COOKIE_DAYS
from inventory.accounts.tables import LoginAttempt
from inventory.clock import now
from inventory.settings import Settings

# Failures are remembered this long (or until a success or an unlock).
MEMORY = dt.timedelta(hours=24)
# A success recognises the person's address this long, as long as a device cookie recognises their browser.
KNOWN_ADDRESS = dt.timedelta(days=DEVICE_COOKIE_DAYS)
# An address may fail this many times more than one account, and only across this many accounts.
ADDRESS_FACTOR = 4
ADDRESS_MIN_ACCOUNTS = 3


@dataclass(frozen=True)
class Attempt:
    """Who tries to log in, from where, and from which known browser ("" when not known for this user)."""

    username: str
    address: str
    device: str = ""


def attempt(username: str, address: str, device: str = "") -> Attempt:
    """An attempt with the username and address as they are stored."""
    return Attempt(username.strip().lower()[:64], address[:64], device[:32])


def growing_delay(failures: int, settings: Settings) -> dt.timedelta:
    """The wait after the latest failure: none below the limit, then 1, 2, 4 … minutes up to the cap."""
    over = failures - settings.login_max_failures
    if over < 0:
        return dt.timedelta(0)
    return dt.timedelta(minutes=min(2 ** min(over, 20), settings.login_lockout_minutes))


async def _remaining(where: Combinable, settings: Settings, since: dt.datetime) -> dt.timedelta | None:
    failed = where & (LoginAttempt.succeeded == False) & (LoginAttempt.at > since)  # noqa: E712 - SQL
    count = await LoginAttempt.count().where(failed)
    delay = growing_delay(count, settings)
    if not delay:
        return None
    latest = (
        await LoginAttempt.select(LoginAttempt.at)
        .where(failed)
        .order_by(LoginAttempt.at, ascending=False)
        .first()
    )
    left = latest["at"] + delay - now() if latest else dt.timedelta(0)
    return left if left > dt.timedelta(0) else None


async def _address_remaining(tried: Attempt, settings: Settings) -> dt.timedelta | None:
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    failed = (
        (LoginAttempt.address == tried.address)
        & (LoginAttempt.device == "")
        & (LoginAttempt.succeeded == False)  # noqa: E712 - SQL
        & (LoginAttempt.at > now() - window)
    )
    if await LoginAttempt.count().where(failed) < settings.login_max_failures * ADDRESS_FACTOR:
        return None
    accounts = await LoginAttempt.select(LoginAttempt.username).where(failed).distinct()
    if len(accounts) < ADDRESS_MIN_ACCOUNTS:
        return None
    known_here = await LoginAttempt.exists().where(
        (LoginAttempt.username == tried.username)
        & (LoginAttempt.address == tried.address)
        & (LoginAttempt.succeeded == True)  # noqa: E712 - SQL
        & (LoginAttempt.at > now() - KNOWN_ADDRESS)
    )
    return None if known_here else window


async def wait_before(tried: Attempt, settings: Settings) -> dt.timedelta | None:
    """How long this attempt must wait before the password is even checked; None: check it now."""
    since = now() - MEMORY
    mine = LoginAttempt.username == tried.username
    if tried.device:
        return await _remaining(mine & (LoginAttempt.device == tried.device), settings, since)
    return await _remaining(mine & (LoginAttempt.device == ""), settings, since) or await _address_remaining(
        tried, settings
    )


def minutes(wait: dt.timedelta) -> int:
    """A wait in whole minutes, rounded up, for the message."""
    return max(1, math.ceil(wait.total_seconds() / 60))


async def record_attempt(tried: Attempt, succeeded: bool) -> None:
    """Remember an attempt; a success clears the failures it was held back by (the account's or the browser's)."""
    if succeeded:
        await LoginAttempt.delete().where(
            (LoginAttempt.username == tried.username)
            & (LoginAttempt.device == tried.device)
            & ((LoginAttempt.succeeded == False) | (LoginAttempt.address == tried.address))  # noqa: E712 - SQL
        )
    await LoginAttempt.insert(
        LoginAttempt(
            username=tried.username, address=tried.address, device=tried.device, succeeded=succeeded, at=now()
        )
    )


async def failures_waiting(username: str) -> int:
    """How many remembered failures an account has (what an administrator's unlock clears)."""
    return int(
        await LoginAttempt.count().where(
            (LoginAttempt.username == username.strip().lower())
            & (LoginAttempt.succeeded == False)  # noqa: E712 - SQL
            & (LoginAttempt.at > now() - MEMORY)
        )
    )


async def unlock(username: str) -> int:
    """Forget every failed login of an account (an administrator's unlock); returns how many."""
    failed = (LoginAttempt.username == username.strip().lower()) & (LoginAttempt.succeeded == False)  # noqa: E712
    count = int(await LoginAttempt.count().where(failed))
    await LoginAttempt.delete().where(failed)
    return count


def failures_looked_at(settings: Settings) -> dt.timedelta:
    """How far back throttling counts failures: the account's memory or the address window, the longer."""
    return max(MEMORY, dt.timedelta(minutes=settings.login_lockout_minutes))


async def forget_old_attempts(settings: Settings) -> int:
    """Delete the attempts throttling no longer looks at (failures past its window, successes past
    KNOWN_ADDRESS), so usernames and addresses are not kept for ever; returns how many went."""
    moment = now()
    gone = (
        await LoginAttempt.delete()
        .where(
            ((LoginAttempt.succeeded == False) & (LoginAttempt.at < moment - failures_looked_at(settings)))  # noqa: E712
            | ((LoginAttempt.succeeded == True) & (LoginAttempt.at < moment - KNOWN_ADDRESS))  # noqa: E712
        )
        .returning(LoginAttempt.id)
    )
    return len(gone)
