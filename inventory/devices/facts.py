"""Load what the lifecycle guards need to know about one device."""

from __future__ import annotations

from inventory.devices.tables import Device, Disk, ErasureDisk
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.lifecycle import DeviceFacts, State


async def load_facts(device_id: int) -> DeviceFacts:
    """The device's state, disks and erasures of its current cycle, as plain facts."""
    device = (
        await Device.select(Device.state, Device.state_before_hold, Device.reserved_for, Device.cycle)
        .where(Device.id == device_id)
        .first()
    )
    if device is None:
        raise NotFound(N_("No such device."))
    disks = await Disk.select(Disk.id, Disk.destroyed_at).where(Disk.device == device_id)
    erased = await ErasureDisk.select(ErasureDisk.disk).where(
        (ErasureDisk.erasure.device == device_id)
        & (ErasureDisk.erasure.cycle == device["cycle"])
        & (ErasureDisk.erasure.passed == True)  # noqa: E712 - Piccolo builds SQL from this comparison
        & (ErasureDisk.verified == True)  # noqa: E712
    )
    return DeviceFacts(
        state=State(device["state"]),
        state_before_hold=State(device["state_before_hold"]) if device["state_before_hold"] else None,
        disk_ids=frozenset(d["id"] for d in disks),
        destroyed_disk_ids=frozenset(d["id"] for d in disks if d["destroyed_at"] is not None),
        erased_disk_ids=frozenset(e["disk"] for e in erased),
        reserved_for=device["reserved_for"],
    )
