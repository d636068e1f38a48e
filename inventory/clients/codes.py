"""Pseudonymous client codes: random, unrelated to the person, easy to read aloud and to type."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: characters that are misread on paper or over the phone.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
GROUP = 4
PREFIX = "K"


def new_client_code() -> str:
    """A fresh random code such as `K-7F3Q-9XHM` (25**8, about 1.5e11 possibilities)."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(2 * GROUP))
    return f"{PREFIX}-{characters[:GROUP]}-{characters[GROUP:]}"
