"""Sites as object boundaries: the rule of which site's things a user may reach, and the refusal.

The rule (docs/sites.md): coordinators, administrators and system jobs reach every site, to read and
to change; trainees and counsellors reach their own site only, and a user without a site reaches
none. Something out of reach answers exactly like something that does not exist (404, no leak).
Each object kind's reach function lives beside its object (`devices.reach`, `donations.reach`,
`runs.reach`, `stocktake.reach`) and is built on `refuse_outside`; routes addressing an object by a
path parameter are checked by `inventory.path_reach` from the route guard, and services that take
objects in a request body (labels, runs, reservations, bench steps, new donations) call the same
functions themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Where

from inventory.actors import Actor
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_
from inventory.permissions import Role

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


async def refuse_outside(
    actor: Actor, query: Any, refusal: str, values: Mapping[str, Any] | None = None
) -> None:
    """Refuse (404 with `refusal`) the object `query` selects when its `site` is out of reach.

    `query` selects one row with a `site` column; no row (no such object) is left to the caller.
    """
    if region_wide(actor):
        return
    row = await query.first()
    if row is not None and not site_in_reach(actor, row["site"]):
        raise NotFound(refusal, values)
