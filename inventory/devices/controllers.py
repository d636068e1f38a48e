"""API routes for devices: lists, one device, corrections, disks, history, lifecycle steps and scans."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.choices import DeviceKind
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.client_steps import ClientStepsDependency
from inventory.devices.editing import (
    DeviceChanges,
    DiskChanges,
    add_disk,
    edit_device,
    edit_disk,
    remove_disk,
)
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.intake import NewDisk
from inventory.devices.presenters import device_out, device_summary, disk_out, events_shown_to
from inventory.devices.queries import (
    DeviceFilter,
    device_events,
    get_device,
    list_devices,
)
from inventory.devices.reach import reach_device
from inventory.devices.scanning import resolve_scan
from inventory.devices.schemas import (
    DeviceOut,
    DevicePage,
    DeviceUpdate,
    DiskCreate,
    DiskOut,
    DiskRemovalIn,
    DiskUpdate,
    EventOut,
    ScanOut,
    TransitionIn,
    TransitionOut,
)
from inventory.devices.transitions import TransitionRequest, transition
from inventory.lifecycle import ALLOCATION_ACTIONS, State
from inventory.params import (
    ActionPath,
    OptionalIdQuery,
    PageQuery,
    PerPageQuery,
    RecordIdPath,
    ScanCodePath,
    TagPath,
)
from inventory.permissions import Permission


def _transition_request(data: JSONBody[TransitionIn]) -> TransitionRequest:
    erasure = None
    if data.erasure is not None:
        erasure = ErasureRecord(
            disks=tuple(
                ErasedDisk(
                    disk_id=d.disk_id, verified=d.verified, method=d.method, bytes_erased=d.bytes_erased
                )
                for d in data.erasure.disks
            ),
            method=data.erasure.method,
            tool=data.erasure.tool,
            tool_version=data.erasure.tool_version,
            category=data.erasure.category,
            technique=data.erasure.technique,
            verification_method=data.erasure.verification_method,
            verification_result=data.erasure.verification_result,
            started_at=data.erasure.started_at,
            finished_at=data.erasure.finished_at,
        )
    details: dict[str, Any] = {}
    if data.condition_notes:
        details["condition_notes"] = data.condition_notes
    if data.accessories:
        details["accessories"] = list(data.accessories)
    return TransitionRequest(
        reason=data.reason,
        client_id=data.client_id,
        due_on=data.due_on,
        override_reason=data.override_reason,
        recycler_reference=data.recycler_reference,
        erasure=erasure,
        details=details,
    )


class DeviceController(Controller):
    """Devices under /api/v1/devices."""

    path = "/api/v1/devices"
    tags = ["devices"]

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_devices(
        self,
        request: Request[Actor, Any, Any],
        states: Annotated[
            list[State] | None, QueryParameter(name="state", description="Only devices in these states.")
        ] = None,
        site_id: OptionalIdQuery = None,
        donation_id: OptionalIdQuery = None,
        kind: FromQuery[DeviceKind | None] = None,
        q: Annotated[
            str, QueryParameter(max_length=100, description="Free text: tag, make, model, serial.")
        ] = "",
        page: PageQuery = 1,
        per_page: PerPageQuery = 50,
    ) -> DevicePage:
        """List devices, newest first, filtered by state, site, donation, type and free text."""
        rows, total = await list_devices(
            DeviceFilter(states=states or (), site_id=site_id, donation_id=donation_id, kind=kind, text=q),
            request.user,
            page,
            per_page,
        )
        return DevicePage(items=[device_summary(r) for r in rows], total=total, page=page, per_page=per_page)

    @get(
        "/{tag:str}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_device(self, tag: TagPath, request: Request[Actor, Any, Any]) -> DeviceOut:
        """One device with its disks and the steps you may take now."""
        return await device_out(await get_device(tag), request.user)

    @patch(
        "/{tag:str}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def update_device(
        self,
        tag: TagPath,
        data: JSONBody[DeviceUpdate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> DeviceOut:
        """Correct a device's description; the change is recorded in its history."""
        await edit_device(
            engine,
            tag,
            DeviceChanges(
                kind=data.kind,
                make=data.make,
                model=data.model,
                serial=data.serial,
                cpu=data.cpu,
                ram_mb=data.ram_mb,
                condition_grade=data.condition_grade,
                notes=data.notes,
            ),
            request.user,
        )
        return await device_out(await get_device(tag), request.user)

    @get(
        "/{tag:str}/events",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_device_events(self, tag: TagPath, request: Request[Actor, Any, Any]) -> list[EventOut]:
        """The device's whole history, oldest first."""
        device = await get_device(tag)
        return await events_shown_to(await device_events(device["id"]), request.user, tag)

    @get(
        "/{tag:str}/disks",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_device_disks(self, tag: TagPath) -> list[DiskOut]:
        """The device's disks."""
        device = await get_device(tag)
        return [disk_out(disk) for disk in device["disks"]]

    @post(
        "/{tag:str}/disks",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def add_device_disk(
        self,
        tag: TagPath,
        data: JSONBody[DiskCreate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> DiskOut:
        """Record a disk found in the device; it must be erased before the device moves on."""
        disk_id = await add_disk(
            engine,
            tag,
            NewDisk(
                model=data.model,
                serial=data.serial,
                size_bytes=data.size_bytes,
                kind=data.kind,
                make=data.make,
            ),
            request.user,
        )
        device = await get_device(tag)
        disk = next(d for d in device["disks"] if d["id"] == disk_id)
        return disk_out(disk)

    @patch(
        "/{tag:str}/disks/{disk_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def update_device_disk(
        self,
        tag: TagPath,
        disk_id: RecordIdPath,
        data: JSONBody[DiskUpdate],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> DiskOut:
        """Complete or correct a disk's record (e.g. the serial a donor list lacked) before it is erased."""
        changes = DiskChanges(
            make=data.make, model=data.model, serial=data.serial, size_bytes=data.size_bytes, kind=data.kind
        )
        await edit_disk(engine, tag, disk_id, changes, request.user)
        device = await get_device(tag)
        disk = next(d for d in device["disks"] if d["id"] == disk_id)
        return disk_out(disk)

    @post(
        "/{tag:str}/disks/{disk_id:int}/removal",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def remove_device_disk(
        self,
        tag: TagPath,
        disk_id: RecordIdPath,
        data: JSONBody[DiskRemovalIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Remove a disk recorded by mistake (never an erased or destroyed one), with the reason."""
        await remove_disk(engine, tag, disk_id, data.reason, request.user)

    @post(
        "/{tag:str}/transitions/{action:str}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
        status_code=200,
    )
    async def transition_device(
        self,
        tag: TagPath,
        action: ActionPath,
        data: JSONBody[TransitionIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        client_steps: ClientStepsDependency,
    ) -> TransitionOut:
        """Take one lifecycle step; the step's own permission and guards decide (403, 409, 422)."""
        step = _transition_request(data)
        if action in ALLOCATION_ACTIONS:  # the client area keeps its reservations and handovers with it
            result = await client_steps.allocation_step(engine, tag, action, request.user, settings, step)
        else:
            result = await transition(engine, tag, action, request.user, settings, step)
        return TransitionOut(
            asset_tag=result.asset_tag,
            action=action,
            from_state=result.decision.source,
            to_state=result.decision.target,
            event_id=result.event_id,
            certificate_number=result.certificate_number,
        )


class ScanController(Controller):
    """Resolving scanned or typed codes."""

    path = "/api/v1/scan"
    tags = ["scan"]

    @get(
        "/{code:str}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def scan_code(self, code: ScanCodePath, request: Request[Actor, Any, Any]) -> ScanOut:
        """Find a device by asset tag (any case, with or without check character) or by serial number."""
        match = await resolve_scan(code)
        await reach_device(request.user, match.asset_tag)
        return ScanOut(matched_by=match.matched_by, device=device_summary(match.row))
