"""The clients a device names (reserved for, lent to, in its history), read by id: their code and site, no more."""

# The client area sits above devices, so devices never import it: the client table is reached through the
# device's own lazy reference to it (`tables.CLIENT`), and a client's reach is its site's reach.

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inventory.actors import Actor
from inventory.devices.tables import CLIENT
from inventory.sites.reach import site_in_reach


async def client_rows(client_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The `id`, `code` and `site` of each client with one of these ids that exists."""
    wanted = sorted(set(client_ids))
    if not wanted:
        return []
    client = CLIENT.resolve()
    key = client._meta.primary_key
    columns = [key, client._meta.get_column_by_name("code"), client._meta.get_column_by_name("site")]
    return list(await client.select(*columns).where(key.is_in(wanted)))


def client_reachable(actor: Actor, client: dict[str, Any]) -> bool:
    """Whether the actor may reach this client (a row with `site`): the rule of the client area's scope."""
    return site_in_reach(actor, client["site"])


async def client_in_reach(actor: Actor, client_id: int) -> bool:
    """Whether the client exists and the actor may reach it; a plain read that logs nothing."""
    rows = await client_rows([client_id])
    return bool(rows) and client_reachable(actor, rows[0])
