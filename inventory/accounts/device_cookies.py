"""Device cookies (OWASP's answer to lock-out attacks): a browser where a person has logged in before
carries a signed note of it, and account throttling does not stop a correct password from that browser."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from litestar.datastructures import Cookie

from inventory.settings import Settings

DEVICE_COOKIE_DAYS = 180
MOST_USERS = 8  # a shared workshop computer remembers this many people


def device_cookie_name(settings: Settings) -> str:
    """`__Host-` prefixed over HTTPS, like the session cookie."""
    return "__Host-kierto_device" if settings.uses_https else "kierto_device"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"kierto device cookie", hashlib.sha256).digest()


def _signature(user_id: int, nonce: str, secret: str) -> str:
    return hmac.new(_key(secret), f"{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def _entries(value: str, secret: str) -> list[tuple[int, str]]:
    """The (user id, nonce) pairs of a cookie whose signatures hold; forged or damaged ones are dropped."""
    found = []
    for entry in value.split("~")[: MOST_USERS * 2]:
        parts = entry.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        user_id, nonce, signature = int(parts[0]), parts[1], parts[2]
        if hmac.compare_digest(signature, _signature(user_id, nonce, secret)):
            found.append((user_id, nonce))
    return found


def known_device(value: str | None, user_id: int | None, settings: Settings) -> str:
    """The browser's nonce for this user if its cookie shows a login by them before, else ""."""
    if not value or user_id is None:
        return ""
    secret = settings.resolved_secret_key()
    return next((nonce for uid, nonce in _entries(value, secret) if uid == user_id), "")


def remembered(value: str | None, user_id: int, settings: Settings) -> Cookie:
    """The cookie after a successful login: this user's entry first (a new one if absent), older users after."""
    secret = settings.resolved_secret_key()
    entries = _entries(value or "", secret)
    nonce = next((n for uid, n in entries if uid == user_id), "") or secrets.token_urlsafe(12)
    kept = [(user_id, nonce)] + [(uid, n) for uid, n in entries if uid != user_id]
    text = "~".join(f"{uid}.{n}.{_signature(uid, n, secret)}" for uid, n in kept[:MOST_USERS])
    return Cookie(
        key=device_cookie_name(settings),
        value=text,
        path="/",
        httponly=True,
        secure=settings.uses_https,
        samesite="lax",
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
    )
