"""Use cases that change a device's data but not its state: corrections and added disks, each an event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inventory.actors import Actor
from inventory.choices import ConditionGrade, DeviceKind
from inventory.clock import now
from inventory.database import AnyEngine, write_transaction
from inventory.devices.events import record_event
from inventory.devices.intake import NewDisk, normalise_serial
from inventory.devices.open_record import require_open_record
from inventory.devices.reach import no_such_device, reach_device
from inventory.devices.tables import Device, Disk, ErasureDisk
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State
from labels.sanitisation_terms import DiskKind

EDIT_ACTION = Activity.EDITED
DISK_ADDED_ACTION = Activity.DISK_ADDED
DISK_CORRECTED_ACTION = Activity.DISK_CORRECTED
DISK_REMOVED_ACTION = Activity.DISK_REMOVED


@dataclass(frozen=True)
class DiskChanges:
    """A disk's fields to complete or correct (a donor list often has no serial); None leaves a field."""

    make: str | None = None
    model: str | None = None
    serial: str | None = None
    size_bytes: int | None = None
    kind: DiskKind | None = None


@dataclass(frozen=True)
class DeviceChanges:
    """Fields to correct; None leaves a field as it is."""

    kind: DeviceKind | None = None
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    cpu: str | None = None
    ram_mb: int | None = None
    condition_grade: ConditionGrade | None = None
    notes: str | None = None


def _stored_value(name: str, given: Any) -> Any:
    if name == "serial":
        return normalise_serial(given)
    if hasattr(given, "value"):
        return given.value
    return given.strip() if isinstance(given, str) else given


async def _editable_device(asset_tag: str) -> dict[str, Any]:
    device = await Device.select(Device.id, Device.state).where(Device.asset_tag == asset_tag).first()
    if device is None:
        raise no_such_device(asset_tag)
    require_open_record(device["state"])
    return dict(device)


async def edit_device(engine: AnyEngine, asset_tag: str, changes: DeviceChanges, actor: Actor) -> None:
    """Correct a device's description and record what changed."""
    await reach_device(actor, asset_tag)
    async with write_transaction(engine):
        device = await _editable_device(asset_tag)
        current = await Device.select().where(Device.id == device["id"]).first()
        assert current is not None
        values: dict[str, Any] = {}
        for name, given in vars(changes).items():
            if given is None:
                continue
            value = _stored_value(name, given)
            if current[name] != value:
                values[name] = value
        if not values:
            return
        await Device.update({getattr(Device, name): value for name, value in values.items()}).where(
            Device.id == device["id"]
        )
        state = State(device["state"])
        before = {name: current[name] for name in values}
        await record_event(
            device["id"], EDIT_ACTION, state, state, actor, details={"before": before, "after": values}
        )


async def add_disk(engine: AnyEngine, asset_tag: str, disk: NewDisk, actor: Actor) -> int:
    """Record a disk found in a device; it must then be erased before the device moves on."""
    await reach_device(actor, asset_tag)
    async with write_transaction(engine):
        device = await _editable_device(asset_tag)
        rows = await Disk.insert(
            Disk(
                device=device["id"],
                make=disk.make,
                model=disk.model,
                serial=normalise_serial(disk.serial),
                size_bytes=disk.size_bytes,
                kind=disk.kind.value,
                created_at=now(),
            )
        ).returning(Disk.id)
        disk_id = int(rows[0]["id"])
        state = State(device["state"])
        await record_event(
            device["id"],
            DISK_ADDED_ACTION,
            state,
            state,
            actor,
            details={"disk_id": disk_id, "serial": disk.serial},
        )
    return disk_id


async def _unsanitised_disk(device_id: int, disk_id: int) -> dict[str, Any]:
    """A disk of the device that no erasure or destruction covers yet: its record is evidence after that."""
    disk = await Disk.select().where((Disk.id == disk_id) & (Disk.device == device_id)).first()
    if disk is None:
        raise NotFound(N_("This device has no such disk."))
    if disk["destroyed_at"] is not None or await ErasureDisk.exists().where(ErasureDisk.disk == disk_id):
        raise Conflict(
            N_("This disk has been erased or destroyed; its record is evidence now and cannot be changed.")
        )
    return dict(disk)


async def edit_disk(
    engine: AnyEngine, asset_tag: str, disk_id: int, changes: DiskChanges, actor: Actor
) -> None:
    """Complete or correct a disk's record before it is erased (serial, model, size, type)."""
    await reach_device(actor, asset_tag)
    async with write_transaction(engine):
        device = await _editable_device(asset_tag)
        current = await _unsanitised_disk(device["id"], disk_id)
        values: dict[str, Any] = {}
        for name, given in vars(changes).items():
            if given is None:
                continue
            value = _stored_value(name, given)
            if current[name] != value:
                values[name] = value
        if not values:
            return
        await Disk.update({getattr(Disk, name): value for name, value in values.items()}).where(
            Disk.id == disk_id
        )
        state = State(device["state"])
        before = {name: current[name] for name in values}
        await record_event(
            device["id"],
            DISK_CORRECTED_ACTION,
            state,
            state,
            actor,
            details={"disk_id": disk_id, "before": before, "after": values},
        )


async def remove_disk(engine: AnyEngine, asset_tag: str, disk_id: int, reason: str, actor: Actor) -> None:
    """Remove a disk recorded by mistake (not in the device, or recorded twice), with the reason."""
    await reach_device(actor, asset_tag)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", N_("Say why the disk is removed from the record."))
    async with write_transaction(engine):
        device = await _editable_device(asset_tag)
        disk = await _unsanitised_disk(device["id"], disk_id)
        await Disk.delete().where(Disk.id == disk_id)
        state = State(device["state"])
        await record_event(
            device["id"],
            DISK_REMOVED_ACTION,
            state,
            state,
            actor,
            reason=reason[:1000],
            details={
                "disk_id": disk_id,
                "removed": {k: disk[k] for k in ("make", "model", "serial", "size_bytes", "kind")},
            },
        )
