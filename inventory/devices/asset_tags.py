"""Asset tags `SITE-NNNNNN-C`: formatting, parsing what a scanner or a person typed, and check characters.

The check character is ISO 7064 MOD 37-2 over the site code and the number (0-9, A-Z or `*`). Being
a pure system with a prime modulus, it catches every single mistyped character and every swap of two
neighbours, the check character included; the hybrid MOD 37,36 misses some swaps with the check.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_2

from inventory.sites.naming import SITE_CODE_PATTERN

NUMBER_DIGITS = 6
MAX_NUMBER = 10**NUMBER_DIGITS - 1
_TAG_PATTERN = re.compile(r"^([A-Z]{2,5})[-\s]?(\d{1,6})(?:-([0-9A-Z*]))?$")
# A number typed with letters that look like digits: O for 0, I or L for 1.
_LOOKALIKE_PATTERN = re.compile(r"^([A-Z]{2,5})[-\s]?([0-9OIL]{1,6})(?:-([0-9A-Z*]))?$")
_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class ParsedTag:
    """An asset tag as typed: the site code, the number and the check character if one was given."""

    site_code: str
    number: int
    check: str | None

    @property
    def canonical(self) -> str:
        """The tag as printed on the label."""
        return format_tag(self.site_code, self.number)

    @property
    def check_matches(self) -> bool:
        """True when no check character was typed or the typed one is right."""
        return self.check is None or self.check == check_character(self.site_code, self.number)


def check_character(site_code: str, number: int) -> str:
    """The check character of a site code and number."""
    return str(mod_37_2.calc_check_digit(f"{site_code}{number:0{NUMBER_DIGITS}d}"))


def format_tag(site_code: str, number: int) -> str:
    """Format a tag, e.g. `JNS-000042-3`."""
    if not SITE_CODE_PATTERN.match(site_code):
        raise ValueError(f"A site code is 2 to 5 capital letters A-Z, not {site_code!r}.")
    if not 0 < number <= MAX_NUMBER:
        raise ValueError(f"An asset tag number is between 1 and {MAX_NUMBER}, not {number}.")
    return f"{site_code}-{number:0{NUMBER_DIGITS}d}-{check_character(site_code, number)}"


def normalise_scan(text: str) -> str:
    """What a scanner or keyboard sent, without stray whitespace and in capitals."""
    return "".join(text.split()).upper()


def parse_tag(text: str) -> ParsedTag | None:
    """Read an asset tag from typed or scanned text; None when the text does not look like a tag."""
    match = _TAG_PATTERN.match(normalise_scan(text))
    if not match:
        return None
    site_code, digits, check = match.groups()
    number = int(digits)
    if number == 0:
        return None
    return ParsedTag(site_code=site_code, number=number, check=check)


def canonical_tag(text: str) -> str:
    """A typed tag as printed ("jns-42-x" -> "JNS-000042-X"); other text in capitals without spaces."""
    tag = parse_tag(text)
    return tag.canonical if tag is not None and tag.check_matches else normalise_scan(text)


def read_lookalikes(text: str) -> ParsedTag | None:
    """The tag meant by text whose number has a letter for a digit it looks like ("JNS-OOOO42-7" for
    "JNS-000042-7"); None when the text has no such letter or is no tag even so.
    """
    match = _LOOKALIKE_PATTERN.match(normalise_scan(text))
    if not match or match.group(2).isdigit():
        return None
    site_code, number, check = match.groups()
    return parse_tag(f"{site_code}-{number.translate(_LOOKALIKE_DIGITS)}" + (f"-{check}" if check else ""))


def likely_intended(tag: ParsedTag) -> list[str]:
    """Tags that differ from a mistyped one by one character or one swap of neighbours and are valid.

    The caller keeps those that exist; the typed check character is taken as typed, since the error
    is as likely in the body as in the check character. The tag with only its check character
    corrected comes first.
    """
    if tag.check is None:
        return []
    body = f"{tag.site_code}{tag.number:0{NUMBER_DIGITS}d}"
    candidates: list[str] = [tag.canonical]
    bodies: set[str] = set()
    for index, char in enumerate(body):
        pool = string.ascii_uppercase if index < len(tag.site_code) else string.digits
        bodies.update(body[:index] + other + body[index + 1 :] for other in pool if other != char)
    for index in range(len(body) - 1):
        swapped = body[:index] + body[index + 1] + body[index] + body[index + 2 :]
        if swapped != body:
            bodies.add(swapped)
    site_length = len(tag.site_code)
    for candidate in sorted(bodies):
        site_code, digits = candidate[:site_length], candidate[site_length:]
        if not (SITE_CODE_PATTERN.match(site_code) and digits.isdigit() and int(digits) > 0):
            continue
        if mod_37_2.calc_check_digit(candidate) == tag.check:
            candidates.append(format_tag(site_code, int(digits)))
    return candidates
