"""Bench use cases on a selection of devices: the same single-device step for each, and labels attached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inventory.actors import Actor
from inventory.bench.queries import LABEL_ACTIONS, LABELLED_ACTION
from inventory.database import AnyEngine, write_transaction
from inventory.devices.events import record_event
from inventory.devices.reach import NO_SUCH_DEVICE
from inventory.devices.tables import Device, DeviceEvent
from inventory.devices.transitions import transition
from inventory.errors import DomainError, Forbidden, InvalidInput
from inventory.i18n import N_, gettext
from inventory.lifecycle import FINAL_STATES, RECORD_CLOSED, Action, State
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.sites.reach import site_in_reach

MAX_SELECTION = 100
# Steps that need nothing but the device: these may be taken on a selection at once.
BATCH_STEPS = frozenset({Action.START_WIPE, Action.START_PROVISIONING, Action.PROVISIONED})


@dataclass(frozen=True)
class Outcome:
    """What happened to one device of a selection: done, or the reason it was refused."""

    asset_tag: str
    done: bool
    message: str


def check_selection(tags: Sequence[str]) -> list[str]:
    """The selected tags, each once and in order; refuses an empty or oversized selection."""
    unique = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if not unique:
        raise InvalidInput("tag", N_("Select at least one device."))
    if len(unique) > MAX_SELECTION:
        raise InvalidInput(
            "tag", N_("Select at most {maximum} devices at a time."), {"maximum": MAX_SELECTION}
        )
    return unique


async def batch_step(
    engine: AnyEngine,
    tags: Sequence[str],
    action: Action,
    actor: Actor,
    settings: Settings,
) -> list[Outcome]:
    """Take the same step on each selected device, each in its own transaction.

    One refused device does not hold back the others: each outcome says what happened and why.
    """
    if action not in BATCH_STEPS:
        raise InvalidInput("action", N_("This step cannot be taken on several devices at once."))
    outcomes = []
    for tag in check_selection(tags):
        try:
            await transition(engine, tag, action, actor, settings)
        except DomainError as refused:
            outcomes.append(Outcome(tag, False, refused.text()))
        else:
            outcomes.append(Outcome(tag, True, gettext(N_("Done."))))
    return outcomes


async def mark_labelled(engine: AnyEngine, tags: Sequence[str], actor: Actor) -> list[Outcome]:
    """Record that the asset label is on each selected machine (a history entry, no change of state)."""
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    selection = check_selection(tags)
    outcomes = []
    async with write_transaction(engine):
        devices = await Device.select(Device.id, Device.asset_tag, Device.state, Device.site).where(
            Device.asset_tag.is_in(selection)
        )
        by_tag = {row["asset_tag"]: row for row in devices if site_in_reach(actor, row["site"])}
        done_before = {
            row["device"]
            for row in await DeviceEvent.select(DeviceEvent.device).where(
                DeviceEvent.device.is_in([row["id"] for row in devices] or [0])
                & DeviceEvent.action.is_in(sorted(LABEL_ACTIONS))
            )
        }
        for tag in selection:
            device = by_tag.get(tag)
            if device is None:
                message = gettext(NO_SUCH_DEVICE).format(tag=tag)
                outcomes.append(Outcome(tag, False, message))
                continue
            state = State(device["state"])
            if state in FINAL_STATES:
                message = gettext(RECORD_CLOSED)
                outcomes.append(Outcome(tag, False, message))
            elif device["id"] in done_before:
                outcomes.append(Outcome(tag, False, gettext(N_("The label was already marked attached."))))
            else:
                await record_event(device["id"], LABELLED_ACTION, state, state, actor)
                outcomes.append(Outcome(tag, True, gettext(N_("Done."))))
    return outcomes
