"""Sites as object boundaries: which devices, donations, documents, runs and stock-takes a user may reach.

The rule (docs/sites.md): coordinators, administrators and system jobs reach every site, to read and
to change; trainees and counsellors reach their own site only, and a user without a site reaches
none. Something out of reach answers exactly like something that does not exist (404, no leak).
One reach function per object kind; routes addressing an object by a path parameter are checked by
`reach_path` from the route guard, and services that take objects in a request body (labels, runs,
reservations, bench steps, new donations) call the same functions themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Where

from inventory.actors import Actor
from inventory.devices.asset_tags import canonical_tag
from inventory.devices.tables import Device, Erasure
from inventory.donations.tables import Donation
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_
from inventory.params import MAX_ID
from inventory.permissions import Role
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.runs.tables import BenchMachine, Run
from inventory.stocktake.tables import StockTake

NO_SUCH_DEVICE = N_("There is no device with the tag {tag}.")
NO_SUCH_DONATION = N_("There is no such donation.")
NO_SUCH_RUN = N_("There is no such run.")
NO_SUCH_STOCKTAKE = N_("There is no such stock-take.")
NO_SUCH_MACHINE = N_("There is no such machine on the bench.")
NO_SUCH_ERASURE = N_("There is no erasure with the certificate number {number}.")
NO_SUCH_SITE = N_("There is no such site.")


def region_wide(actor: Actor) -> bool:
    """Coordinators, administrators and system jobs work across the region's sites."""
    return actor.is_system or actor.role in (Role.COORDINATOR, Role.ADMIN)


def site_in_reach(actor: Actor, site_id: int | None) -> bool:
    """Whether things held at this site are in the actor's reach."""
    return region_wide(actor) or (actor.site_id is not None and site_id == actor.site_id)


def site_condition(actor: Actor, column: Column) -> Where | None:
    """The condition a list needs on its site column for this actor, or None when every site is in reach."""
    if region_wide(actor):
        return None
    return column == (actor.site_id if actor.site_id is not None else -1)


def reachable_site_id(actor: Actor, wanted: int | None) -> int | None:
    """The site a list is narrowed to: the one asked for if in reach, the actor's own if they have no choice."""
    if region_wide(actor):
        return wanted
    return actor.site_id if actor.site_id is not None else -1


def require_site(actor: Actor, site_id: int, field: str = "site_id") -> None:
    """Refuse to place something at a site out of reach (as if there were no such site)."""
    if not site_in_reach(actor, site_id):
        raise InvalidInput(field, NO_SUCH_SITE)


async def _site_of(query: Any) -> tuple[bool, int | None]:
    row = await query.first()
    return (row is not None, None if row is None else row["site"])


async def reach_device(actor: Actor, asset_tag: str, changing: bool = False) -> None:
    """Refuse (404) a device held at a site out of reach (the tag as typed or as printed); an unknown tag
    is left to the caller.

    An attempt to change another site's device that is reserved for or lent to a client is written
    to the access log as a refusal for that client (the step would have touched their reservation
    or loan).
    """
    if region_wide(actor):
        return
    row = (
        await Device.select(Device.site, Device.reserved_for, Device.holder)
        .where(Device.asset_tag.is_in(sorted({asset_tag, canonical_tag(asset_tag)})))
        .first()
    )
    if row is None or site_in_reach(actor, row["site"]):
        return
    client_id = row["reserved_for"] or row["holder"]
    if changing and client_id is not None:
        await log_access(
            Device._meta.db,
            actor,
            AccessAction.UPDATE,
            [client_id],
            Purpose.DEVICE_STEP,
            AccessOutcome.REFUSED,
            "another site",
        )
    raise NotFound(NO_SUCH_DEVICE, {"tag": asset_tag})


async def reach_devices(actor: Actor, asset_tags: Iterable[str]) -> None:
    """`reach_device` for several tags at once."""
    if region_wide(actor):
        return
    tags = sorted({form for tag in asset_tags for form in (tag, canonical_tag(tag))})
    if not tags:
        return
    rows = await Device.select(Device.asset_tag, Device.site).where(Device.asset_tag.is_in(tags))
    outside = [row["asset_tag"] for row in rows if not site_in_reach(actor, row["site"])]
    if outside:
        raise NotFound(NO_SUCH_DEVICE, {"tag": ", ".join(outside)})


async def reach_device_id(actor: Actor, device_id: int) -> None:
    """`reach_device` for a device known by its id."""
    if region_wide(actor):
        return
    found, site = await _site_of(Device.select(Device.site).where(Device.id == device_id))
    if found and not site_in_reach(actor, site):
        raise NotFound(N_("No such device."))


async def reach_donation(actor: Actor, donation_id: int) -> None:
    """Refuse (404) a donation received at a site out of reach, with its receipt and report."""
    if region_wide(actor):
        return
    found, site = await _site_of(Donation.select(Donation.site).where(Donation.id == donation_id))
    if found and not site_in_reach(actor, site):
        raise NotFound(NO_SUCH_DONATION)


async def reach_erasure(actor: Actor, number: str) -> None:
    """Refuse (404) an erasure (its certificate, sign-off, re-verification) of a device out of reach."""
    if region_wide(actor):
        return
    found, site = await _site_of(
        Erasure.select(Erasure.device.site.as_alias("site")).where(Erasure.certificate_number == number)
    )
    if found and not site_in_reach(actor, site):
        raise NotFound(NO_SUCH_ERASURE, {"number": number})


async def reach_run(actor: Actor, run_id: int) -> None:
    """Refuse (404) a run at a site out of reach."""
    if region_wide(actor):
        return
    found, site = await _site_of(Run.select(Run.site).where(Run.id == run_id))
    if found and not site_in_reach(actor, site):
        raise NotFound(NO_SUCH_RUN)


async def reach_machine(actor: Actor, machine_id: int) -> None:
    """Refuse (404) a machine on another site's bench."""
    if region_wide(actor):
        return
    found, site = await _site_of(BenchMachine.select(BenchMachine.site).where(BenchMachine.id == machine_id))
    if found and not site_in_reach(actor, site):
        raise NotFound(NO_SUCH_MACHINE)


async def reach_stocktake(actor: Actor, stocktake_id: int) -> None:
    """Refuse (404) a stock-take of a site out of reach."""
    if region_wide(actor):
        return
    found, site = await _site_of(StockTake.select(StockTake.site).where(StockTake.id == stocktake_id))
    if found and not site_in_reach(actor, site):
        raise NotFound(NO_SUCH_STOCKTAKE)


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
