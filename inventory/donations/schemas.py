"""API schemas for donors, donations and spreadsheet intake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from litestar.datastructures import UploadFile
from msgspec import Meta, Struct

from inventory.choices import DonorKind
from inventory.devices.schemas import DeviceCreate
from inventory.schema_types import BusinessId, Email, Id, LongNameText, LongText, Phone, ShortText


class DonorCreate(Struct, forbid_unknown_fields=True):
    """A new donor."""

    name: LongNameText
    kind: DonorKind = DonorKind.ORGANISATION
    business_id: BusinessId | None = None
    contact_name: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: LongText = ""


class DonorSummary(Struct):
    """A donor in a pick list: no contact details."""

    id: int
    name: str
    kind: DonorKind


class DonorOut(Struct):
    """A donor with contact details, for coordinators."""

    id: int
    name: str
    kind: DonorKind
    business_id: str | None
    contact_name: str | None
    email: str | None
    phone: str | None
    notes: str
    created_at: dt.datetime


class DonationCreate(Struct, forbid_unknown_fields=True):
    """A donation with the devices on its list, registered all at once."""

    donor_id: Id
    site_id: Id
    received_on: dt.date | None = None
    reference: ShortText = ""
    notes: LongText = ""
    devices: list[DeviceCreate] = []


class DevicesAdd(Struct, forbid_unknown_fields=True):
    """More devices for an existing donation."""

    devices: Annotated[list[DeviceCreate], Meta(min_length=1)]


class DonationOut(Struct):
    """A donation and the tags of its devices."""

    id: int
    donor_id: int
    donor_name: str
    site_id: int
    site_code: str
    received_on: dt.date
    reference: str
    notes: str
    created_at: dt.datetime
    finalised_at: dt.datetime | None
    asset_tags: list[str]


class DonationCreated(Struct):
    """The new donation's id and its devices' tags, in list order."""

    id: int
    asset_tags: list[str]


@dataclass
class ImportUpload:
    """A donor's device list to check or import (CSV or XLSX)."""

    file: UploadFile
    donor_id: int | None = None
    site_id: int | None = None
    received_on: dt.date | None = None
    reference: str = ""
    exclude_lines: str = ""
    """Lines of the list to leave out, as the spreadsheet numbers them, e.g. "5, 9"."""


class ImportProblem(Struct):
    """One problem (or warning) on a row."""

    field: str
    message: str


class ImportRow(Struct):
    """One row of the list, by its line number in the spreadsheet: what would be created, or why not.

    `status` is "ok", "warning" (imported, but check it: e.g. no serial) or "problem" (not imported
    until fixed or left out); `ok` is true for "ok" only, `importable` for "ok" and "warning".
    """

    line: int
    cells: dict[str, str]
    ok: bool
    importable: bool
    status: Literal["ok", "warning", "problem"]
    problems: list[ImportProblem]
    warnings: list[ImportProblem]


class ImportPreview(Struct):
    """The dry run: the header line, columns recognised and ignored, units read from headers, every row.

    `flagged_lines` are the lines with problems: leave them out (`exclude_lines`) to import the rest.
    """

    header_line: int
    columns: dict[str, str]
    ignored_columns: list[str]
    units: dict[str, str]
    rows: list[ImportRow]
    problem_count: int
    warning_count: int
    device_count: int
    flagged_lines: list[int]


class ImportResult(Struct):
    """The real run: the donation created and its tags."""

    donation_id: int
    asset_tags: list[str]
