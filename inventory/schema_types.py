"""Constrained field types shared by every API schema, so no input can reach the database malformed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import Meta

from inventory.i18n import N_

# PostgreSQL refuses NUL characters in text and integers beyond int4/int8; refuse them at the door.
_NO_NUL = r"^[^\x00]*$"
# Whitespace as Python's str.isspace() and str.strip() know it, written out: `\s` means different sets
# in Python's re (which the server checks with), ECMA 262 (which the OpenAPI description promises) and
# the validators that read it (\x1c-\x1f, \x85, \ufeff), so a pattern never says `\s` or `\S`.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Control characters (C0, DEL, C1) and whitespace: never part of an address or a name.
_CONTROL_OR_SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
NO_SPACE = rf"^[^\x00{SPACE}]*$"
_EMAIL_PART = rf"[^@{_CONTROL_OR_SPACE}]+"

# A moment in time: with its offset (msgspec reads one without, which is no moment; it was a 500 where
# compared with the clock), and described as a date-time (msgspec leaves the format out without tz=True).
Instant = Annotated[dt.datetime, Meta(tz=True)]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1, description="A record id.")]
ShortText = Annotated[str, Meta(max_length=100, pattern=_NO_NUL)]
NameText = Annotated[str, Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
LongNameText = Annotated[str, Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
LongText = Annotated[str, Meta(max_length=4000, pattern=_NO_NUL)]
Reason = Annotated[str, Meta(max_length=1000, pattern=_NO_NUL)]
EMAIL = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"
Email = Annotated[str, Meta(max_length=254, pattern=EMAIL, description="An e-mail address.")]
# Digits, spaces, +, - and brackets, neither starting nor ending with a space (a client's phone is kept stripped).
PHONE = r"^[0-9+()\-][0-9+()\- ]{1,38}[0-9+()\-]$"
Phone = Annotated[str, Meta(max_length=40, pattern=PHONE)]
SITE_CODE = r"^[A-Za-z]{2,5}$"
SiteCode = Annotated[str, Meta(min_length=2, max_length=5, pattern=SITE_CODE)]
BusinessId = Annotated[str, Meta(max_length=20, pattern=_NO_NUL)]
MethodName = Annotated[str, Meta(max_length=40, pattern=_NO_NUL)]
USERNAME = r"^[A-Za-z0-9.\-]+$"
Username = Annotated[str, Meta(min_length=1, max_length=64, pattern=USERNAME)]
Megabytes = Annotated[int, Meta(ge=0, le=10**8)]
Bytes = Annotated[int, Meta(ge=0, le=2**62)]
PageNumber = Annotated[int, Meta(ge=1, le=100_000)]
PageSize = Annotated[int, Meta(ge=1, le=500)]

# What each pattern asks of a person, for the API's refusal in place of the regular expression.
PATTERN_SENTENCES = {
    _NO_NUL: N_("The text contains a NUL character, which cannot be stored. Remove it."),
    NOT_BLANK: N_("Write something here: spaces alone are not enough."),
    NO_SPACE: N_("Write it without spaces."),
    EMAIL: N_("Write an e-mail address such as name@example.org."),
    PHONE: N_("Write a phone number using only digits, spaces, +, - and brackets."),
    SITE_CODE: N_("Write two to five letters from A to Z."),
    USERNAME: N_("Use only the letters A to Z, digits, dots and hyphens."),
}
