"""API routes for one device's bench work: connection, progress, destroyed disks, hardware check, nwipe logs, password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.queries import device_id_of
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.params import RecordIdPath, TagPath
from inventory.permissions import Permission
from inventory.runs.choices import CheckResult
from inventory.runs.connections import ManualConnection, set_connection
from inventory.runs.destruction import Destruction, record_destroyed_disk
from inventory.runs.evidence import Checklist, latest_battery_health, record_hardware_check
from inventory.runs.nwipe_import import NwipeUpload, import_wipe_log
from inventory.runs.passwords import reveal_password
from inventory.runs.presenters import progress_out
from inventory.runs.queries import device_progress
from inventory.runs.sampling import picked_for_reverification
from inventory.runs.schemas import (
    ConnectionIn,
    ConnectionOut,
    DestroyedDiskIn,
    DeviceProgressOut,
    ErasureCreatedOut,
    HardwareCheckIn,
    HardwareCheckOut,
    InitialPasswordOut,
    NwipeLogIn,
)


class DeviceBenchController(Controller):
    """A device's bench work under /api/v1/devices: connection, progress, evidence, initial password."""

    path = "/api/v1/devices"
    tags = ["devices"]

    @put(
        "/{tag:str}/connection",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def set_device_connection(
        self,
        tag: TagPath,
        data: JSONBody[ConnectionIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> ConnectionOut:
        """Type a device's connection data by hand (SSH; chroot and local only where the server allows them)."""
        machine_id = await set_connection(
            engine,
            tag,
            ManualConnection(data.connection, data.address, data.ssh_port, data.ssh_user, data.host_key),
            request.user,
            settings,
        )
        return ConnectionOut(machine_id=machine_id)

    @get(
        "/{tag:str}/progress",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_device_progress(self, tag: TagPath) -> DeviceProgressOut:
        """The device's part in its latest run: percentage, current task, failure in plain words."""
        row = await device_progress(tag)
        if row is None:
            raise NotFound(N_("This device has not been in a run yet."))
        return progress_out(row)

    @post(
        "/{tag:str}/disks/{disk_id:int}/destroyed",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def record_destroyed_disk(
        self,
        tag: TagPath,
        disk_id: RecordIdPath,
        data: JSONBody[DestroyedDiskIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Record a disk that cannot be erased as physically destroyed: how, witnessed by another person."""
        destruction = Destruction(data.method, data.witness_username, data.recycler_reference, data.note)
        await record_destroyed_disk(engine, tag, disk_id, destruction, request.user)

    @post(
        "/{tag:str}/hardware-check",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def record_hardware_check(
        self,
        tag: TagPath,
        data: JSONBody[HardwareCheckIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> HardwareCheckOut:
        """Confirm the hardware checklist; with the scanned battery health it gives the condition grade."""
        items = {
            name: CheckResult(getattr(data, name))
            for name in ("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports")
        }
        grade = await record_hardware_check(engine, tag, Checklist(items, data.notes), request.user)
        battery_health = await latest_battery_health(await device_id_of(tag))
        return HardwareCheckOut(condition_grade=grade, battery_health=battery_health)

    @post(
        "/{tag:str}/erasures/nwipe",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def import_nwipe_log(
        self,
        tag: TagPath,
        data: JSONBody[NwipeLogIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> ErasureCreatedOut:
        """Accept an nwipe / ShredOS log as the erasure of every disk of the device; a bad log is refused with the reason."""
        upload = NwipeUpload(data.log, {pair.drive: pair.disk_id for pair in data.pairs})
        number = await import_wipe_log(engine, tag, upload, request.user, settings)
        picked = await picked_for_reverification(number)
        return ErasureCreatedOut(certificate_number=number, picked_for_reverification=picked)

    @post(
        "/{tag:str}/initial-password",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_ALLOCATE},
        status_code=200,
    )
    async def reveal_initial_password(
        self,
        tag: TagPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> InitialPasswordOut:
        """Show the account name and initial password for the handover; each showing is recorded."""
        username, password = await reveal_password(engine, tag, request.user, settings)
        return InitialPasswordOut(username=username, password=password)
