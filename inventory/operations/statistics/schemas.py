"""API schemas for the daily statistics."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from inventory.lifecycle import State


class DailyCountOut(Struct):
    """How many devices a site had in a state on a day."""

    day: dt.date
    site_code: str
    state: State
    count: int
