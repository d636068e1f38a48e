"""The donation, import and donor forms as typed, and their reading into the services' input, field by field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from litestar.datastructures import UploadFile

from inventory.choices import DeviceKind, DonorKind
from inventory.devices.intake import NewDevice, NewDisk
from inventory.donations.services import NewDonation, NewDonor
from inventory.errors import InvalidInput
from inventory.i18n import N_
from inventory.web import form_list
from labels.sanitisation_terms import DiskKind

GB = 10**9


@dataclass
class DonationForm:
    """The new donation form: the donation's fields and the device rows, one list per column."""

    donor_id: str = ""
    site_id: str = ""
    received_on: str = ""
    reference: str = ""
    notes: str = ""
    kind: list[str] | str = field(default_factory=list)
    make: list[str] | str = field(default_factory=list)
    model: list[str] | str = field(default_factory=list)
    serial: list[str] | str = field(default_factory=list)
    cpu: list[str] | str = field(default_factory=list)
    ram_gb: list[str] | str = field(default_factory=list)
    disk_gb: list[str] | str = field(default_factory=list)
    disk_kind: list[str] | str = field(default_factory=list)
    add_rows: str = ""


@dataclass(frozen=True)
class DeviceRow:
    """One row of the form as typed, to show it again."""

    kind: str = DeviceKind.LAPTOP.value
    make: str = ""
    model: str = ""
    serial: str = ""
    cpu: str = ""
    ram_gb: str = ""
    disk_gb: str = ""
    disk_kind: str = DiskKind.SSD.value

    @property
    def is_blank(self) -> bool:
        """Whether nothing identifying was typed on the row."""
        return not (self.make.strip() or self.model.strip() or self.serial.strip())


@dataclass
class ImportForm:
    """The spreadsheet upload (a dry run first)."""

    file: UploadFile
    donor_id: str = ""
    site_id: str = ""
    received_on: str = ""
    reference: str = ""


@dataclass
class ImportConfirmForm:
    """The confirmed import: the same file, carried back from the preview, and the lines left out."""

    payload: str = ""
    donor_id: str = ""
    site_id: str = ""
    received_on: str = ""
    reference: str = ""
    exclude_lines: str = ""

    def upload_again(self) -> str:
        """The upload page with this donor, site, date and reference already chosen."""
        fields = {
            "donor_id": self.donor_id,
            "site_id": self.site_id,
            "received_on": self.received_on,
            "reference": self.reference,
        }
        return "/donations/import?" + urlencode({k: v for k, v in fields.items() if v})


@dataclass
class DonorForm:
    """The new donor form."""

    name: str = ""
    kind: str = DonorKind.ORGANISATION.value
    business_id: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""


def _column(values: list[str] | str, index: int, default: str = "") -> str:
    column = form_list(values)
    return str(column[index]) if index < len(column) else default


def device_rows(form: DonationForm) -> list[DeviceRow]:
    count = max(len(form_list(form.make)), len(form_list(form.model)), len(form_list(form.serial)))
    return [
        DeviceRow(
            kind=_column(form.kind, i, DeviceKind.LAPTOP.value),
            make=_column(form.make, i),
            model=_column(form.model, i),
            serial=_column(form.serial, i),
            cpu=_column(form.cpu, i),
            ram_gb=_column(form.ram_gb, i),
            disk_gb=_column(form.disk_gb, i),
            disk_kind=_column(form.disk_kind, i, DiskKind.SSD.value),
        )
        for i in range(count)
    ]


def read_id(text: str, name: str, message: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(name, message) from None
    if not 0 < value < 2**31:
        raise InvalidInput(name, message)
    return value


def read_date(text: str, name: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(name, N_("Give the date as on the calendar, e.g. 2026-03-31.")) from None


def _number(text: str, name: str, largest: float) -> float | None:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidInput(name, N_("Give a number, for example 8 or 256.")) from None
    if not 0 < value <= largest:
        raise InvalidInput(name, N_("The number is out of range."))
    return value


def read_text(value: str, name: str, limit: int = 100) -> str:
    cleaned = value.replace("\x00", "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(name, N_("At most {maximum} characters."), {"maximum": limit})
    return cleaned


def _device(row: DeviceRow, index: int) -> NewDevice:
    prefix = f"row-{index}"
    try:
        kind = DeviceKind(row.kind)
        disk_kind = DiskKind(row.disk_kind)
    except ValueError:
        raise InvalidInput(f"{prefix}-kind", N_("Choose the type from the list.")) from None
    ram = _number(row.ram_gb, f"{prefix}-ram_gb", 4096)
    disk = _number(row.disk_gb, f"{prefix}-disk_gb", 100_000)
    disks = (NewDisk(size_bytes=int(disk * GB), kind=disk_kind),) if disk else ()
    return NewDevice(
        kind=kind,
        make=read_text(row.make, f"{prefix}-make"),
        model=read_text(row.model, f"{prefix}-model"),
        serial=read_text(row.serial, f"{prefix}-serial") or None,
        cpu=read_text(row.cpu, f"{prefix}-cpu"),
        ram_mb=int(ram * 1024) if ram else None,
        disks=disks,
    )


def donation_from_form(form: DonationForm) -> NewDonation:
    """The service's input from the form, refusing the first field that cannot be read."""
    donor_id = read_id(form.donor_id, "donor_id", N_("Choose the donor."))
    site_id = read_id(form.site_id, "site_id", N_("Choose the site."))
    rows = [(i, row) for i, row in enumerate(device_rows(form)) if not row.is_blank]
    if not rows:
        raise InvalidInput("row-0-make", N_("Enter at least one device: its make, model or serial."))
    return NewDonation(
        donor_id=donor_id,
        site_id=site_id,
        received_on=read_date(form.received_on, "received_on"),
        reference=read_text(form.reference, "reference"),
        notes=read_text(form.notes, "notes", 4000),
        devices=tuple(_device(row, i) for i, row in rows),
    )


def donor_from_form(form: DonorForm) -> NewDonor:
    """The service's input from the new donor form, refusing the first field that cannot be read."""
    try:
        kind = DonorKind(form.kind)
    except ValueError:
        raise InvalidInput("kind", N_("Choose the type from the list.")) from None
    return NewDonor(
        name=read_text(form.name, "name", 200),
        kind=kind,
        business_id=read_text(form.business_id, "business_id", 20) or None,
        contact_name=read_text(form.contact_name, "contact_name", 200) or None,
        email=_email(form.email),
        phone=_phone(form.phone),
        notes=read_text(form.notes, "notes", 4000),
    )


def _email(text: str) -> str | None:
    cleaned = read_text(text, "email", 254)
    if cleaned and ("@" not in cleaned or " " in cleaned or "." not in cleaned.rpartition("@")[2]):
        raise InvalidInput("email", N_("Give an e-mail address like name@example.fi."))
    return cleaned or None


def _phone(text: str) -> str | None:
    cleaned = read_text(text, "phone", 40)
    if cleaned and not all(ch.isdigit() or ch in "+()- " for ch in cleaned):
        raise InvalidInput("phone", N_("Give the phone number with digits, e.g. +358 40 123 4567."))
    return cleaned or None
