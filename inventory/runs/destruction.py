"""Recording a disk that could not be erased as physically destroyed: the one way to do it.

The page and the API both call `record_destroyed_disk`. A destruction is an activity in the device's
history (no state change) and it appears on the device's certificates with its method, witness and
the recycler's reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.reach import no_such_device, reach_device
from inventory.devices.tables import Device, Disk
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State
from inventory.permissions import Permission
from inventory.runs.choices import ACTIVE_RUN_STATES
from inventory.runs.tables import RunTarget
from labels.sanitisation_terms import DestructionMethod

DESTROYED_ACTION = Activity.DISK_DESTROYED
DESTROYABLE = frozenset({State.RECEIVED, State.WIPE_FAILED})


@dataclass(frozen=True)
class Destruction:
    """How a disk was destroyed, before which witness (an account's user name), with the recycler's reference."""

    method: DestructionMethod
    witness_username: str
    recycler_reference: str = ""
    note: str = ""


async def _device(asset_tag: str) -> dict[str, Any]:
    device = await Device.select(Device.id, Device.state).where(Device.asset_tag == asset_tag).first()
    if device is None:
        raise no_such_device(asset_tag)
    return dict(device)


async def record_destroyed_disk(
    engine: Engine[Any], asset_tag: str, disk_id: int, destruction: Destruction, actor: Actor
) -> None:
    """Record a disk that could not be erased as physically destroyed, with another person as witness."""
    await reach_device(actor, asset_tag)
    if not actor.may(Permission.DEVICE_WORK) or actor.user_id is None:
        raise Forbidden(N_("Only a person at the bench can record a destroyed disk."))
    async with write_transaction(engine):
        device = await _device(asset_tag)
        state = State(device["state"])
        if state not in DESTROYABLE:
            raise Conflict(
                N_(
                    "A disk can be recorded as destroyed only before the device is wiped (received, or wipe failed)."
                )
            )
        if await RunTarget.exists().where(
            (RunTarget.device == device["id"]) & RunTarget.run.state.is_in(list(ACTIVE_RUN_STATES))
        ):
            raise Conflict(N_("This device is in a run that has not ended. Wait for it to end first."))
        disk = (
            await Disk.select(Disk.id, Disk.serial, Disk.destroyed_at)
            .where((Disk.id == disk_id) & (Disk.device == device["id"]))
            .first()
        )
        if disk is None:
            raise NotFound(N_("This device has no such disk."))
        if disk["destroyed_at"] is not None:
            raise Conflict(N_("This disk is already recorded as destroyed."))
        witness = (
            await User.select(User.id, User.display_name, User.username)
            .where(
                (User.username == destruction.witness_username.strip()) & (User.is_active == True)  # noqa: E712
            )
            .first()
        )
        if witness is None:
            raise InvalidInput("witness", N_("The witness must be a person with an account here."))
        if witness["id"] == actor.user_id:
            raise InvalidInput(
                "witness", N_("The witness must be another person than the one who destroyed the disk.")
            )
        reference = destruction.recycler_reference.strip()[:100] or None
        await Disk.update(
            {
                Disk.destroyed_at: now(),
                Disk.destroyed_by: actor.user_id,
                Disk.destruction_witness: f"{witness['display_name']} ({witness['username']})"[:200],
                Disk.destruction_method: destruction.method.value,
                Disk.destruction_recycler_reference: reference,
            }
        ).where(Disk.id == disk_id)
        await record_event(
            device["id"],
            DESTROYED_ACTION,
            state,
            state,
            actor,
            reason=destruction.note.strip()[:1000],
            details={
                "disk_id": disk_id,
                "serial": disk["serial"],
                "witness_user_id": witness["id"],
                "method": destruction.method.value,
                "recycler_reference": reference,
            },
        )
