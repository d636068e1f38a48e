"""Which donations a user may reach: those received at a site in their reach (see `sites.reach`)."""

from __future__ import annotations

from inventory.actors import Actor
from inventory.donations.tables import Donation
from inventory.i18n import N_
from inventory.sites.reach import refuse_outside

NO_SUCH_DONATION = N_("There is no such donation.")


async def reach_donation(actor: Actor, donation_id: int) -> None:
    """Refuse (404) a donation received at a site out of reach, with its receipt and report."""
    await refuse_outside(
        actor, Donation.select(Donation.site).where(Donation.id == donation_id), NO_SUCH_DONATION
    )
