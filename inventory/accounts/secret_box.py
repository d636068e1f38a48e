"""Encrypt small secrets kept in the database (one-time-password seeds) with a key derived from the server key."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another server key, or altered."""


def _fernet(server_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"kierto-secret-box", info=purpose.encode()).derive(
        server_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(server_key: str, purpose: str, secret: str) -> str:
    """Encrypt and authenticate a secret for storage."""
    return _fernet(server_key, purpose).encrypt(secret.encode("utf-8")).decode("ascii")


def unseal(server_key: str, purpose: str, sealed: str) -> str:
    """Decrypt a stored secret, refusing one that was altered or sealed with another key."""
    try:
        return _fernet(server_key, purpose).decrypt(sealed.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise SecretUnreadable(purpose) from error
