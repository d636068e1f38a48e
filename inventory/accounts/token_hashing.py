"""Random tokens for sessions and API access, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    """A new high-entropy token, optionally with a readable prefix such as `kt_`."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest of a token: fast to check, useless to a thief of the table."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
