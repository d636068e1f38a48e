"""The client area's part in a device's steps, as the device page and the device API are handed it."""

from __future__ import annotations

from inventory.actors import Actor
from inventory.clients.allocation import allocation_step, preview_allocation_step
from inventory.clients.reservations import clients_to_reserve_for, reserve_device
from inventory.database import AnyEngine
from inventory.devices.client_steps import ClientSteps
from inventory.devices.transitions import TransitionRequest, TransitionResult
from inventory.lifecycle import Action
from inventory.settings import Settings


async def _allocation_transition(
    engine: AnyEngine,
    asset_tag: str,
    action: Action,
    actor: Actor,
    settings: Settings,
    request: TransitionRequest,
) -> TransitionResult:
    """The device's transition of an allocation step (the step's client records stay in the client area)."""
    return (await allocation_step(engine, asset_tag, action, actor, settings, request)).transition


CLIENT_STEPS = ClientSteps(
    allocation_step=_allocation_transition,
    preview_allocation_step=preview_allocation_step,
    clients_to_reserve_for=clients_to_reserve_for,
    reserve_device=reserve_device,
)
