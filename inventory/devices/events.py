"""The one place device events are written: append-only, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from inventory.actors import Actor
from inventory.clock import now
from inventory.devices.tables import DeviceEvent
from inventory.event_kinds import event_kind
from inventory.lifecycle import State


async def record_event(
    device_id: int,
    action: str,
    from_state: State | None,
    to_state: State,
    actor: Actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event to a device's history and return its id; the kind must be registered."""
    kind = event_kind(action)
    rows = await DeviceEvent.insert(
        DeviceEvent(
            device=device_id,
            action=kind.name,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value,
            actor=actor.label,
            actor_user=actor.user_id,
            at=now(),
            reason=reason,
            details=details or {},
        )
    ).returning(DeviceEvent.id)
    return int(rows[0]["id"])
