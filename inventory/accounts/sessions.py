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


async def start_session(user_id: int, address: str) -> str:
    """Open a new session for a user and return its token for the cookie (always a fresh id)."""
    token = new_token()
    moment = now()
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(token),
            user=user_id,
            created_at=moment,
            last_seen_at=moment,
            address=address[:64],
        )
    )
    return token


async def resume_session(token: str, settings: Settings) -> Actor | None:
    """The actor of a live session, or None when the token is unknown, idle too long or too old."""
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            *UserSession.user.all_columns(exclude=[User.password_hash]),
        )
        .where(UserSession.token_hash == token_hash(token))
        .first()
    )
    if row is None:
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
