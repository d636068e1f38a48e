"""Refusals at the route guard (a role that may not use a client route) written to the access log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory.actors import Actor
from inventory.clients.access_log import log_access
from inventory.clients.choices import AccessAction, AccessOutcome, Purpose
from inventory.clients.tables import AccessLogEntry, Handover, Reservation

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def _client_of(path_params: Mapping[str, Any]) -> int | None:
    """The client a route's path names, directly or through a handover or reservation."""
    if isinstance(path_params.get("client_id"), int):
        return int(path_params["client_id"])
    for key, table in (("handover_id", Handover), ("reservation_id", Reservation)):
        if isinstance(path_params.get(key), int):
            row = await table.select(table.client).where(table.id == path_params[key]).first()
            return int(row["client"]) if row else None
    return None


async def record_route_refusal(
    actor: Actor, purpose: str, method: str, path_params: Mapping[str, Any], detail: str
) -> None:
    """Log that the actor was refused a client route (in a transaction of its own)."""
    action = AccessAction.UPDATE if method.upper() in WRITE_METHODS else AccessAction.READ
    await log_access(
        AccessLogEntry._meta.db,
        actor,
        action,
        [await _client_of(path_params)],
        Purpose(purpose),
        AccessOutcome.REFUSED,
        detail,
    )
