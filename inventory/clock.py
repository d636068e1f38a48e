"""The current time, in UTC, in one place so that tests, jobs and the demo's story agree on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# How far this task's clock is set back (the demo data records a year of work through the real services).
_SHIFT: ContextVar[dt.timedelta] = ContextVar("kierto_clock_shift", default=dt.timedelta(0))


def now() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC) + _SHIFT.get()


# The years a moment from a request may lie in: at the ends of Python's range (0001, 9999) an offset
# moves it out when it is compared with the clock or kept in UTC (9999-12-31T23:59-01:00 was a 500).
# The OpenAPI description states the same years (api_docs.DATE_PATTERNS).
FIRST_YEAR, LAST_YEAR = 2, 9998


def too_early(moment: dt.datetime) -> bool:
    """Whether a moment lies before FIRST_YEAR (and so before anything Kierto records)."""
    return moment.year < FIRST_YEAR


def too_late(moment: dt.datetime) -> bool:
    """Whether a moment lies after LAST_YEAR."""
    return moment.year > LAST_YEAR


def today() -> dt.date:
    """Today's date in Finland, where the service is used."""
    return (dt.datetime.now(HELSINKI) + _SHIFT.get()).date()


@contextmanager
def as_of(moment: dt.datetime) -> Iterator[None]:
    """Run the code inside as if it were `moment` (in this task only): only the demo data uses it."""
    if moment.tzinfo is None:
        raise ValueError("as_of needs an aware datetime.")
    token = _SHIFT.set(moment - dt.datetime.now(dt.UTC))
    try:
        yield
    finally:
        _SHIFT.reset(token)


try:
    from zoneinfo import ZoneInfo

    HELSINKI = ZoneInfo("Europe/Helsinki")
except Exception:  # pragma: no cover - tzdata missing: fall back to UTC rather than fail to start
    HELSINKI = dt.UTC  # type: ignore[assignment]
