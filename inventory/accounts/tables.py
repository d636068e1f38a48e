"""Tables for users, sessions, API tokens and login attempts."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.choices import TokenScope
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.sites.tables import Site


class User(Table, tablename="kierto_user"):
    """One person with one account (accounts are never shared: the work log depends on it)."""

    id: Serial

    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100)
    email = Varchar(length=254, null=True, default=None)
    role = Varchar(length=16, choices=Role)
    site = ForeignKey(Site, null=True, on_delete=OnDelete.restrict)
    password_hash = Text(secret=True)
    language = Varchar(length=2, choices=Language, default=Language.FI)
    is_active = Boolean(default=True)
    created_at = Timestamptz()
    totp_secret = Text(null=True, default=None, secret=True, help_text="Encrypted with the server key.")
    totp_enabled_at = Timestamptz(null=True, default=None)
    totp_last_step = BigInt(
        null=True, default=None, help_text="The last time step used, so a code works once."
    )


class UserSession(Table):
    """A logged-in browser session; the cookie holds a random token, the table only its hash."""

    id: Serial

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    address = Varchar(length=64, default="")
    second_factor_pending = Boolean(default=False, help_text="Password given; the one-time code not yet.")
    authenticated_at = Timestamptz(
        help_text="When the password (and code) were last given: login or re-check."
    )


class ApiToken(Table):
    """A personal token for scripts and scanners, stored as a SHA-256 hash and revocable."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12, help_text="The first characters, to recognise a token in a list.")
    scope = Varchar(length=16, choices=TokenScope, default=TokenScope.READ_WRITE)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table):
    """One login attempt, kept for throttling repeated failures per account and per address."""

    id: Serial

    username = Varchar(length=64, index=True)
    address = Varchar(length=64, index=True)
    device = Varchar(
        length=32, default="", help_text="The known browser's device-cookie nonce; empty when not known."
    )
    succeeded = Boolean(default=False)
    at = Timestamptz(index=True)
