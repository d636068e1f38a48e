"""The rows the stock-take queries return, typed: what a reader and mypy may expect of each."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict


class CountedDevice(TypedDict):
    """A device as a count lists it (`queries.DEVICE_COLUMNS`)."""

    id: int
    asset_tag: str
    make: str
    model: str
    state: str
    site: int
    site_code: str


class StockTakeCounts(TypedDict):
    """How many devices a stock-take expected, found, missed, found in the wrong place and could not name
    (None until it is finished)."""

    expected_count: int | None
    found_count: int | None
    missing_count: int | None
    misplaced_count: int | None
    unknown_count: int | None


class StockTakeHeader(StockTakeCounts):
    """A stock-take with its site's code: what was counted where, and, once finished, what was found."""

    id: int
    site: int
    site_code: str
    place: str
    states: list[str]
    started_by: int | None
    started_at: dt.datetime
    finished_by: int | None
    finished_at: dt.datetime | None
    outcome: dict[str, Any]


class StockTakeListRow(StockTakeCounts):
    """A stock-take in the list of the latest ones."""

    id: int
    site_code: str
    place: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by_name: str | None
