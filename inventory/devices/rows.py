"""The rows the device queries return (`devices/queries.py`, `erasure_signoff.py`), typed: what a reader and mypy
may expect of each."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict


class DiskRow(TypedDict):
    """A disk of a device, with the certificate of its erasure in the device's current round, if any."""

    id: int
    device: int
    make: str
    model: str
    serial: str | None
    size_bytes: int | None
    kind: str
    destroyed_at: dt.datetime | None
    destroyed_by: int | None
    destruction_witness: str | None
    destruction_method: str | None
    destruction_recycler_reference: str | None
    created_at: dt.datetime
    erasure_certificate: str | None


class DeviceRow(TypedDict):
    """A device as `get_device` reads it: every column, its site's code and its disks."""

    id: int
    asset_tag: str
    site: int
    site_code: str
    tag_number: int
    donation: int | None
    kind: str
    make: str
    model: str
    serial: str | None
    cpu: str
    ram_mb: int | None
    condition_grade: str | None
    notes: str
    intake_condition: str
    state: str
    state_before_hold: str | None
    cycle: int
    reserved_for: int | None
    holder: int | None
    loan_due_on: dt.date | None
    state_changed_at: dt.datetime
    created_at: dt.datetime
    disks: list[DiskRow]


class DeviceListRow(TypedDict):
    """A device in a list (`DEVICE_LIST_COLUMNS`)."""

    id: int
    asset_tag: str
    site_code: str
    kind: str
    make: str
    model: str
    serial: str | None
    state: str
    condition_grade: str | None
    donation: int | None
    state_changed_at: dt.datetime


class DeviceEventRow(TypedDict):
    """One step of a device's history; `details` holds what the step recorded (client, reason, …)."""

    id: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: dt.datetime
    reason: str
    details: dict[str, Any]


class DeviceErasureRow(TypedDict):
    """An erasure in a device's list of them."""

    id: int
    certificate_number: str
    cycle: int
    passed: bool
    method: str
    tool: str
    source: str
    finished_at: dt.datetime | None


class SignOffErasure(TypedDict):
    """An erasure as signing it off or accepting its warning reads it, with its device's state."""

    id: int
    device: int
    passed: bool
    operator: int | None
    validated_at: dt.datetime | None
    warning: str
    warning_accepted_at: dt.datetime | None
    certificate_number: str
    state: str


class AwaitingSignOffRow(TypedDict):
    """A passed erasure that waits to be signed off, with its device's tag."""

    certificate_number: str
    finished_at: dt.datetime | None
    tool: str
    tool_version: str
    warning: str
    warning_accepted_at: dt.datetime | None
    operator: int | None
    asset_tag: str
