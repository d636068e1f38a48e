"""Which lifecycle steps a user may take on a device now, and why a step is not possible: read-only.

The lifecycle's own `decide` answers, with the facts the transition would load, so the page and the
service can never disagree; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.actors import Actor
from inventory.devices.device_clients import client_in_reach
from inventory.devices.facts import load_facts
from inventory.devices.tables import Device
from inventory.errors import format_refusal
from inventory.lifecycle import TRANSITIONS, Action, DeviceFacts, Intent, TransitionRefused, decide

# Steps that name a client: they are taken from the client's page, where the client is chosen.
CLIENT_STEPS = frozenset({Action.RESERVE, Action.HAND_OVER, Action.LEND})
# Steps that end the device's own client's reservation or loan: offered only within that client's reach.
CLIENTS_DEVICE_STEPS = frozenset({Action.RELEASE, Action.RETURN})


@dataclass(frozen=True)
class StepOption:
    """One step shown on the device page: possible now, or not, with the reason in the user's language."""

    action: Action
    enabled: bool
    reason: str = ""


def _intent(action: Action, facts: DeviceFacts) -> Intent:
    # The manual erasure form offers every disk that still exists, ticked: decide as if it were sent.
    if action is Action.WIPE_PASSED:
        return Intent(erasure_disk_ids=facts.disk_ids - facts.destroyed_disk_ids)
    return Intent()


def options_for(facts: DeviceFacts, actor: Actor) -> list[StepOption]:
    """The steps whose starting state matches and that the actor's role allows, each decided."""
    options = []
    for transition in TRANSITIONS.values():
        if facts.state not in transition.sources or transition.action in CLIENT_STEPS:
            continue
        if not actor.may(transition.permission):
            continue
        try:
            decide(transition.action, facts, _intent(transition.action, facts))
        except TransitionRefused as refused:
            options.append(StepOption(transition.action, False, format_refusal(refused.refusal)))
        else:
            options.append(StepOption(transition.action, True))
    return options


async def step_options(device_id: int, actor: Actor) -> list[StepOption]:
    """The steps this actor may take on the device now, and the reasons for the ones that are blocked.

    Release and return are left out when the device's client is beyond the actor's reach (another
    site's client): the allocation service would refuse them as it refuses that client's pages.
    """
    options = options_for(await load_facts(device_id), actor)
    if any(option.action in CLIENTS_DEVICE_STEPS for option in options):
        row = await Device.select(Device.reserved_for, Device.holder).where(Device.id == device_id).first()
        client_id = (row["reserved_for"] or row["holder"]) if row else None
        if client_id is not None and not await client_in_reach(actor, client_id):
            options = [option for option in options if option.action not in CLIENTS_DEVICE_STEPS]
    return options
