"""The current time, in UTC, in one place so that tests and jobs agree on it."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Finland, where the service is used."""
    return dt.datetime.now(HELSINKI).date()


try:
    from zoneinfo import ZoneInfo

    HELSINKI = ZoneInfo("Europe/Helsinki")
except Exception:  # pragma: no cover - tzdata missing: fall back to UTC rather than fail to start
    HELSINKI = dt.UTC  # type: ignore[assignment]
