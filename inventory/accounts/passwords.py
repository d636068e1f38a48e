"""Password hashing with argon2 and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from inventory.errors import InvalidInput
from inventory.permissions import N_

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("kierto-timing-equaliser")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password against its stored hash, in constant work whether or not the user exists."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            field,
            N_("A password needs at least {minimum} characters."),
            {"minimum": MIN_PASSWORD_LENGTH},
        )
