"""The client's right to know who processed their data: the access log of the last two years, for a PDF."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from inventory.actors import Actor
from inventory.clients.anonymisation import months_before
from inventory.clients.export import ExportAccess, access_entries
from inventory.clients.scope import reach_client
from inventory.clock import now
from inventory.database import AnyEngine
from inventory.permissions import Permission
from inventory.privacy.access_log import client_access, log_access
from inventory.privacy.choices import AccessAction, Purpose

EXTRACT_MONTHS = 24
EXTRACT_DETAIL = "access log extract"


class AccessExtract(Struct):
    """Who processed one client's data and when, from `since` to `made_at`."""

    client_code: str
    client_name: str
    language: str
    since: dt.datetime
    made_at: dt.datetime
    made_by: str
    entries: list[ExportAccess]


async def access_extract(
    engine: AnyEngine,
    client_id: int,
    actor: Actor,
    purpose: Purpose = Purpose.DATA_EXPORT,
) -> AccessExtract:
    """The extract; producing it is itself logged first, so it appears as the last row."""
    client = await reach_client(engine, actor, client_id, purpose, AccessAction.EXPORT, Permission.REPORTS)
    await log_access(engine, actor, AccessAction.EXPORT, [client_id], purpose, detail=EXTRACT_DETAIL)
    made_at = now()
    since = months_before(made_at, EXTRACT_MONTHS)
    rows = await client_access(client_id, since)
    return AccessExtract(
        client_code=client.code,
        client_name=client.full_name,
        language=client.language,
        since=since,
        made_at=made_at,
        made_by=actor.display_name or actor.username or actor.label,
        entries=await access_entries(rows),
    )
