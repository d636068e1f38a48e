"""Pages for donations: the list, a new donation row by row, a spreadsheet import with a dry-run preview, and one
donation with its labels and receipt."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, DISK_KIND_LABELS
from inventory.clock import today
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.queries import DeviceFilter, list_devices
from inventory.donations.controllers import preview_out
from inventory.donations.forms import (
    DeviceRow,
    DonationForm,
    ImportConfirmForm,
    ImportForm,
    device_rows,
    donation_from_form,
    read_date,
    read_id,
    read_text,
)
from inventory.donations.importing import parse_lines, preview_import, run_import
from inventory.donations.queries import get_donation, list_donations, list_donors
from inventory.donations.schemas import DonorOut
from inventory.donations.services import (
    MAX_DEVICES_PER_DONATION,
    create_donation,
)
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.params import PageQuery, RecordIdPath
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.sites.rows import SiteRow
from inventory.sites.services import list_sites
from inventory.web import Page, field_errors

PER_PAGE = 50
FIRST_ROWS = 5
MORE_ROWS = 5
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


def _choices(donors: list[DonorOut], sites: list[SiteRow]) -> dict[str, Any]:
    return {
        "donor_options": [(d.id, d.name) for d in donors],
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
    rows = device_rows(form)
    rows += [DeviceRow()] * max(0, (FIRST_ROWS if not rows else 0) + extra_rows)
    rows = rows[:MAX_DEVICES_PER_DONATION]
    return Page(
        "donations/new.html",
        context={
            "form": form,
            "rows": rows,
            "errors": errors or {},
            **_choices(await list_donors(), await list_sites()),
        },
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
        return Page(
            "donations/list.html",
            context={
                "donations": rows[:PER_PAGE],
                "page": page,
                "has_next": len(rows) > PER_PAGE,
            },
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
        return Page(
            "donations/import.html",
            context={
                "form": form,
                **_choices(await list_donors(), await list_sites()),
            },
        )

    @post("/import/preview", opt={"permission": Permission.DEVICE_WORK}, status_code=200)
    async def preview(
        self,
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
            return Page(
                "donations/import.html",
                context={
                    "form": form,
                    "errors": field_errors(refused),
                    **choices,
                },
                status_code=refused.status_code,
            )
        too_large = len(content) > _max_confirm_bytes(settings)
        preview = preview_out(sheet)
        others = [row for row in preview.rows if row.importable][:PREVIEW_OK_ROWS]
        shown = sorted([row for row in preview.rows if not row.importable] + others, key=lambda r: r.line)
        return Page(
            "donations/preview.html",
            context={
                "preview": preview,
                "problem_rows": [row for row in preview.rows if not row.importable],
                "warning_rows": [row for row in preview.rows if row.status == "warning"],
                "shown_rows": shown,
                "ok_limit": PREVIEW_OK_ROWS,
                "summary_limit": PREVIEW_SUMMARY_ROWS,
                "column_labels": COLUMN_LABELS,
                "form": form,
                "upload_again": form.upload_again(),
                "payload": "" if too_large else base64.b64encode(content).decode("ascii"),
                "too_large": too_large,
                **choices,
            },
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
                read_id(data.donor_id, "donor_id", N_("Choose the donor.")),
                read_id(data.site_id, "site_id", N_("Choose the site.")),
                request.user,
                received_on=read_date(data.received_on, "received_on"),
                reference=read_text(data.reference, "reference"),
                exclude_lines=parse_lines(data.exclude_lines[:10_000]),
            )
        except DomainError as refused:
            return Page(
                "donations/import.html",
                context={
                    "form": data,
                    "errors": field_errors(refused),
                    **_choices(await list_donors(), await list_sites()),
                },
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
        return Page(
            "donations/detail.html",
            context={
                "donation": donation,
                "devices": list(reversed(devices)),
                "total": total,
                "notice": gettext(N_("The donation is saved and every device has its tag."))
                if created
                else None,
            },
        )
