"""Reading the client pages' form fields: dates, numbers, repeated fields and choices, each refusal naming its field."""

from __future__ import annotations

import datetime as dt

from inventory.clients.choices import Accommodation
from inventory.errors import InvalidInput
from inventory.i18n import N_, Language


def parse_date(value: str, field_name: str) -> dt.date:
    """The date typed in the field (ISO), or a refusal naming the field."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidInput(field_name, N_("Give the date as day, month and year.")) from error


def optional_int(value: str, field_name: str) -> int | None:
    """The number chosen in the field, or None when it was left empty."""
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError as error:
        raise InvalidInput(field_name, N_("Choose from the list.")) from error


def many(value: list[str] | str) -> list[str]:
    """A form field that may be sent once or several times, as a list (a single value arrives as text)."""
    return [value] if isinstance(value, str) else list(value)


def accommodations_from(values: list[str] | str) -> tuple[Accommodation, ...]:
    """The accommodations ticked on the client form."""
    try:
        return tuple(Accommodation(v) for v in many(values))
    except ValueError as error:
        raise InvalidInput("accommodations", N_("Choose from the list.")) from error


def language_from(value: str) -> Language:
    """The language chosen on the client form."""
    try:
        return Language(value)
    except ValueError as error:
        raise InvalidInput("language", N_("Choose from the list.")) from error
