"""Dates, times, storage sizes and durations written the way each document language writes them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from babel.units import format_unit

from labels.translation import check_language

# Finnish and Swedish as written in Finland; British English for the English documents.
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
HELSINKI = ZoneInfo("Europe/Helsinki")
# Storage sizes use the symbols printed on disks and on our asset labels in every language (GB, not
# the Finnish "Gt"), so that a trainee can hold a certificate next to the disk and compare them.
_DECIMAL_UNITS = (
    (10**12, "TB"),
    (10**9, "GB"),
    (10**6, "MB"),
    (10**3, "kB"),
    (1, "B"),
)


def _locale(language: str) -> str:
    return BABEL_LOCALES[check_language(language)]


def format_day(day: date, language: str) -> str:
    """A date, e.g. "1.3.2025", "1 mars 2025", "1 Mar 2025"."""
    return format_date(day, "medium", locale=_locale(language))


def format_moment(moment: datetime, language: str) -> str:
    """A date and time of day, in Finnish time when the moment carries a time zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(HELSINKI)
    locale = _locale(language)
    day = format_date(moment.date(), "medium", locale=locale)
    return f"{day} {format_time(moment.time(), 'short', locale=locale)}"


def format_size(size_bytes: int, language: str) -> str:
    """A storage size in decimal units as disk makers state them, e.g. "256 GB", "1,5 TB" in Finnish.

    The one size formatter of the project: pages, documents and labels all call it.
    """
    if size_bytes < 0:
        raise ValueError("A storage size cannot be negative.")
    for factor, unit in _DECIMAL_UNITS:
        if size_bytes >= factor or factor == 1:
            value = size_bytes / factor
            pattern = "#,##0" if value >= 100 else "#,##0.#"
            return f"{format_decimal(value, format=pattern, locale=_locale(language))} {unit}"
    raise AssertionError("unreachable")


def format_memory(ram_mb: int, language: str) -> str:
    """Working memory as sellers state it, e.g. 8192 MB as "8 GB" (memory counts in 1024s)."""
    if ram_mb < 0:
        raise ValueError("A memory size cannot be negative.")
    if ram_mb < 1024:
        return f"{format_decimal(ram_mb, format='#,##0', locale=_locale(language))} MB"
    value = ram_mb / 1024
    return f"{format_decimal(value, format='#,##0.#', locale=_locale(language))} GB"


def format_duration(minutes: int, language: str) -> str:
    """A duration in hours and minutes, e.g. "1 t 30 min", "1 tim 30 min", "1 hr 30 min"."""
    if minutes < 0:
        raise ValueError("A duration cannot be negative.")
    locale = _locale(language)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(str(format_unit(hours, "duration-hour", length="short", locale=locale)))
    if rest or not hours:
        parts.append(str(format_unit(rest, "duration-minute", length="short", locale=locale)))
    return " ".join(parts)


def format_number(value: int, language: str) -> str:
    """A whole number with the language's digit grouping, e.g. "250 059 350 016" in Finnish."""
    return str(format_decimal(value, format="#,##0", locale=_locale(language)))


def format_seconds(seconds: int, language: str) -> str:
    """A duration to the second, e.g. "54 min 16 s"; whole hours and minutes as in ``format_duration``."""
    if seconds < 0:
        raise ValueError("A duration cannot be negative.")
    locale = _locale(language)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(str(format_unit(hours, "duration-hour", length="short", locale=locale)))
    if hours or minutes:
        parts.append(str(format_unit(minutes, "duration-minute", length="short", locale=locale)))
    parts.append(str(format_unit(seconds, "duration-second", length="short", locale=locale)))
    return " ".join(parts)
