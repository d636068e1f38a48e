"""Read-only queries about donors and donations."""

from __future__ import annotations

import msgspec

from inventory.actors import Actor
from inventory.devices.tables import Device
from inventory.donations.schemas import DonationOut, DonorOut
from inventory.donations.tables import Donation, Donor
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.sites.reach import site_condition

DONATION_COLUMNS = (
    Donation.id,
    Donation.donor.as_alias("donor_id"),
    Donation.donor.name.as_alias("donor_name"),
    Donation.site.as_alias("site_id"),
    Donation.site.code.as_alias("site_code"),
    Donation.received_on,
    Donation.reference,
    Donation.notes,
    Donation.created_at,
    Donation.finalised_at,
)


async def list_donors() -> list[DonorOut]:
    """Every donor, by name."""
    return msgspec.convert(await Donor.select().order_by(Donor.name), list[DonorOut])


async def get_donor(donor_id: int) -> DonorOut:
    """One donor."""
    row = await Donor.select().where(Donor.id == donor_id).first()
    if row is None:
        raise NotFound(N_("There is no such donor."))
    return msgspec.convert(row, DonorOut)


async def _tags_by_donation(donation_ids: list[int]) -> dict[int, list[str]]:
    if not donation_ids:
        return {}
    rows = (
        await Device.select(Device.donation, Device.asset_tag)
        .where(Device.donation.is_in(donation_ids))
        .order_by(Device.id)
    )
    tags: dict[int, list[str]] = {}
    for row in rows:
        tags.setdefault(row["donation"], []).append(row["asset_tag"])
    return tags


async def list_donations(actor: Actor, limit: int = 100, offset: int = 0) -> list[DonationOut]:
    """The donations of the sites in the actor's reach, newest first, each with its device tags."""
    query = Donation.select(*DONATION_COLUMNS)
    in_reach = site_condition(actor, Donation.site)
    if in_reach is not None:
        query = query.where(in_reach)
    rows = await query.order_by(Donation.id, ascending=False).limit(limit).offset(offset)
    tags = await _tags_by_donation([row["id"] for row in rows])
    return msgspec.convert(
        [{**row, "asset_tags": tags.get(row["id"], [])} for row in rows], list[DonationOut]
    )


async def get_donation(donation_id: int) -> DonationOut:
    """One donation with its device tags."""
    row = await Donation.select(*DONATION_COLUMNS).where(Donation.id == donation_id).first()
    if row is None:
        raise NotFound(N_("There is no such donation."))
    tags = await _tags_by_donation([donation_id])
    return msgspec.convert({**row, "asset_tags": tags.get(donation_id, [])}, DonationOut)
