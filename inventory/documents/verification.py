"""Verification codes: a certificate's number and an HMAC over what it certifies, checked on /verify."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

MAC_LENGTH = 16  # base32 characters: 80 bits, far beyond guessing over the network
SEPARATOR = "."


class Verdict(StrEnum):
    """What a verification code turned out to be."""

    GENUINE = "genuine"
    TAMPERED = "tampered"
    UNKNOWN = "unknown"


def canonical(kind: str, number: str, facts: dict[str, Any]) -> bytes:
    """The exact bytes a code signs: the same facts always give the same bytes."""
    return json.dumps(
        {"kind": kind, "number": number, "facts": facts},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def mac(secret: str, kind: str, number: str, facts: dict[str, Any]) -> str:
    """The HMAC-SHA256 of the certified content, in base32 without padding, shortened."""
    digest = hmac.new(secret.encode("utf-8"), canonical(kind, number, facts), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:MAC_LENGTH]


def verification_code(secret: str, kind: str, number: str, facts: dict[str, Any]) -> str:
    """The code printed on a document, e.g. `E-2026-000123.K4Q2…`."""
    return f"{number}{SEPARATOR}{mac(secret, kind, number, facts)}"


# A code inside whatever was pasted: a URL of the page, spaces, quotes, a line of the PDF's footer.
_CODE_IN_TEXT = re.compile(
    r"([A-Za-z0-9]+(?:-[A-Za-z0-9]+)+)\.([A-Za-z2-7]{" + str(MAC_LENGTH) + r"})(?![A-Za-z0-9])"
)
MAX_PASTED = 2000


def find_code(pasted: str) -> str | None:
    """The verification code in a typed or pasted text (a URL, a footer line), or None."""
    match = _CODE_IN_TEXT.search(unquote(pasted[:MAX_PASTED]))
    return f"{match.group(1).upper()}{SEPARATOR}{match.group(2).upper()}" if match else None


def split_code(code: str) -> tuple[str, str] | None:
    """The number and the MAC of a typed or scanned code, or None when it has the wrong shape."""
    number, separator, given_mac = code.strip().rpartition(SEPARATOR)
    if not separator or not number or len(given_mac) != MAC_LENGTH or not given_mac.isalnum():
        return None
    return number.upper(), given_mac.upper()


def check(secret: str, code: str, kind: str, number: str, facts: dict[str, Any]) -> Verdict:
    """Compare a code with the one the stored facts give, in constant time."""
    parts = split_code(code)
    if parts is None or parts[0] != number:
        return Verdict.UNKNOWN
    return (
        Verdict.GENUINE
        if hmac.compare_digest(parts[1], mac(secret, kind, number, facts))
        else Verdict.TAMPERED
    )
