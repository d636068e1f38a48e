"""The rows the coordinator's lists show, typed: what a reader and mypy may expect of each."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict


class OverdueDevice(TypedDict):
    """A device on loan past its due date, with its client's pseudonymous code (never a name)."""

    asset_tag: str
    make: str
    model: str
    loan_due_on: dt.date
    site_code: str
    client_id: int | None
    client_code: str | None
    days_overdue: int


class WaitingDevice(TypedDict):
    """A device at a step, and since when."""

    asset_tag: str
    make: str
    model: str
    state: str
    state_changed_at: dt.datetime
    site_code: str


class StuckDevice(WaitingDevice):
    """A device that has waited at its step longer than the step's threshold."""

    days: int
    threshold: int


class LeadTimeEvent(TypedDict):
    """A step of a device's history that starts or ends a lead time."""

    id: int
    device: int
    action: str
    at: dt.datetime
