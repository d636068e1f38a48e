"""Notifications that name a client by code are reads of that client's data: each showing is access-logged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from inventory.actors import Actor
from inventory.clients.tables import Client
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, Purpose

# The kinds whose text carries `client_code`, and why a reader is shown it.
PURPOSES: dict[str, Purpose] = {
    "loan_overdue": Purpose.LOAN_FOLLOW_UP,
    "reservation_expiring": Purpose.RESERVATION,
}


async def log_codes_shown(rows: Iterable[Mapping[str, Any]], actor: Actor, detail: str) -> int:
    """Log a read of each client whose code these notification rows show; returns how many rows."""
    codes: dict[Purpose, set[str]] = {}
    for row in rows:
        purpose = PURPOSES.get(row["kind"])
        code = (row["params"] or {}).get("client_code") if purpose else None
        if purpose and isinstance(code, str) and code:
            codes.setdefault(purpose, set()).add(code)
    written = 0
    for purpose, shown in sorted(codes.items()):
        found = await Client.select(Client.id).where(Client.code.is_in(sorted(shown))).order_by(Client.id)
        if found:
            ids = [int(row["id"]) for row in found]
            written += await log_access(
                Client._meta.db, actor, AccessAction.READ, ids, purpose, detail=detail
            )
    return written
