"""Password hashing with argon2 and the password rules: long enough, not common, not guessable."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from inventory.errors import InvalidInput
from inventory.i18n import N_

MIN_PASSWORD_LENGTH = 12
# zxcvbn's score: 0 too guessable … 4 very unguessable; 3 means "safely unguessable" for online attacks.
MIN_STRENGTH = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; a longer password is judged by its start
MIN_NAME_PART = 3  # shorter parts of a name ("Li", "Ek") occur in ordinary words
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
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


@lru_cache(maxsize=1)
def _local_common_words() -> tuple[str, ...]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_password_rules(password: str, field: str = "password", personal: Sequence[str] = ()) -> None:
    """Refuse a password that is too short, common or leaked, or easy to guess from the person's own names.

    The lists are zxcvbn's (30,000 passwords from leaks and common words) and our Finnish and Swedish
    supplement in common_passwords.txt; `personal` holds the username and name of the account.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            field,
            N_("A password needs at least {minimum} characters."),
            {"minimum": MIN_PASSWORD_LENGTH},
        )
    lowered = password.lower()
    if any(len(part) >= MIN_NAME_PART and part.lower() in lowered for part in personal):
        raise InvalidInput(field, N_("Do not use your own name or username in your password."))
    from zxcvbn import zxcvbn  # imported here: building its dictionaries takes a moment

    words = [*_local_common_words(), *(p.lower() for p in personal if p)]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=words)["score"] < MIN_STRENGTH:
        raise InvalidInput(
            field,
            N_(
                "This password is too easy to guess: it is common, has been leaked or is built from "
                "your own name. Try three or four unrelated words."
            ),
        )
