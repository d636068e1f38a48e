"""What the device page and the device API need of the client area, handed in by the app as a dependency."""

# The client area sits above devices: reserving a device for a client, and the allocation steps that keep
# its reservations and handovers with the device's step, live there. The app provides them (`client_steps`,
# see `inventory.clients.device_steps`), so devices never import the client area.

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from litestar.di import NamedDependency

from inventory.actors import Actor
from inventory.database import AnyEngine
from inventory.devices.transitions import TransitionRequest, TransitionResult
from inventory.lifecycle import Action, Decision
from inventory.settings import Settings


@dataclass(frozen=True)
class ClientSteps:
    """The client area's part in a device's steps (reserve, release, hand over, lend, return)."""

    allocation_step: Callable[
        [AnyEngine, str, Action, Actor, Settings, TransitionRequest], Awaitable[TransitionResult]
    ]
    """Take one allocation step, keeping the client area's records with it, all or nothing."""

    preview_allocation_step: Callable[
        [AnyEngine, str, Action, Actor, Settings, TransitionRequest], Awaitable[Decision]
    ]
    """What the allocation step would do now, or the refusal it would meet; nothing is written."""

    clients_to_reserve_for: Callable[[AnyEngine, str, Actor], Awaitable[list[dict[str, Any]]]]
    """The clients the device page offers to reserve this device for (each one a logged read)."""

    reserve_device: Callable[[AnyEngine, int, str, Actor, Settings], Awaitable[int]]
    """Reserve a ready device for the client; returns the reservation's id."""


ClientStepsDependency: TypeAlias = NamedDependency[ClientSteps]
"""The client area's part in a device's steps (`client_steps`), for the device page and the device API."""
