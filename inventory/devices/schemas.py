"""API schemas for devices, disks, events, transitions and scans: one struct per operation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from msgspec import Meta, Struct

from inventory.choices import ConditionGrade, DeviceKind, ErasureTechnique
from inventory.lifecycle import Action, State
from inventory.schema_types import (
    NOT_BLANK,
    Bytes,
    Id,
    Instant,
    LongText,
    Megabytes,
    MethodName,
    NameText,
    Reason,
    ShortText,
)
from labels.sanitisation_terms import DiskKind, ErasureCategory


class DiskCreate(Struct, forbid_unknown_fields=True):
    """A disk found in a device."""

    model: ShortText = ""
    serial: ShortText | None = None
    size_bytes: Bytes | None = None
    kind: DiskKind = DiskKind.OTHER
    make: ShortText = ""


class DiskUpdate(Struct, forbid_unknown_fields=True):
    """A disk's record completed or corrected before it is erased; absent fields stay as they are."""

    model: ShortText | None = None
    serial: ShortText | None = None
    size_bytes: Bytes | None = None
    kind: DiskKind | None = None
    make: ShortText | None = None


class DiskRemovalIn(Struct, forbid_unknown_fields=True):
    """Why a disk is removed from the record (recorded by mistake)."""

    reason: Annotated[str, Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]  # blank: no reason


class DiskOut(Struct):
    """A disk, with the certificate of its erasure in the device's current round, if any."""

    id: int
    make: str
    model: str
    serial: str | None
    size_bytes: int | None
    kind: DiskKind
    destroyed_at: dt.datetime | None
    erasure_certificate: str | None


class DeviceCreate(Struct, forbid_unknown_fields=True):
    """A received device as listed by the donor or seen at the bench."""

    kind: DeviceKind = DeviceKind.LAPTOP
    make: ShortText = ""
    model: ShortText = ""
    serial: ShortText | None = None
    cpu: ShortText = ""
    ram_mb: Megabytes | None = None
    notes: LongText = ""
    intake_condition: Reason = ""
    disks: list[DiskCreate] = []


class DeviceUpdate(Struct, forbid_unknown_fields=True):
    """Corrections to a device's description; fields left out stay as they are."""

    kind: DeviceKind | None = None
    make: ShortText | None = None
    model: ShortText | None = None
    serial: ShortText | None = None
    cpu: ShortText | None = None
    ram_mb: Megabytes | None = None
    condition_grade: ConditionGrade | None = None
    notes: LongText | None = None


class DeviceSummary(Struct):
    """A device in a list."""

    id: int
    asset_tag: str
    site_code: str
    kind: DeviceKind
    make: str
    model: str
    serial: str | None
    state: State
    condition_grade: ConditionGrade | None
    donation_id: int | None
    state_changed_at: dt.datetime


class ClientRef(Struct):
    """The client a device is reserved for or held by: id and pseudonymous code only."""

    id: int
    code: str


class DeviceOut(Struct):
    """One device in full, with the steps the asking user may take now.

    `client` is present only for roles that may see clients; trainees see `reserved` only.
    """

    id: int
    asset_tag: str
    site_code: str
    kind: DeviceKind
    make: str
    model: str
    serial: str | None
    cpu: str
    ram_mb: int | None
    condition_grade: ConditionGrade | None
    notes: str
    intake_condition: str
    state: State
    state_label: str
    cycle: int
    donation_id: int | None
    reserved: bool
    loan_due_on: dt.date | None
    state_changed_at: dt.datetime
    created_at: dt.datetime
    disks: list[DiskOut]
    available_actions: list[Action]
    client: ClientRef | None = None


class DevicePage(Struct):
    """One page of a device list."""

    items: list[DeviceSummary]
    total: int
    page: int
    per_page: int


class EventOut(Struct):
    """One entry of a device's history."""

    id: int
    action: str
    from_state: State | None
    to_state: State
    actor: str
    at: dt.datetime
    reason: str
    details: dict[str, Any]


class ErasedDiskIn(Struct, forbid_unknown_fields=True):
    """The evidence for one disk of an erasure."""

    disk_id: Id
    verified: bool
    method: MethodName = ""
    bytes_erased: Bytes | None = None


class ErasureIn(Struct, forbid_unknown_fields=True):
    """An erasure reported by a person or an offline wipe station."""

    disks: Annotated[list[ErasedDiskIn], Meta(min_length=1)]
    method: MethodName
    tool: NameText
    tool_version: ShortText = ""
    category: ErasureCategory = ErasureCategory.CLEAR
    technique: ErasureTechnique = ErasureTechnique.OVERWRITE
    verification_method: ShortText = ""
    verification_result: ShortText = ""
    started_at: Instant | None = None
    finished_at: Instant | None = None


class TransitionIn(Struct, forbid_unknown_fields=True):
    """The details of a lifecycle step; each step names the ones it needs (see the lifecycle)."""

    reason: Reason = ""
    client_id: Id | None = None
    due_on: dt.date | None = None
    override_reason: Reason | None = None
    recycler_reference: ShortText | None = None
    erasure: ErasureIn | None = None
    condition_notes: Reason = ""
    accessories: list[ShortText] = []


class TransitionOut(Struct):
    """What a lifecycle step did."""

    asset_tag: str
    action: Action
    from_state: State
    to_state: State
    event_id: int
    certificate_number: str | None = None


class ScanOut(Struct):
    """The device a scan resolved to, and whether by tag or by serial."""

    matched_by: str
    device: DeviceSummary
