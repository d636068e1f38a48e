"""Which devices and erasures a user may reach: those held at a site in their reach (see `sites.reach`)."""

from __future__ import annotations

from collections.abc import Iterable

from inventory.actors import Actor
from inventory.devices.asset_tags import canonical_tag
from inventory.devices.tables import Device, Erasure
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.sites.reach import refuse_outside, region_wide, site_in_reach

NO_SUCH_DEVICE = N_("There is no device with the tag {tag}.")
NO_SUCH_ERASURE = N_("There is no erasure with the certificate number {number}.")


def no_such_device(tag: str) -> NotFound:
    """The 404 for a tag: the same for a device that does not exist and one held out of reach."""
    return NotFound(NO_SUCH_DEVICE, {"tag": tag})


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
    raise no_such_device(asset_tag)


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
        raise no_such_device(", ".join(outside))


async def reach_device_id(actor: Actor, device_id: int) -> None:
    """`reach_device` for a device known by its id."""
    await refuse_outside(
        actor, Device.select(Device.site).where(Device.id == device_id), N_("No such device.")
    )


async def reach_erasure(actor: Actor, number: str) -> None:
    """Refuse (404) an erasure (its certificate, sign-off, re-verification) of a device out of reach."""
    query = Erasure.select(Erasure.device.site.as_alias("site")).where(Erasure.certificate_number == number)
    await refuse_outside(actor, query, NO_SUCH_ERASURE, {"number": number})
