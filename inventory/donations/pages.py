"""Pages for donations and donors: the list, a new donation row by row, a spreadsheet import with a
dry-run preview, one donation with its labels and receipt, and the donors."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, DISK_KIND_LABELS, DeviceKind, DiskKind, DonorKind
from inventory.clock import today
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.queries import DeviceFilter, list_devices
from inventory.donations.controllers import preview_out
from inventory.donations.importing import parse_lines, preview_import, run_import
from inventory.donations.queries import get_donation, list_donations, list_donors
from inventory.donations.services import (
    MAX_DEVICES_PER_DONATION,
    NewDonation,
    NewDonor,
    create_donation,
    create_donor,
)
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.params import PageQuery, RecordIdPath
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.sites.services import list_sites
from inventory.web import field_errors, form_list, page_context

PER_PAGE = 50
FIRST_ROWS = 5
MORE_ROWS = 5
GB = 10**9
# The confirm form carries the checked file back as base64; it must fit the request size limit.
FORM_OVERHEAD = 16 * 1024
UPLOAD_MARGIN = 64 * 1024

COLUMN_LABELS = {
    "make": N_("Make"),
    "model": N_("Model"),
    "serial": N_("Serial"),
    "kind": N_("Type"),
    "cpu": N_("Processor"),
    "ram": N_("Memory"),
    "storage": N_("Disks"),
    "notes": N_("Notes"),
    "condition": N_("Condition at intake"),
}
# The preview shows every line with a problem, and this many of the others.
PREVIEW_OK_ROWS = 200
PREVIEW_SUMMARY_ROWS = 50
DONOR_KIND_LABELS = {DonorKind.ORGANISATION: N_("organisation"), DonorKind.PERSON: N_("private person")}


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


def _rows(form: DonationForm) -> list[DeviceRow]:
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


def _id(text: str, name: str, message: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(name, message) from None
    if not 0 < value < 2**31:
        raise InvalidInput(name, message)
    return value


def _date(text: str, name: str) -> dt.date | None:
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


def _text(value: str, name: str, limit: int = 100) -> str:
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
        make=_text(row.make, f"{prefix}-make"),
        model=_text(row.model, f"{prefix}-model"),
        serial=_text(row.serial, f"{prefix}-serial") or None,
        cpu=_text(row.cpu, f"{prefix}-cpu"),
        ram_mb=int(ram * 1024) if ram else None,
        disks=disks,
    )


def donation_from_form(form: DonationForm) -> NewDonation:
    """The service's input from the form, refusing the first field that cannot be read."""
    donor_id = _id(form.donor_id, "donor_id", N_("Choose the donor."))
    site_id = _id(form.site_id, "site_id", N_("Choose the site."))
    rows = [(i, row) for i, row in enumerate(_rows(form)) if not row.is_blank]
    if not rows:
        raise InvalidInput("row-0-make", N_("Enter at least one device: its make, model or serial."))
    return NewDonation(
        donor_id=donor_id,
        site_id=site_id,
        received_on=_date(form.received_on, "received_on"),
        reference=_text(form.reference, "reference"),
        notes=_text(form.notes, "notes", 4000),
        devices=tuple(_device(row, i) for i, row in rows),
    )


def _choices(donors: list[dict[str, Any]], sites: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "donor_options": [(d["id"], d["name"]) for d in donors],
        "site_options": [(s["id"], f"{s['code']} – {s['name']}") for s in sites],
        "kind_options": [(kind.value, label) for kind, label in DEVICE_KIND_LABELS.items()],
        "disk_kind_options": [(kind.value, gettext(label)) for kind, label in DISK_KIND_LABELS.items()],
    }


async def _new_page(
    request: Request[Actor, Any, Any],
    form: DonationForm | None = None,
    extra_rows: int = 0,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    form = form or DonationForm(site_id=str(request.user.site_id or ""), received_on=today().isoformat())
    rows = _rows(form)
    rows += [DeviceRow()] * max(0, (FIRST_ROWS if not rows else 0) + extra_rows)
    rows = rows[:MAX_DEVICES_PER_DONATION]
    return Template(
        "donations/new.html",
        context=page_context(
            request,
            form=form,
            rows=rows,
            errors=errors or {},
            **_choices(await list_donors(), await list_sites()),
        ),
        status_code=status_code,
    )


def _max_confirm_bytes(settings: Settings) -> int:
    return (settings.max_upload_bytes + UPLOAD_MARGIN - FORM_OVERHEAD) * 3 // 4


class DonationPages(Controller):
    """/donations: list, new, import and one donation."""

    path = "/donations"
    include_in_schema = False

    @get("/", opt={"permission": Permission.DEVICE_READ})
    async def donation_list(self, request: Request[Actor, Any, Any], page: PageQuery = 1) -> Template:
        """Donations, newest first."""
        rows = await list_donations(request.user, PER_PAGE + 1, (page - 1) * PER_PAGE)
        return Template(
            "donations/list.html",
            context=page_context(
                request, donations=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE
            ),
        )

    @get("/new", opt={"permission": Permission.DEVICE_WORK})
    async def new_form(self, request: Request[Actor, Any, Any]) -> Template:
        """The new donation form, with a few empty device rows."""
        return await _new_page(request)

    @post("/new", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def create(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[DonationForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Record the donation and its devices; each gets an asset tag. Mistakes come back to the form."""
        if data.add_rows:
            return await _new_page(request, data, extra_rows=MORE_ROWS, status_code=200)
        try:
            created = await create_donation(engine, donation_from_form(data), request.user)
        except DomainError as refused:
            return await _new_page(
                request, data, errors=field_errors(refused), status_code=refused.status_code
            )
        return Redirect(path=f"/donations/{created.id}?created=1", status_code=303)

    @get("/import", opt={"permission": Permission.DEVICE_WORK})
    async def import_form(self, request: Request[Actor, Any, Any]) -> Template:
        """Upload a donor's list; it is checked first and nothing is saved until confirmed.

        Coming back to upload a corrected list keeps the donor, site, date and reference chosen.
        """
        query = request.query_params
        form = ImportConfirmForm(
            donor_id=str(query.get("donor_id", ""))[:12],
            site_id=str(query.get("site_id", request.user.site_id or ""))[:12],
            received_on=str(query.get("received_on", ""))[:10],
            reference=str(query.get("reference", ""))[:100],
        )
        return Template(
            "donations/import.html",
            context=page_context(request, form=form, **_choices(await list_donors(), await list_sites())),
        )

    @post("/import/preview", opt={"permission": Permission.DEVICE_WORK}, status_code=200)
    async def preview(
        self,
        request: Request[Actor, Any, Any],
        data: MultipartBody[ImportForm],
        settings: SettingsDependency,
    ) -> Template:
        """The dry run: every row, what it would create or what is wrong with it. Nothing is saved."""
        form = ImportConfirmForm(
            donor_id=data.donor_id,
            site_id=data.site_id,
            received_on=data.received_on,
            reference=data.reference[:100],
        )
        choices = _choices(await list_donors(), await list_sites())
        try:
            content = await data.file.read(settings.max_upload_bytes + 1)
            await data.file.close()
            if not content:
                raise InvalidInput("file", N_("Choose the file to import."))
            if len(content) > settings.max_upload_bytes:
                raise InvalidInput(
                    "file",
                    N_("The file is larger than {limit} kB."),
                    {"limit": settings.max_upload_bytes // 1024},
                )
            sheet = await preview_import(content)
        except DomainError as refused:
            return Template(
                "donations/import.html",
                context=page_context(request, form=form, errors=field_errors(refused), **choices),
                status_code=refused.status_code,
            )
        too_large = len(content) > _max_confirm_bytes(settings)
        preview = preview_out(sheet)
        others = [row for row in preview.rows if row.importable][:PREVIEW_OK_ROWS]
        shown = sorted([row for row in preview.rows if not row.importable] + others, key=lambda r: r.line)
        return Template(
            "donations/preview.html",
            context=page_context(
                request,
                preview=preview,
                problem_rows=[row for row in preview.rows if not row.importable],
                warning_rows=[row for row in preview.rows if row.status == "warning"],
                shown_rows=shown,
                ok_limit=PREVIEW_OK_ROWS,
                summary_limit=PREVIEW_SUMMARY_ROWS,
                column_labels=COLUMN_LABELS,
                form=form,
                upload_again=form.upload_again(),
                payload="" if too_large else base64.b64encode(content).decode("ascii"),
                too_large=too_large,
                **choices,
            ),
        )

    @post("/import", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def run(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[ImportConfirmForm],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Redirect | Template:
        """The real import of the checked list, less the lines left out: all its devices, or nothing."""
        try:
            try:
                content = base64.b64decode(data.payload, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInput(
                    "file", N_("The checked list did not come back whole; upload it again.")
                ) from None
            if not content or len(content) > settings.max_upload_bytes:
                raise InvalidInput("file", N_("The checked list did not come back whole; upload it again."))
            _, created = await run_import(
                engine,
                content,
                _id(data.donor_id, "donor_id", N_("Choose the donor.")),
                _id(data.site_id, "site_id", N_("Choose the site.")),
                request.user,
                received_on=_date(data.received_on, "received_on"),
                reference=_text(data.reference, "reference"),
                exclude_lines=parse_lines(data.exclude_lines[:10_000]),
            )
        except DomainError as refused:
            return Template(
                "donations/import.html",
                context=page_context(
                    request,
                    form=data,
                    errors=field_errors(refused),
                    **_choices(await list_donors(), await list_sites()),
                ),
                status_code=refused.status_code,
            )
        return Redirect(path=f"/donations/{created.id}?created=1", status_code=303)

    @get("/{donation_id:int}", opt={"permission": Permission.DEVICE_READ})
    async def detail(self, request: Request[Actor, Any, Any], donation_id: RecordIdPath) -> Template:
        """One donation: its devices and where each one is, its labels and the donor's receipt."""
        donation = await get_donation(donation_id)
        devices, total = await list_devices(
            DeviceFilter(donation_id=donation_id), request.user, 1, MAX_DEVICES_PER_DONATION
        )
        created = request.query_params.get("created") == "1"
        return Template(
            "donations/detail.html",
            context=page_context(
                request,
                donation=donation,
                devices=list(reversed(devices)),
                total=total,
                notice=gettext(N_("The donation is saved and every device has its tag."))
                if created
                else None,
            ),
        )


class DonorPages(Controller):
    """/donors: the donors and a form for a new one."""

    path = "/donors"
    include_in_schema = False
    opt = {"permission": Permission.DONOR_MANAGE}

    @get("/")
    async def donor_list(self, request: Request[Actor, Any, Any]) -> Template:
        """Every donor with contact details."""
        return await self._page(request, DonorForm())

    @post("/", status_code=303)
    async def create(
        self, request: Request[Actor, Any, Any], data: URLEncodedBody[DonorForm]
    ) -> Redirect | Template:
        """Register a donor."""
        try:
            try:
                kind = DonorKind(data.kind)
            except ValueError:
                raise InvalidInput("kind", N_("Choose the type from the list.")) from None
            await create_donor(
                NewDonor(
                    name=_text(data.name, "name", 200),
                    kind=kind,
                    business_id=_text(data.business_id, "business_id", 20) or None,
                    contact_name=_text(data.contact_name, "contact_name", 200) or None,
                    email=_email(data.email),
                    phone=_phone(data.phone),
                    notes=_text(data.notes, "notes", 4000),
                )
            )
        except DomainError as refused:
            return await self._page(request, data, field_errors(refused), refused.status_code)
        return Redirect(path="/donors?created=1", status_code=303)

    async def _page(
        self,
        request: Request[Actor, Any, Any],
        form: DonorForm,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        created = request.query_params.get("created") == "1" and not errors
        return Template(
            "donations/donors.html",
            context=page_context(
                request,
                donors=await list_donors(),
                form=form,
                errors=errors or {},
                kind_options=[(kind.value, gettext(label)) for kind, label in DONOR_KIND_LABELS.items()],
                kind_labels={kind.value: label for kind, label in DONOR_KIND_LABELS.items()},
                notice=gettext(N_("The donor is saved.")) if created else None,
            ),
            status_code=status_code,
        )


def _email(text: str) -> str | None:
    cleaned = _text(text, "email", 254)
    if cleaned and ("@" not in cleaned or " " in cleaned or "." not in cleaned.rpartition("@")[2]):
        raise InvalidInput("email", N_("Give an e-mail address like name@example.fi."))
    return cleaned or None


def _phone(text: str) -> str | None:
    cleaned = _text(text, "phone", 40)
    if cleaned and not all(ch.isdigit() or ch in "+()- " for ch in cleaned):
        raise InvalidInput("phone", N_("Give the phone number with digits, e.g. +358 40 123 4567."))
    return cleaned or None
