"""API schemas for the signed-in user, API tokens and user administration."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from inventory.choices import TokenScope
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.schema_types import Email, Instant, NameText, ShortText, SiteCode, Username


class MeOut(Struct):
    """Who is signed in, and what they may do."""

    id: int
    username: str
    display_name: str
    role: Role
    site_id: int | None
    language: str
    permissions: list[str]


class TokenCreate(Struct, forbid_unknown_fields=True):
    """A new personal API token."""

    name: NameText
    scope: TokenScope = TokenScope.READ_WRITE
    expires_at: Instant | None = None


class TokenOut(Struct):
    """A token as listed: never its secret."""

    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenIssued(Struct):
    """A new token: `secret` is shown this once and cannot be seen again."""

    id: int
    name: str
    scope: TokenScope
    secret: str
    expires_at: dt.datetime | None


class UserCreate(Struct, forbid_unknown_fields=True):
    """A new account for one person."""

    username: Username
    display_name: NameText
    role: Role
    password: ShortText
    site_code: SiteCode | None = None
    email: Email | None = None
    language: Language = Language.FI


class UserUpdate(Struct, forbid_unknown_fields=True):
    """Changes to an account; a new password ends the person's sessions."""

    display_name: NameText | None = None
    role: Role | None = None
    site_code: SiteCode | None = None
    email: Email | None = None
    language: Language | None = None
    is_active: bool | None = None
    password: ShortText | None = None


class UserOut(Struct):
    """An account as administrators see it."""

    id: int
    username: str
    display_name: str
    role: Role
    site_id: int | None
    email: str | None
    language: str
    is_active: bool
    created_at: dt.datetime
