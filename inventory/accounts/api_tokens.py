"""Personal API tokens for scripts and scanners: shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import msgspec

from inventory.accounts.schemas import TokenOut
from inventory.accounts.tables import ApiToken
from inventory.accounts.token_hashing import new_token, token_hash
from inventory.accounts.users import actor_from_row
from inventory.actors import Actor
from inventory.choices import TokenScope
from inventory.clock import LAST_YEAR, now, too_early, too_late
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_

TOKEN_PREFIX = "kt_"  # noqa: S105 - a visible prefix, not a secret
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret` is shown to its owner once and never stored."""

    id: int
    name: str
    scope: TokenScope
    secret: str
    expires_at: dt.datetime | None


async def issue_token(
    user_id: int, name: str, scope: TokenScope, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """Create a token for a user."""
    if not name.strip():
        raise InvalidInput("name", N_("Give the token a name that says where it is used."))
    if expires_at is not None and (too_early(expires_at) or expires_at <= now()):
        raise InvalidInput("expires_at", N_("The expiry date must be in the future."))
    if expires_at is not None and too_late(expires_at):
        raise InvalidInput(
            "expires_at", N_("The expiry date must be before the year {year}."), {"year": LAST_YEAR + 1}
        )
    secret = new_token(TOKEN_PREFIX)
    rows = await ApiToken.insert(
        ApiToken(
            user=user_id,
            name=name.strip()[:100],
            token_hash=token_hash(secret),
            prefix=secret[:10],
            scope=scope.value,
            expires_at=expires_at,
        )
    ).returning(ApiToken.id)
    return IssuedToken(int(rows[0]["id"]), name.strip(), scope, secret, expires_at)


async def list_tokens(user_id: int | None) -> list[TokenOut]:
    """The user's API tokens (never their secrets), revoked and expired ones included."""
    rows = await ApiToken.select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.prefix,
        ApiToken.scope,
        ApiToken.created_at,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
    ).where(ApiToken.user == user_id)
    return msgspec.convert(rows, list[TokenOut])


async def actor_for_token(secret: str) -> Actor | None:
    """The actor a bearer token stands for, or None if it is unknown, revoked, expired or its user inactive."""
    # Written out rather than built by Piccolo's join machinery: this runs on every API request and
    # building the joined select cost more than running it (benchmarks/scan.py).
    rows = await ApiToken.raw(
        'SELECT t.id, t.scope, t.expires_at, t.revoked_at, t.last_used_at, u.id AS "user.id",'
        ' u.username AS "user.username", u.display_name AS "user.display_name", u.role AS "user.role",'
        ' u.site AS "user.site", u.language AS "user.language", u.is_active AS "user.is_active"'
        ' FROM api_token t JOIN kierto_user u ON u.id = t."user" WHERE t.token_hash = {}',
        token_hash(secret),
    )
    row = rows[0] if rows else None
    moment = now()
    if (
        row is None
        or row["revoked_at"] is not None
        or (row["expires_at"] is not None and row["expires_at"] <= moment)
        or not row["user.is_active"]
    ):
        return None
    if row["last_used_at"] is None or moment - row["last_used_at"] > LAST_USED_RESOLUTION:
        await ApiToken.update({ApiToken.last_used_at: moment}).where(ApiToken.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return dataclasses.replace(actor_from_row(user), token_scope=TokenScope(row["scope"]))


async def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    updated = (
        await ApiToken.update({ApiToken.revoked_at: now()})
        .where((ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    if not updated:
        raise NotFound(N_("No such token, or it is already revoked."))
