"""Refuse Finnish personal identity codes (henkilötunnus) wherever a person can type free text.

Kierto never stores a national identity number. A code is refused when it looks like one: six digits
forming a real date, a century sign, three digits and a check character; a wrong check character does
not make it acceptable (a mistyped identity code is still one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from inventory.errors import InvalidInput
from inventory.i18n import N_

# Century signs: + for the 1800s; - and Y X W V U for the 1900s; A B C D E F for the 2000s (since 2023).
CENTURY_BY_SIGN = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?P<day>\d{2})(?P<month>\d{2})(?P<year>\d{2})"
    r"\s?(?P<sign>[-+A-FU-Y])\s?"
    r"(?P<individual>\d{3})(?P<check>[0-9A-FHJ-NPR-Y])"
    r"(?![0-9A-Za-z])",
    re.IGNORECASE,
)

REFUSAL = N_(
    "Do not write a personal identity code (henkilötunnus) here: Kierto never stores one. "
    "Use the client code instead."
)


def _is_real_date(day: str, month: str, year: str, sign: str) -> bool:
    try:
        dt.date(CENTURY_BY_SIGN[sign.upper()] + int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def check_character(digits: str) -> str:
    """The check character of the nine digits DDMMYYZZZ."""
    return CHECK_CHARACTERS[int(digits) % 31]


def looks_like_identity_code(text: str) -> bool:
    """Whether the text contains something shaped like a Finnish personal identity code."""
    for match in _PATTERN.finditer(text):
        if _is_real_date(match["day"], match["month"], match["year"], match["sign"]):
            return True
    return False


def refuse_identity_codes(fields: Iterable[tuple[str, str | None]]) -> None:
    """Raise InvalidInput naming the first field whose text looks like a personal identity code."""
    for name, value in fields:
        if value and looks_like_identity_code(value):
            raise InvalidInput(name, REFUSAL)
