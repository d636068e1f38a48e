"""What the device page and the device API need of the client area, handed in by the app as a dependency."""

# The client area sits above devices: reserving a device for a client, and the allocation steps that keep
# its reservations and handovers with the device's step, live there. The app provides them (`client_steps`,
# see `inventory.clients.device_steps`), so devices never import the client area.

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from inventory.actors import Actor
from inventory.database import AnyEngine
from inventory.devices.transitions import TransitionRequest, TransitionResult
from inventory.lifecycle import Action, Decision
from inventory.settings import Settings


@runtime_checkable  # Litestar checks the value it injects against the parameter's type
class ClientSteps(Protocol):
    """The client area's part in a device's steps (reserve, release, hand over, lend, return)."""

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

    async def clients_to_reserve_for(
        self, engine: AnyEngine, asset_tag: str, actor: Actor
    ) -> list[dict[str, Any]]:
        """The clients the device page offers to reserve this device for (each one a logged read)."""

    async def reserve_device(
        self, engine: AnyEngine, client_id: int, asset_tag: str, actor: Actor, settings: Settings
    ) -> int:
        """Reserve a ready device for the client; returns the reservation's id."""
