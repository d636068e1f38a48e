"""Login throttling: after repeated failures an account, or an address, waits before trying again."""

from __future__ import annotations

import datetime as dt

from inventory.accounts.tables import LoginAttempt
from inventory.clock import now
from inventory.settings import Settings

# An address may fail this many times more than one account, since offices share an address.
ADDRESS_FACTOR = 4


async def is_throttled(username: str, address: str, settings: Settings) -> bool:
    """Whether logins for this username or from this address are paused after too many failures."""
    since = now() - dt.timedelta(minutes=settings.login_lockout_minutes)
    failures_for_user = await LoginAttempt.count().where(
        (LoginAttempt.username == username.strip().lower())
        & (LoginAttempt.at > since)
        & (LoginAttempt.succeeded == False)  # noqa: E712 - Piccolo builds SQL from this comparison
    )
    if failures_for_user >= settings.login_max_failures:
        return True
    failures_from_address = await LoginAttempt.count().where(
        (LoginAttempt.address == address[:64]) & (LoginAttempt.at > since) & (LoginAttempt.succeeded == False)  # noqa: E712
    )
    return bool(failures_from_address >= settings.login_max_failures * ADDRESS_FACTOR)


async def record_attempt(username: str, address: str, succeeded: bool) -> None:
    """Remember an attempt; a success clears the account's earlier failures."""
    name = username.strip().lower()[:64]
    if succeeded:
        await LoginAttempt.delete().where((LoginAttempt.username == name) & (LoginAttempt.succeeded == False))  # noqa: E712
    await LoginAttempt.insert(
        LoginAttempt(username=name, address=address[:64], succeeded=succeeded, at=now())
    )
