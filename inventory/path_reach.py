"""The route guard's site check: every object a route's path names must be in the actor's reach."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from inventory.actors import Actor
from inventory.devices.reach import reach_device, reach_erasure
from inventory.donations.reach import reach_donation
from inventory.params import MAX_ID
from inventory.runs.reach import reach_machine, reach_run
from inventory.sites.reach import region_wide
from inventory.stocktake.reach import reach_stocktake

# The path parameters (besides `tag`, the device) that name a site's object, and the reach function each one needs.
PATH_REACH: dict[str, Callable[[Actor, Any], Awaitable[None]]] = {
    "donation_id": reach_donation,
    "number": reach_erasure,
    "certificate": reach_erasure,
    "run_id": reach_run,
    "machine_id": reach_machine,
    "stocktake_id": reach_stocktake,
}


async def reach_path(actor: Actor, path_params: Mapping[str, Any], changing: bool) -> None:
    """Check every object a route's path names against the actor's reach (404 for what is out of it).

    `changing` says the request may change something (any method but GET, HEAD and OPTIONS).
    """
    if region_wide(actor):
        return
    for name, value in path_params.items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            continue  # no record has this id (nor may a query ask for it): the route's own parameter check refuses it
        if name == "tag":
            await reach_device(actor, value, changing=changing)
        check = PATH_REACH.get(name)
        if check is not None:
            await check(actor, value)
