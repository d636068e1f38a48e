"""Use cases for donors and donations: one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from inventory.actors import Actor
from inventory.choices import DonorKind
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.devices.intake import NewDevice, register_device
from inventory.donations.reach import reach_donation
from inventory.donations.tables import Donation, Donor
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_
from inventory.sites.reach import require_site
from inventory.sites.tables import Site

# A large donor sends a thousand machines; more should come as several lists (each import is one
# transaction: ~7 ms a device on SQLite).
MAX_DEVICES_PER_DONATION = 1000


@dataclass(frozen=True)
class NewDonor:
    """A donor as entered by a coordinator."""

    name: str
    kind: DonorKind = DonorKind.ORGANISATION
    business_id: str | None = None
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class NewDonation:
    """A batch received from a donor, with the devices on its list."""

    donor_id: int
    site_id: int
    received_on: dt.date | None = None
    reference: str = ""
    notes: str = ""
    devices: tuple[NewDevice, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DonationCreated:
    """The new donation and the asset tags given to its devices, in list order."""

    id: int
    asset_tags: tuple[str, ...]


async def create_donor(new: NewDonor) -> int:
    """Register a donor."""
    if not new.name.strip():
        raise InvalidInput("name", N_("Give the donor's name."))
    rows = await Donor.insert(
        Donor(
            name=new.name.strip(),
            kind=new.kind.value,
            business_id=new.business_id,
            contact_name=new.contact_name,
            email=new.email,
            phone=new.phone,
            notes=new.notes,
        )
    ).returning(Donor.id)
    return int(rows[0]["id"])


async def _check_donation(new: NewDonation) -> None:
    if not await Donor.exists().where(Donor.id == new.donor_id):
        raise InvalidInput("donor_id", N_("There is no such donor."))
    if not await Site.exists().where(Site.id == new.site_id):
        raise InvalidInput("site_id", N_("There is no such site."))
    if new.received_on is not None and new.received_on > today():
        raise InvalidInput("received_on", N_("The date received cannot be in the future."))
    if len(new.devices) > MAX_DEVICES_PER_DONATION:
        raise InvalidInput(
            "devices",
            N_("At most {maximum} devices fit in one donation."),
            {"maximum": MAX_DEVICES_PER_DONATION},
        )


async def create_donation(engine: AnyEngine, new: NewDonation, actor: Actor) -> DonationCreated:
    """Record a donation and register all its devices, all or nothing."""
    require_site(actor, new.site_id)
    async with write_transaction(engine):
        await _check_donation(new)
        rows = await Donation.insert(
            Donation(
                donor=new.donor_id,
                site=new.site_id,
                received_on=new.received_on or today(),
                reference=new.reference.strip(),
                notes=new.notes,
                created_by=actor.user_id,
                created_at=now(),
            )
        ).returning(Donation.id)
        donation_id = int(rows[0]["id"])
        tags = [await register_device(new.site_id, donation_id, device, actor) for device in new.devices]
    return DonationCreated(donation_id, tuple(tags))


async def add_devices(
    engine: AnyEngine,
    donation_id: int,
    devices: tuple[NewDevice, ...],
    actor: Actor,
) -> tuple[str, ...]:
    """Register more devices to an existing donation, at the donation's site."""
    await reach_donation(actor, donation_id)
    if not devices:
        raise InvalidInput("devices", N_("List at least one device."))
    async with write_transaction(engine):
        donation = (
            await Donation.select(Donation.site, Donation.finalised_at)
            .where(Donation.id == donation_id)
            .first()
        )
        if donation is None:
            raise NotFound(N_("There is no such donation."))
        if donation["finalised_at"] is not None:
            raise InvalidInput("donation_id", N_("This donation is finalised; start a new donation."))
        return tuple([await register_device(donation["site"], donation_id, d, actor) for d in devices])
