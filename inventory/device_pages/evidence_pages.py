"""Pages for a device's erasure evidence: upload an nwipe log (pairing drives whose serial nwipe could not
read), complete, remove or destroy a disk, and the coordinators' sign-off of erasures and their warnings.

Each form calls the same service as its API route; a refusal shows on the device page next to its form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.choices import DeviceKind
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.device_pages.pages import device_page
from inventory.devices.client_steps import ClientSteps, ClientStepsDependency
from inventory.devices.editing import (
    DeviceChanges,
    DiskChanges,
    add_disk,
    edit_device,
    edit_disk,
    remove_disk,
)
from inventory.devices.erasure_signoff import accept_warning, awaiting_sign_off, sign_off
from inventory.devices.intake import NewDisk
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_
from inventory.params import CertificatePath, RecordIdPath, TagPath
from inventory.permissions import Permission
from inventory.runs.choices import CHECK_ITEMS, CheckResult
from inventory.runs.destruction import Destruction, record_destroyed_disk
from inventory.runs.evidence import Checklist, record_hardware_check
from inventory.runs.nwipe_import import NwipeUpload, import_wipe_log
from inventory.settings import Settings
from inventory.web import Page, field_errors, form_list
from labels.sanitisation_terms import DestructionMethod, DiskKind
from provisioning.nwipe_log import parse_nwipe_log

GIGABYTE = 10**9


@dataclass
class NwipeForm:
    """An nwipe log as a file, or carried back as text for pairing, with the drives paired so far."""

    file: UploadFile | None = None
    log_text: str = ""
    pair_drive: list[str] | str = field(default_factory=list)
    pair_disk: list[str] | str = field(default_factory=list)


@dataclass
class HardwareCheckForm:
    """The hardware checklist as the device page posts it: each item ok, faulty or absent, and notes."""

    keyboard: str = ""
    screen: str = ""
    webcam: str = ""
    microphone: str = ""
    wifi: str = ""
    usb_ports: str = ""
    notes: str = ""


def _checklist(form: HardwareCheckForm) -> Checklist:
    """The checklist; an item left unanswered is refused by the service, naming it."""
    answers = {name: str(getattr(form, name)) for name in CHECK_ITEMS}
    chosen = {name: CheckResult(value) for name, value in answers.items() if value in set(CheckResult)}
    return Checklist(chosen, form.notes[:4000])


@dataclass
class DeviceForm:
    """A device's description corrected on its page (what a donor's list or the bench got wrong)."""

    kind: str = ""
    make: str = ""
    model: str = ""
    serial: str = ""
    cpu: str = ""
    ram_gb: str = ""
    notes: str = ""


def _short(value: str, name: str, limit: int = 100) -> str:
    cleaned = value.replace("\x00", "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(name, N_("At most {maximum} characters."), {"maximum": limit})
    return cleaned


def _device_changes(form: DeviceForm) -> DeviceChanges:
    ram = form.ram_gb.strip().replace(",", ".")
    try:
        ram_mb = round(float(ram) * 1024) if ram else None
    except ValueError:
        raise InvalidInput("ram_gb", N_("Give the memory in gigabytes, e.g. 8.")) from None
    if ram_mb is not None and not 0 < ram_mb < 10**7:
        raise InvalidInput("ram_gb", N_("Give the memory in gigabytes, e.g. 8."))
    if form.kind not in {kind.value for kind in DeviceKind}:
        raise InvalidInput("kind", N_("Choose the type of the device."))
    return DeviceChanges(
        kind=DeviceKind(form.kind),
        make=_short(form.make, "make"),
        model=_short(form.model, "model"),
        serial=_short(form.serial, "serial") or None,
        cpu=_short(form.cpu, "cpu"),
        ram_mb=ram_mb,
        notes=_short(form.notes, "notes", 4000),
    )


@dataclass
class DiskForm:
    """A disk's record completed or corrected."""

    make: str = ""
    model: str = ""
    serial: str = ""
    size_gb: str = ""
    kind: str = ""


@dataclass
class DestroyForm:
    """A disk recorded as destroyed."""

    method: str = ""
    witness_username: str = ""
    recycler_reference: str = ""
    note: str = ""


@dataclass
class ReasonForm:
    """A written reason."""

    reason: str = ""


@dataclass
class SignOffForm:
    """Erasures ticked for sign-off and the signer's title."""

    number: list[str] | str = field(default_factory=list)
    title: str = ""


def _pairs(form: NwipeForm) -> dict[str, int]:
    drives, disks = form_list(form.pair_drive), form_list(form.pair_disk)
    return {
        str(drive): int(disk)
        for drive, disk in zip(drives, disks, strict=False)
        if str(drive).strip() and str(disk).isdigit()
    }


async def _log_text(form: NwipeForm, settings: Settings) -> str:
    if form.file is not None and form.file.filename:
        content = await form.file.read(settings.max_upload_bytes + 1)
        await form.file.close()
        if len(content) > settings.max_upload_bytes:
            raise InvalidInput(
                "log", N_("The file is larger than {limit} kB."), {"limit": settings.max_upload_bytes // 1024}
            )
        # nwipe prints unreadable serial numbers as raw bytes: they become U+FFFD, never boxes.
        return content.decode("utf-8", errors="replace").replace("\x00", "")
    if form.log_text.strip():
        return form.log_text
    raise InvalidInput("log", N_("Choose the nwipe log file to upload."))


def _drives(text: str) -> list[dict[str, Any]]:
    """The wiped drives of a log, for the pairing form."""
    return [
        {"device": d.device, "model": d.model, "size_bytes": d.size, "serial": d.serial}
        for d in parse_nwipe_log(text).wiped
    ]


def _disk_changes(form: DiskForm) -> DiskChanges:
    size = form.size_gb.strip().replace(",", ".")
    try:
        size_bytes = round(float(size) * GIGABYTE) if size else None
    except ValueError:
        raise InvalidInput("size_gb", N_("Give the size in gigabytes, e.g. 256.")) from None
    if size_bytes is not None and not 0 < size_bytes < 10**15:
        raise InvalidInput("size_gb", N_("Give the size in gigabytes, e.g. 256."))
    if form.kind and form.kind not in {kind.value for kind in DiskKind}:
        raise InvalidInput("kind", N_("Choose the type of the disk."))
    return DiskChanges(
        make=form.make.strip()[:100],
        model=form.model.strip()[:100],
        serial=form.serial.strip()[:100] or None,
        size_bytes=size_bytes,
        kind=DiskKind(form.kind) if form.kind else None,
    )


def _new_disk(form: DiskForm) -> NewDisk:
    """A disk found in the device, from the same fields as a correction; its type must be chosen."""
    changes = _disk_changes(form)
    if changes.kind is None:
        raise InvalidInput("kind", N_("Choose the type of the disk."))
    return NewDisk(
        model=changes.model or "",
        serial=changes.serial,
        size_bytes=changes.size_bytes,
        kind=changes.kind,
        make=changes.make or "",
    )


def _back(tag: str, done: str) -> Redirect:
    return Redirect(path=f"/devices/{quote(tag)}?done={done}", status_code=303)


async def _refused(
    request: Request[Actor, Any, Any],
    engine: AnyEngine,
    tag: str,
    client_steps: ClientSteps,
    section: str,
    refused: DomainError,
    **extra: Any,
) -> Template:
    evidence = {"section": section, "errors": field_errors(refused), **extra}
    return await device_page(
        request, engine, tag, client_steps, evidence=evidence, status_code=refused.status_code
    )


class EvidencePages(Controller):
    """Erasure evidence from the device page, and the sign-off page."""

    path = "/"
    include_in_schema = False

    @post("/devices/{tag:str}/nwipe", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def upload_nwipe_log(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        data: MultipartBody[NwipeForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Accept an nwipe log as the erasure of the device's disks; drives without a serial are paired."""
        text = ""
        try:
            text = await _log_text(data, settings)
            await import_wipe_log(engine, tag, NwipeUpload(text, _pairs(data)), request.user, settings)
        except DomainError as refused:
            pairing = refused.code in {"nwipe_pairing_needed", "nwipe_unknown_drive", "nwipe_paired_twice"}
            pairing = pairing or (refused.code == "nwipe_size_differs" and bool(_pairs(data)))
            return await _refused(
                request,
                engine,
                tag,
                client_steps,
                "nwipe",
                refused,
                log_text=text if pairing else "",
                drives=_drives(text) if pairing else [],
            )
        return _back(tag, "wipe_passed")

    @post("/devices/{tag:str}/details", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def edit_details(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        data: URLEncodedBody[DeviceForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Correct the device's description; what changed is recorded in its history."""
        try:
            await edit_device(engine, tag, _device_changes(data), request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, "details", refused, form=vars(data))
        return _back(tag, "edited")

    @post("/devices/{tag:str}/disks", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def add_found_disk(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        data: URLEncodedBody[DiskForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Record a disk found in the device; it must be erased before the device moves on."""
        try:
            await add_disk(engine, tag, _new_disk(data), request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, "new-disk", refused, form=vars(data))
        return _back(tag, "disk_added")

    @post("/devices/{tag:str}/hardware-check", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def hardware_check(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        data: URLEncodedBody[HardwareCheckForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Record the hardware checklist; with the scanned battery health it gives the condition grade."""
        try:
            await record_hardware_check(engine, tag, _checklist(data), request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, "hardware", refused, form=vars(data))
        return _back(tag, "hardware_checked")

    @post(
        "/devices/{tag:str}/disks/{disk_id:int}", opt={"permission": Permission.DEVICE_WORK}, status_code=303
    )
    async def edit_disk(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        disk_id: RecordIdPath,
        data: URLEncodedBody[DiskForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Complete or correct a disk's record before it is erased."""
        try:
            await edit_disk(engine, tag, disk_id, _disk_changes(data), request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, f"disk-{disk_id}", refused)
        return _back(tag, "disk_corrected")

    @post(
        "/devices/{tag:str}/disks/{disk_id:int}/removal",
        opt={"permission": Permission.DEVICE_WORK},
        status_code=303,
    )
    async def remove_disk(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        disk_id: RecordIdPath,
        data: URLEncodedBody[ReasonForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Remove a disk recorded by mistake."""
        try:
            await remove_disk(engine, tag, disk_id, data.reason[:1000], request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, f"disk-{disk_id}", refused)
        return _back(tag, "disk_removed")

    @post(
        "/devices/{tag:str}/disks/{disk_id:int}/destroyed",
        opt={"permission": Permission.DEVICE_WORK},
        status_code=303,
    )
    async def destroy_disk(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        disk_id: RecordIdPath,
        data: URLEncodedBody[DestroyForm],
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Record a disk as physically destroyed: how, the witness and the recycler's reference."""
        try:
            if data.method not in {method.value for method in DestructionMethod}:
                raise InvalidInput("method", N_("Choose how the disk was destroyed."))
            destruction = Destruction(
                DestructionMethod(data.method),
                data.witness_username.strip()[:64],
                data.recycler_reference[:100],
                data.note[:1000],
            )
            await record_destroyed_disk(engine, tag, disk_id, destruction, request.user)
        except DomainError as refused:
            return await _refused(request, engine, tag, client_steps, f"disk-{disk_id}", refused)
        return _back(tag, "disk_destroyed")

    @get("/erasures/sign-off", opt={"permission": Permission.GUARD_OVERRIDE})
    async def sign_off_page(self, request: Request[Actor, Any, Any]) -> Template:
        """Passed erasures waiting to be signed off; warnings are accepted here with a written reason."""
        return await _sign_off_page(request)

    @post("/erasures/sign-off", opt={"permission": Permission.GUARD_OVERRIDE}, status_code=303)
    async def sign_off(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[SignOffForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Sign off the ticked erasures."""
        try:
            count = await sign_off(
                engine, [str(n) for n in form_list(data.number)], data.title[:100], request.user
            )
        except DomainError as refused:
            return await _sign_off_page(request, field_errors(refused), refused.status_code, data.title)
        return Redirect(path=f"/erasures/sign-off?signed={count}", status_code=303)

    @post("/erasures/{number:str}/warning", opt={"permission": Permission.GUARD_OVERRIDE}, status_code=303)
    async def accept_warning(
        self,
        request: Request[Actor, Any, Any],
        number: CertificatePath,
        data: URLEncodedBody[ReasonForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Accept an erasure's warning with a written reason."""
        try:
            await accept_warning(engine, number[:32], data.reason[:2000], request.user)
        except DomainError as refused:
            errors = {f"warning-{number}": text for text in field_errors(refused).values()}
            return await _sign_off_page(request, errors, refused.status_code)
        return Redirect(path="/erasures/sign-off?accepted=1", status_code=303)


async def _sign_off_page(
    request: Request[Actor, Any, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    title: str = "",
) -> Template:
    signed = request.query_params.get("signed", "")
    return Page(
        "devices/sign_off.html",
        context={
            "erasures": await awaiting_sign_off(),
            "errors": errors or {},
            "title_value": title,
            "signed": int(signed) if signed.isdigit() else None,
            "accepted": request.query_params.get("accepted") == "1",
        },
        status_code=status_code,
    )
