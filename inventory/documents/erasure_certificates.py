"""Issuing certificates of sanitisation: one per passed erasure, or one for a device whose every disk was destroyed."""

from __future__ import annotations

from inventory.actors import Actor
from inventory.database import AnyEngine, write_transaction
from inventory.devices.queries import device_id_of
from inventory.devices.reach import NO_SUCH_ERASURE
from inventory.devices.tables import Device, Erasure
from inventory.documents.certificate_facts import destruction_facts, erasure_facts
from inventory.documents.issuing import Issued, issue_revision
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.settings import Settings

# The facts are stored when the certificate is first printed, so printing again gives the same bytes; a later
# re-verification gives a new revision.
KIND = "erasure_certificate"


async def issue_erasure_certificate(
    engine: AnyEngine,
    number: str,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """The certificate of the erasure with this number (the one printed before, if nothing changed)."""
    async with write_transaction(engine):
        erasure = await Erasure.select().where(Erasure.certificate_number == number.strip().upper()).first()
        if erasure is None:
            raise NotFound(NO_SUCH_ERASURE, {"number": number})
        if not erasure["passed"]:
            raise Conflict(
                N_("Erasure {number} did not pass, so it has no certificate. Wipe the device again."),
                {"number": erasure["certificate_number"]},
            )
        facts = await erasure_facts(dict(erasure), settings)
        return await issue_revision(
            KIND,
            f"erasure:{erasure['id']}",
            facts,
            actor,
            settings.resolved_secret_key(),
            number=erasure["certificate_number"],
        )


async def issue_destruction_certificate_in_transaction(
    device_id: int, actor: Actor, settings: Settings
) -> Issued:
    """Issue (or find) the destruction certificate of a device, inside the caller's transaction."""
    cycle = await Device.select(Device.cycle).where(Device.id == device_id).first()
    if cycle is None:
        raise NotFound(N_("No such device."))
    facts = await destruction_facts(device_id, settings)
    return await issue_revision(
        KIND,
        f"destruction:device:{device_id}:cycle:{cycle['cycle']}",
        facts,
        actor,
        settings.resolved_secret_key(),
    )


async def issue_destruction_certificate(
    engine: AnyEngine,
    asset_tag: str,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """The certificate of a device's physically destroyed disks (its erased disks have their own)."""
    async with write_transaction(engine):
        return await issue_destruction_certificate_in_transaction(
            await device_id_of(asset_tag), actor, settings
        )
