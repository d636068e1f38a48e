"""API routes for donors, donations and spreadsheet intake."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, MultipartBody, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.schemas import DeviceCreate
from inventory.donations import schemas
from inventory.donations.importing import parse_lines, preview_import, run_import
from inventory.donations.queries import get_donation, get_donor, list_donations, list_donors
from inventory.donations.services import NewDonation, NewDonor, add_devices, create_donation, create_donor
from inventory.donations.spreadsheet import Problem, Sheet, SheetRow
from inventory.errors import InvalidInput
from inventory.i18n import N_, gettext
from inventory.params import RecordIdPath
from inventory.permissions import Permission


def new_device(data: JSONBody[DeviceCreate]) -> NewDevice:
    """The service's input from the API's device struct."""
    return NewDevice(
        kind=data.kind,
        make=data.make,
        model=data.model,
        serial=data.serial,
        cpu=data.cpu,
        ram_mb=data.ram_mb,
        notes=data.notes,
        intake_condition=data.intake_condition,
        disks=tuple(
            NewDisk(model=d.model, serial=d.serial, size_bytes=d.size_bytes, kind=d.kind, make=d.make)
            for d in data.disks
        ),
    )


async def read_upload(upload: schemas.ImportUpload, settings: SettingsDependency) -> bytes:
    """The uploaded bytes, refused when larger than the configured limit."""
    data = await upload.file.read(settings.max_upload_bytes + 1)
    await upload.file.close()
    if len(data) > settings.max_upload_bytes:
        raise InvalidInput(
            "file",
            N_("The file is larger than {limit} kB."),
            {"limit": settings.max_upload_bytes // 1024},
        )
    return data


def _problems_out(problems: tuple[Problem, ...]) -> list[schemas.ImportProblem]:
    return [
        schemas.ImportProblem(field=p.field, message=gettext(p.message).format(**p.values)) for p in problems
    ]


def _row_out(row: SheetRow) -> schemas.ImportRow:
    status: Literal["ok", "warning", "problem"] = (
        "problem" if row.problems else "warning" if row.warnings else "ok"
    )
    return schemas.ImportRow(
        line=row.line,
        cells=row.cells,
        ok=status == "ok",
        importable=status != "problem",
        status=status,
        problems=_problems_out(row.problems),
        warnings=_problems_out(row.warnings),
    )


def preview_out(sheet: Sheet) -> schemas.ImportPreview:
    """The dry-run answer, with each problem as a sentence in the user's language."""
    return schemas.ImportPreview(
        header_line=sheet.header_line,
        columns=sheet.columns,
        ignored_columns=list(sheet.ignored_columns),
        units=sheet.units,
        rows=[_row_out(row) for row in sheet.rows],
        problem_count=sheet.problem_count,
        warning_count=sheet.warning_count,
        device_count=sum(1 for row in sheet.rows if not row.problems),
        flagged_lines=[row.line for row in sheet.rows if row.problems],
    )


class DonorController(Controller):
    """Donors under /api/v1/donors."""

    path = "/api/v1/donors"
    tags = ["donations"]

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_WORK})
    async def list_donors(self) -> list[schemas.DonorSummary]:
        """Donors to choose from at intake (names only)."""
        return [schemas.DonorSummary(id=d.id, name=d.name, kind=d.kind) for d in await list_donors()]

    @get(
        "/{donor_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.DONOR_MANAGE},
    )
    async def get_donor(self, donor_id: RecordIdPath) -> schemas.DonorOut:
        """One donor with contact details."""
        return await get_donor(donor_id)

    @post("/", responses=API_ERRORS, opt={"permission": Permission.DONOR_MANAGE})
    async def create_donor(self, data: JSONBody[schemas.DonorCreate]) -> schemas.DonorOut:
        """Register a donor."""
        donor_id = await create_donor(
            NewDonor(
                name=data.name,
                kind=data.kind,
                business_id=data.business_id,
                contact_name=data.contact_name,
                email=data.email,
                phone=data.phone,
                notes=data.notes,
            )
        )
        return await get_donor(donor_id)


class DonationController(Controller):
    """Donations under /api/v1/donations, with spreadsheet intake."""

    path = "/api/v1/donations"
    tags = ["donations"]

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_donations(
        self,
        request: Request[Actor, Any, Any],
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=10**9)] = 0,
    ) -> list[schemas.DonationOut]:
        """Donations, newest first."""
        return await list_donations(request.user, limit, min(offset, 10**9))

    @get(
        "/{donation_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_donation(self, donation_id: RecordIdPath) -> schemas.DonationOut:
        """One donation and its devices' tags."""
        return await get_donation(donation_id)

    @post("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_WORK})
    async def create_donation(
        self,
        data: JSONBody[schemas.DonationCreate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> schemas.DonationCreated:
        """Record a donation with all its devices in one go; each device gets an asset tag."""
        created = await create_donation(
            engine,
            NewDonation(
                donor_id=data.donor_id,
                site_id=data.site_id,
                received_on=data.received_on,
                reference=data.reference,
                notes=data.notes,
                devices=tuple(new_device(d) for d in data.devices),
            ),
            request.user,
        )
        return schemas.DonationCreated(id=created.id, asset_tags=list(created.asset_tags))

    @post(
        "/{donation_id:int}/devices",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def add_donation_devices(
        self,
        donation_id: RecordIdPath,
        data: JSONBody[schemas.DevicesAdd],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> schemas.DonationCreated:
        """Register more devices to a donation."""
        tags = await add_devices(
            engine, donation_id, tuple(new_device(d) for d in data.devices), request.user
        )
        return schemas.DonationCreated(id=donation_id, asset_tags=list(tags))

    @post(
        "/import/preview",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def preview_donation_import(
        self, data: MultipartBody[schemas.ImportUpload], settings: SettingsDependency
    ) -> schemas.ImportPreview:
        """Dry run: what the list would create, and every row's problems. Nothing is saved."""
        return preview_out(await preview_import(await read_upload(data, settings)))

    @post(
        "/import",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def import_donation(
        self,
        data: MultipartBody[schemas.ImportUpload],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> schemas.ImportResult:
        """Create the donation and the devices of every row not left out (`exclude_lines`), or nothing if
        a row that is not left out has a problem."""
        if data.donor_id is None or not 0 < data.donor_id < 2**31:
            raise InvalidInput("donor_id", N_("Choose the donor."))
        if data.site_id is None or not 0 < data.site_id < 2**31:
            raise InvalidInput("site_id", N_("Choose the site."))
        _, created = await run_import(
            engine,
            await read_upload(data, settings),
            data.donor_id,
            data.site_id,
            request.user,
            received_on=data.received_on,
            reference=data.reference.replace("\x00", "")[:100],
            exclude_lines=parse_lines(data.exclude_lines[:10_000]),
        )
        return schemas.ImportResult(donation_id=created.id, asset_tags=list(created.asset_tags))
