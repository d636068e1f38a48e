"""Which clients a user may reach: checked in the service at the object, refusals written to the access log.

Counsellors reach the clients of their own site; coordinators, administrators and system jobs reach
every site. A client out of reach answers exactly like a client that does not exist (404, no leak).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from piccolo.columns.combination import Where

from inventory.actors import Actor
from inventory.clients.rows import ClientRow
from inventory.clients.tables import Client
from inventory.database import AnyEngine, is_sqlite
from inventory.errors import Conflict, Forbidden, NotFound
from inventory.i18n import N_
from inventory.permissions import Permission
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.sites.reach import region_wide, site_condition, site_in_reach

CLIENT_COLUMNS = (
    Client.id,
    Client.code,
    Client.full_name,
    Client.phone,
    Client.email,
    Client.language,
    Client.accommodations,
    Client.counsellor,
    Client.site,
    Client.consent_recorded_on,
    Client.created_at,
    Client.anonymised_at,
)

NO_SUCH_CLIENT = N_("There is no such client.")
ANONYMISED = N_("This client's personal data has been erased, so nothing more can be recorded for them.")


# The site rule itself is sites.reach's, for clients as for devices (docs/sites.md).
sees_every_site = region_wide


def reachable(actor: Actor, client: Mapping[str, Any]) -> bool:
    """Whether the actor may reach this client (a row with `site`)."""
    return site_in_reach(actor, client["site"])


def reachable_condition(actor: Actor) -> Where | None:
    """The condition a client list needs for this actor, or None when every client is in reach."""
    return site_condition(actor, Client.site)


async def in_reach(actor: Actor, client_id: int) -> bool:
    """Whether the client exists and the actor may reach it; a plain read that logs nothing."""
    row = await Client.select(Client.site).where(Client.id == client_id).first()
    return row is not None and reachable(actor, row)


async def refuse(
    engine: AnyEngine,
    actor: Actor,
    client_id: int | None,
    purpose: Purpose,
    action: AccessAction,
    detail: str,
) -> None:
    """Write a refusal to the access log in a transaction of its own."""
    await log_access(engine, actor, action, [client_id], purpose, AccessOutcome.REFUSED, detail)


async def reach_client(
    engine: AnyEngine,
    actor: Actor,
    client_id: int,
    purpose: Purpose,
    action: AccessAction = AccessAction.READ,
    permission: Permission = Permission.CLIENT_READ,
) -> ClientRow:
    """The client's row if the actor may reach it; otherwise log the refusal and raise 403 or 404."""
    if not actor.may(permission):
        await refuse(engine, actor, client_id, purpose, action, "role")
        raise Forbidden(N_("Your role does not allow this."))
    row = await Client.select(*CLIENT_COLUMNS).where(Client.id == client_id).output(load_json=True).first()
    if row is None:
        raise NotFound(NO_SUCH_CLIENT)
    if not reachable(actor, row):
        await refuse(engine, actor, client_id, purpose, action, "another site")
        raise NotFound(NO_SUCH_CLIENT)
    return msgspec.convert(row, ClientRow)


def require_not_anonymised(client: ClientRow) -> None:
    """Refuse to record anything more for an erased client."""
    if client.anonymised_at is not None:
        raise Conflict(ANONYMISED)


async def lock_client(engine: AnyEngine, client_id: int) -> None:
    """Hold the client's row until the transaction ends (PostgreSQL; SQLite already writes one at a time).

    Take it before any other lock of the transaction, so concurrent changes of one client queue up.
    """
    if not is_sqlite(engine):
        await Client.select(Client.id).where(Client.id == client_id).lock_rows("UPDATE")


async def recheck_not_anonymised(client_id: int) -> None:
    """Inside a transaction, after `lock_client`: refuse if the client was erased meanwhile."""
    row = await Client.select(Client.anonymised_at).where(Client.id == client_id).first()
    if row is None or row["anonymised_at"] is not None:
        raise Conflict(ANONYMISED)
