"""Browser sessions kept on the server: created at login, checked on each request, ended at logout."""

from __future__ import annotations

import datetime as dt

from inventory.accounts.tables import User, UserSession
from inventory.accounts.token_hashing import new_token, token_hash
from inventory.accounts.users import actor_from_row
from inventory.actors import Actor
from inventory.clock import now
from inventory.settings import Settings

# Writing last_seen_at on every request would turn every page view into a write; a minute is plenty.
LAST_SEEN_RESOLUTION = dt.timedelta(seconds=60)


async def start_session(user_id: int, address: str, second_factor_pending: bool = False) -> str:
    """Open a new session for a user and return its token for the cookie (always a fresh id).

    With `second_factor_pending` the session opens nothing until the one-time code is given.
    """
    token = new_token()
    moment = now()
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(token),
            user=user_id,
            created_at=moment,
            last_seen_at=moment,
            address=address[:64],
            second_factor_pending=second_factor_pending,
            authenticated_at=moment,
        )
    )
    return token


async def pending_session_user(token: str, settings: Settings) -> Actor | None:
    """The user of a session still waiting for its one-time code (for the code page only)."""
    row = (
        await UserSession.select(
            UserSession.created_at,
            *UserSession.user.all_columns(exclude=[User.password_hash, User.totp_secret]),
        )
        .where((UserSession.token_hash == token_hash(token)) & (UserSession.second_factor_pending == True))  # noqa: E712
        .first()
    )
    # A pending session lives only as long as an idle one may.
    if row is None or now() - row["created_at"] > dt.timedelta(minutes=settings.session_idle_minutes):
        return None
    return actor_from_row({k.removeprefix("user."): v for k, v in row.items() if k.startswith("user.")})


async def complete_second_factor(token: str) -> None:
    """The code was right: the session now opens the service."""
    await UserSession.update(
        {UserSession.second_factor_pending: False, UserSession.authenticated_at: now()}
    ).where(UserSession.token_hash == token_hash(token))


async def require_second_factor_again(token: str) -> None:
    """Put a live session back to waiting for a one-time code (to set one up from the account page)."""
    await UserSession.update({UserSession.second_factor_pending: True}).where(
        UserSession.token_hash == token_hash(token)
    )


async def mark_reauthenticated(token: str) -> None:
    """The person gave their password again just now (before erasing or exporting a client, say)."""
    await UserSession.update({UserSession.authenticated_at: now()}).where(
        UserSession.token_hash == token_hash(token)
    )


async def authenticated_within(token: str, window: dt.timedelta) -> bool:
    """Whether the session's password (and code) were given within the window."""
    row = (
        await UserSession.select(UserSession.authenticated_at)
        .where(UserSession.token_hash == token_hash(token))
        .first()
    )
    return row is not None and now() - row["authenticated_at"] <= window


async def resume_session(token: str, settings: Settings) -> Actor | None:
    """The actor of a live session, or None when the token is unknown, idle too long or too old."""
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.second_factor_pending,
            *UserSession.user.all_columns(exclude=[User.password_hash, User.totp_secret]),
        )
        .where(UserSession.token_hash == token_hash(token))
        .first()
    )
    if row is None or row["second_factor_pending"]:
        return None
    moment = now()
    idle_limit = dt.timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = dt.timedelta(hours=settings.session_absolute_hours)
    if (
        not row["user.is_active"]
        or moment - row["last_seen_at"] > idle_limit
        or moment - row["created_at"] > absolute_limit
    ):
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if moment - row["last_seen_at"] > LAST_SEEN_RESOLUTION:
        await UserSession.update({UserSession.last_seen_at: moment}).where(UserSession.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return actor_from_row(user)


async def end_session(token: str) -> None:
    """Forget a session so its cookie no longer works anywhere."""
    await UserSession.delete().where(UserSession.token_hash == token_hash(token))


async def end_all_sessions(user_id: int) -> None:
    """Log a user out everywhere, e.g. after a password change or deactivation."""
    await UserSession.delete().where(UserSession.user == user_id)
