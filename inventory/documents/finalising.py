"""Finalising a donation: a coordinator closes it once every device's data is gone, and the report is issued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inventory.actors import Actor
from inventory.clock import HELSINKI, now
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device, Disk, Erasure, ErasureDisk
from inventory.documents.donation_documents import issue_report_in_transaction
from inventory.documents.erasure_certificates import issue_destruction_certificate_in_transaction
from inventory.documents.issuing import Issued
from inventory.donations.tables import Donation
from inventory.errors import Conflict, Forbidden, NotFound
from inventory.i18n import N_, gettext, ngettext
from inventory.permissions import Permission
from inventory.settings import Settings
from inventory.web import format_day


@dataclass(frozen=True)
class Missing:
    """What one device still lacks: no disks recorded, or some disks neither erased nor destroyed."""

    asset_tag: str
    disk_count: int
    uncovered: int


class NotSanitised(Conflict):
    """Refusal to finalise: names every device that still lacks a passed erasure or a destruction."""

    def __init__(self, missing: tuple[Missing, ...]) -> None:
        super().__init__(
            N_("The donation cannot be finalised yet: {devices}."), code="donation_not_sanitised"
        )
        self.missing = missing

    def text(self, language: str | None = None) -> str:
        """The refusal with each device and what it lacks, in the given (or the current) language."""
        parts = []
        for entry in self.missing:
            if entry.disk_count == 0:
                lacks = gettext(N_("no disks recorded, so nothing shows its data is gone"), language)
            elif entry.uncovered == entry.disk_count:
                lacks = gettext(N_("no passed erasure and no recorded destruction"), language)
            else:
                lacks = ngettext(
                    "{count} disk neither erased nor destroyed",
                    "{count} disks neither erased nor destroyed",
                    entry.uncovered,
                    language,
                ).format(count=entry.uncovered)
            parts.append(f"{entry.asset_tag} ({lacks})")
        return gettext(self.message, language).format(devices="; ".join(parts))


async def sanitisation_gaps(donation_id: int) -> tuple[Missing, ...]:
    """The devices of a donation whose disks are not all covered by a passed erasure or a destruction."""
    devices = (
        await Device.select(Device.id, Device.asset_tag)
        .where(Device.donation == donation_id)
        .order_by(Device.id)
    )
    ids = [device["id"] for device in devices]
    if not ids:
        return ()
    disks = await Disk.select(Disk.id, Disk.device, Disk.destroyed_at).where(Disk.device.is_in(ids))
    erased = {
        row["disk"]
        for row in await ErasureDisk.select(ErasureDisk.disk).where(
            ErasureDisk.disk.device.is_in(ids)
            & (ErasureDisk.erasure.passed == True)  # noqa: E712 - Piccolo builds SQL from this comparison
            & (ErasureDisk.verified == True)  # noqa: E712
        )
    }
    by_device: Mapping[int, list[dict[str, object]]] = {device_id: [] for device_id in ids}
    for disk in disks:
        by_device[int(disk["device"])].append(disk)
    missing = []
    for device in devices:
        own = by_device[device["id"]]
        uncovered = sum(1 for disk in own if disk["id"] not in erased and disk["destroyed_at"] is None)
        if not own or uncovered:
            missing.append(Missing(device["asset_tag"], len(own), uncovered))
    return tuple(missing)


async def finalise_donation(
    engine: AnyEngine,
    donation_id: int,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """Close a donation whose every device has a passed erasure or destroyed disks, and issue its
    final report listing each device's certificate number; refused with the devices that lack one."""
    if not actor.may(Permission.DONOR_MANAGE):
        raise Forbidden(N_("Only a coordinator can finalise a donation."))
    async with write_transaction(engine):
        donation = await Donation.select(Donation.finalised_at).where(Donation.id == donation_id).first()
        if donation is None:
            raise NotFound(N_("There is no such donation."))
        if donation["finalised_at"] is not None:
            raise Conflict(
                N_("This donation was finalised on {date}; print its final report again instead."),
                {"date": format_day(donation["finalised_at"].astimezone(HELSINKI).date())},
            )
        if not await Device.exists().where(Device.donation == donation_id):
            raise Conflict(N_("This donation has no devices, so there is nothing to finalise."))
        missing = await sanitisation_gaps(donation_id)
        if missing:
            raise NotSanitised(missing)
        devices = await Device.select(Device.id).where(Device.donation == donation_id)
        erased_devices = {
            row["device"]
            for row in await Erasure.select(Erasure.device).where(
                Erasure.device.is_in([device["id"] for device in devices]) & (Erasure.passed == True)  # noqa: E712
            )
        }
        for device in devices:
            if device["id"] not in erased_devices:
                # Every disk was destroyed: the device's certificate is the destruction certificate.
                await issue_destruction_certificate_in_transaction(device["id"], actor, settings)
        updated = (
            await Donation.update({Donation.finalised_at: now(), Donation.finalised_by: actor.user_id})
            .where((Donation.id == donation_id) & Donation.finalised_at.is_null())
            .returning(Donation.id)
        )
        if not updated:
            raise Conflict(N_("Someone else finalised this donation at the same moment."))
        return await issue_report_in_transaction(donation_id, actor, settings)
