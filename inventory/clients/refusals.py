"""Refusals at the route guard (a role that may not use a client route) written to the access log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inventory.actors import Actor
from inventory.clients.tables import Handover, Reservation
from inventory.params import MAX_ID
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.privacy.tables import AccessLogEntry

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _an_id(value: Any) -> bool:
    """Whether a path parameter can be a row id (the guard runs before the route checks its range)."""
    return isinstance(value, int) and 1 <= value <= MAX_ID


async def _client_of(path_params: Mapping[str, Any]) -> int | None:
    """The client a route's path names, directly or through a handover or reservation."""
    if _an_id(path_params.get("client_id")):
        return int(path_params["client_id"])
    for key, table in (("handover_id", Handover), ("reservation_id", Reservation)):
        if _an_id(path_params.get(key)):
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
