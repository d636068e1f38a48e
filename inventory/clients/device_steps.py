"""The client area's part in a device's steps, as the device page and the device API are handed it."""

from __future__ import annotations

from typing import Any

from inventory.actors import Actor
from inventory.clients.allocation import allocation_step, preview_allocation_step
from inventory.clients.reservations import clients_to_reserve_for, reserve_device
from inventory.database import AnyEngine
from inventory.devices.client_steps import ClientSteps
from inventory.devices.transitions import TransitionRequest, TransitionResult
from inventory.lifecycle import Action, Decision
from inventory.settings import Settings


class ClientAreaSteps:
    """`ClientSteps` as the client area takes them: reservations and handovers kept with the device."""

    async def allocation_step(
        self,
        engine: AnyEngine,
        asset_tag: str,
        action: Action,
        actor: Actor,
        settings: Settings,
        request: TransitionRequest,
    ) -> TransitionResult:
        """Take one allocation step, keeping the client area's records with it, all or nothing."""
        return (await allocation_step(engine, asset_tag, action, actor, settings, request)).transition

    async def preview_allocation_step(
        self,
        engine: AnyEngine,
        asset_tag: str,
        action: Action,
        actor: Actor,
        settings: Settings,
        request: TransitionRequest,
    ) -> Decision:
        """What the allocation step would do now, or the refusal it would meet; nothing is written."""
        return await preview_allocation_step(engine, asset_tag, action, actor, settings, request)

    async def clients_to_reserve_for(
        self, engine: AnyEngine, asset_tag: str, actor: Actor
    ) -> list[dict[str, Any]]:
        """The clients the device page offers to reserve this device for (each one a logged read)."""
        return await clients_to_reserve_for(engine, asset_tag, actor)

    async def reserve_device(
        self, engine: AnyEngine, client_id: int, asset_tag: str, actor: Actor, settings: Settings
    ) -> int:
        """Reserve a ready device for the client; returns the reservation's id."""
        return await reserve_device(engine, client_id, asset_tag, actor, settings)


CLIENT_STEPS: ClientSteps = ClientAreaSteps()
