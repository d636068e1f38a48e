"""Records that complete a device's sanitisation evidence: a disk destroyed, an erasure re-verified.

Both are activities in the device's history (no state change) and both appear on the certificate of
sanitisation. The witness of a destruction and the re-verifier of an erasure must be other people
than the one who did the work.
"""

from __future__ import annotations

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.choices import DestructionMethod
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.tables import Device, Disk, Erasure
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.lifecycle import FINAL_STATES, State
from inventory.permissions import N_

DISK_DESTROYED_ACTION = "disk_destroyed"
REVERIFIED_ACTION = "erasure_reverified"


async def record_disk_destruction(
    engine: Engine,  # type: ignore[type-arg]
    asset_tag: str,
    disk_id: int,
    method: DestructionMethod,
    witness: str,
    actor: Actor,
) -> None:
    """Record that a disk which could not be erased was destroyed, how, and before which witness."""
    witness = witness.strip()
    if not witness:
        raise InvalidInput("witness", N_("Name the witness of the destruction."))
    if witness.casefold() in {actor.display_name.strip().casefold(), actor.username.casefold()}:
        raise InvalidInput(
            "witness", N_("The witness must be someone other than the person destroying the disk.")
        )
    async with write_transaction(engine):
        device = await Device.select(Device.id, Device.state).where(Device.asset_tag == asset_tag).first()
        if device is None:
            raise NotFound(N_("There is no device with the tag {tag}."), {"tag": asset_tag})
        state = State(device["state"])
        if state in FINAL_STATES:
            raise Conflict(N_("This device has left the workshop; its record can no longer be changed."))
        disk = (
            await Disk.select(Disk.id, Disk.destroyed_at)
            .where((Disk.id == disk_id) & (Disk.device == device["id"]))
            .first()
        )
        if disk is None:
            raise InvalidInput("disk_id", N_("Some of the disks named do not belong to this device."))
        if disk["destroyed_at"] is not None:
            raise Conflict(N_("This disk is already recorded as destroyed."))
        await Disk.update(
            {
                Disk.destroyed_at: now(),
                Disk.destroyed_by: actor.user_id,
                Disk.destruction_witness: witness[:200],
                Disk.destruction_method: method.value,
            }
        ).where(Disk.id == disk_id)
        await record_event(
            device["id"],
            DISK_DESTROYED_ACTION,
            state,
            state,
            actor,
            details={"disk_id": disk_id, "method": method.value, "witness": witness[:200]},
        )


async def record_reverification(
    engine: Engine,  # type: ignore[type-arg]
    certificate_number: str,
    passed: bool,
    method: str,
    actor: Actor,
) -> None:
    """Record an independent re-verification of a passed erasure by someone other than its operator."""
    async with write_transaction(engine):
        erasure = (
            await Erasure.select(
                Erasure.id, Erasure.device, Erasure.passed, Erasure.operator, Erasure.reverified_at
            )
            .where(Erasure.certificate_number == certificate_number)
            .first()
        )
        if erasure is None:
            raise NotFound(
                N_("There is no erasure with the certificate number {number}."),
                {"number": certificate_number},
            )
        if not erasure["passed"]:
            raise Conflict(N_("Only a passed erasure can be re-verified."))
        if erasure["reverified_at"] is not None:
            raise Conflict(N_("This erasure has already been re-verified."))
        if actor.user_id is None or actor.user_id == erasure["operator"]:
            raise Conflict(N_("The re-verification must be done by someone other than who erased the disks."))
        await Erasure.update(
            {
                Erasure.reverified_by: actor.user_id,
                Erasure.reverified_at: now(),
                Erasure.reverification_passed: passed,
                Erasure.reverification_method: method.strip()[:200],
            }
        ).where(Erasure.id == erasure["id"])
        device = await Device.select(Device.state).where(Device.id == erasure["device"]).first()
        assert device is not None
        state = State(device["state"])
        await record_event(
            erasure["device"],
            REVERIFIED_ACTION,
            state,
            state,
            actor,
            details={"certificate_number": certificate_number, "passed": passed},
        )
