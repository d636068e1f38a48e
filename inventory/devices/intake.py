"""Intake: registering received devices with their disks, each with a fresh asset tag and an event."""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.actors import Actor
from inventory.choices import DeviceKind
from inventory.clock import now
from inventory.devices.asset_tags import MAX_NUMBER, format_tag
from inventory.devices.events import record_event
from inventory.devices.tables import Device, Disk
from inventory.errors import Conflict, InvalidInput
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State
from inventory.sites.tables import Site
from labels.sanitisation_terms import DiskKind

INTAKE_ACTION = Activity.INTAKE


def normalise_serial(serial: str | None) -> str | None:
    """Serial numbers are kept without whitespace and in capitals, as scanners read them."""
    cleaned = "".join((serial or "").split()).upper()
    return cleaned or None


@dataclass(frozen=True)
class NewDisk:
    """A disk found in a received device."""

    model: str = ""
    serial: str | None = None
    size_bytes: int | None = None
    kind: DiskKind = DiskKind.OTHER
    make: str = ""


@dataclass(frozen=True)
class NewDevice:
    """A received device as written on the donor's list or seen at the bench."""

    kind: DeviceKind = DeviceKind.LAPTOP
    make: str = ""
    model: str = ""
    serial: str | None = None
    cpu: str = ""
    ram_mb: int | None = None
    notes: str = ""
    intake_condition: str = ""
    disks: tuple[NewDisk, ...] = field(default_factory=tuple)


async def allocate_tag(site_id: int) -> tuple[str, int]:
    """Take the site's next asset tag inside the caller's transaction: no gaps, no duplicates."""
    rows = (
        await Site.update({Site.tag_counter: Site.tag_counter + 1})
        .where(Site.id == site_id)
        .returning(Site.code, Site.tag_counter)
    )
    if not rows:
        raise InvalidInput("site_id", N_("There is no such site."))
    number = int(rows[0]["tag_counter"])
    if number > MAX_NUMBER:
        raise Conflict(N_("This site has used all its asset tag numbers."))
    return format_tag(rows[0]["code"], number), number


async def register_device(site_id: int, donation_id: int | None, new: NewDevice, actor: Actor) -> str:
    """Create one received device with its disks and intake event; return its asset tag."""
    tag, number = await allocate_tag(site_id)
    moment = now()
    rows = await Device.insert(
        Device(
            asset_tag=tag,
            site=site_id,
            tag_number=number,
            donation=donation_id,
            kind=new.kind.value,
            make=new.make.strip(),
            model=new.model.strip(),
            serial=normalise_serial(new.serial),
            cpu=new.cpu.strip(),
            ram_mb=new.ram_mb,
            notes=new.notes,
            intake_condition=new.intake_condition.strip(),
            state=State.RECEIVED.value,
            state_changed_at=moment,
            created_at=moment,
        )
    ).returning(Device.id)
    device_id = int(rows[0]["id"])
    if new.disks:
        await Disk.insert(
            *(
                Disk(
                    device=device_id,
                    make=disk.make,
                    model=disk.model,
                    serial=normalise_serial(disk.serial),
                    size_bytes=disk.size_bytes,
                    kind=disk.kind.value,
                    created_at=moment,
                )
                for disk in new.disks
            )
        )
    await record_event(
        device_id,
        INTAKE_ACTION,
        None,
        State.RECEIVED,
        actor,
        details={"donation_id": donation_id} if donation_id else {},
    )
    return tag
