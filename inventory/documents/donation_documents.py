"""The donation receipt for the donor and, once a coordinator has finalised the donation, the final report.

The receipt lists every device received with the certificate numbers known when it is printed; the
same state of the donation gives the same receipt, a changed one a new revision under the same
number. The final report is issued once, when the donation is finalised, and lists every device
with its certificate number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.clock import HELSINKI
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device, Erasure
from inventory.documents.erasure_certificates import KIND as CERTIFICATE_KIND
from inventory.documents.issuing import REVISION_MARK, Issued, find_issued, issue, issue_revision
from inventory.documents.summary import build_summary
from inventory.documents.tables import IssuedDocument
from inventory.donations.tables import Donation
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.settings import Settings
from labels import CertificateMark, DonatedDevice, DonationReceipt, render_donation_receipt
from labels import Device as DonatedDeviceRecord

RECEIPT_KIND = "donation_receipt"
REPORT_KIND = "donation_report"


async def certificate_numbers(device_ids: list[int]) -> dict[int, list[str]]:
    """Each device's certificates of sanitisation: the passed erasures of the first cycle that has
    one (the erasure that removed the donor's data), or the certificate of its destroyed disks."""
    if not device_ids:
        return {}
    erasures = (
        await Erasure.select(Erasure.device, Erasure.cycle, Erasure.certificate_number)
        .where(Erasure.device.is_in(device_ids) & (Erasure.passed == True))  # noqa: E712
        .order_by(Erasure.id)
    )
    first_cycle: dict[int, int] = {}
    for row in erasures:
        first_cycle.setdefault(row["device"], row["cycle"])
    numbers: dict[int, list[str]] = defaultdict(list)
    for row in erasures:
        if row["cycle"] == first_cycle[row["device"]]:
            numbers[row["device"]].append(row["certificate_number"])
    for device_id in device_ids:
        if device_id not in numbers:
            issued = await destruction_certificate_number(device_id)
            if issued:
                numbers[device_id].append(issued)
    return dict(numbers)


async def destruction_certificate_number(device_id: int) -> str | None:
    """The number of a destruction certificate issued for the device, if any (first revision's)."""
    prefix = f"{CERTIFICATE_KIND}:destruction:device:{device_id}:"
    rows = (
        await IssuedDocument.select(IssuedDocument.key, IssuedDocument.number)
        .where(IssuedDocument.key.like(prefix + "%"))
        .order_by(IssuedDocument.id)
    )
    rows = [row for row in rows if row["key"].startswith(prefix)]
    return str(rows[0]["number"]).split(REVISION_MARK)[0] if rows else None


async def _donation(donation_id: int) -> dict[str, Any]:
    row = (
        await Donation.select(
            Donation.id,
            Donation.received_on,
            Donation.created_by,
            Donation.finalised_at,
            Donation.donor.name.as_alias("donor_name"),
            Donation.donor.business_id.as_alias("business_id"),
            Donation.site.name.as_alias("site_name"),
        )
        .where(Donation.id == donation_id)
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such donation."))
    return dict(row)


async def donation_devices(donation_id: int) -> list[dict[str, Any]]:
    """The devices of a donation in intake order."""
    return list(
        await Device.select(Device.id, Device.asset_tag, Device.make, Device.model, Device.serial)
        .where(Device.donation == donation_id)
        .order_by(Device.id)
    )


async def donation_facts(donation_id: int, settings: Settings, final: bool) -> dict[str, Any]:
    """What the receipt (or, final, the report) states about a donation, from the rows as they are now."""
    donation = await _donation(donation_id)
    devices = await donation_devices(donation_id)
    if not devices:
        raise Conflict(N_("This donation has no devices yet, so there is nothing to give a receipt for."))
    numbers = await certificate_numbers([device["id"] for device in devices])
    received_by = settings.organisation_name
    if donation["created_by"] is not None:
        user = await User.select(User.display_name).where(User.id == donation["created_by"]).first()
        received_by = user["display_name"] if user else received_by
    listed = [
        {
            "asset_tag": device["asset_tag"],
            "make": device["make"],
            "model": device["model"],
            "serial": device["serial"] or "",
            "certificate_number": ", ".join(numbers.get(device["id"], [])),
        }
        for device in devices
    ]
    document = {
        "donor_name": donation["donor_name"],
        "donor_details": donation["business_id"] or "",
        "received_on": donation["received_on"].isoformat(),
        "organisation": settings.organisation_name,
        "site_name": donation["site_name"],
        "received_by": received_by,
        "devices": listed,
        "final": final,
    }
    # The public summary leaves the donor out: a donor may be a private person.
    summary = build_summary(
        date=document["received_on"],
        device_count=len(listed),
        asset_tags=[device["asset_tag"] for device in listed],
        certified_count=sum(1 for device in listed if device["certificate_number"]),
        site=donation["site_name"],
        organisation=settings.organisation_name,
    )
    return {"summary": summary, "document": document}


async def issue_receipt(
    engine: AnyEngine,
    donation_id: int,
    actor: Actor,
    settings: Settings,
) -> Issued:
    """The donation's receipt as the donation stands now (the same one as before if nothing changed)."""
    async with write_transaction(engine):
        facts = await donation_facts(donation_id, settings, final=False)
        return await issue_revision(
            RECEIPT_KIND, f"donation:{donation_id}", facts, actor, settings.resolved_secret_key()
        )


async def issue_report_in_transaction(donation_id: int, actor: Actor, settings: Settings) -> Issued:
    """Issue the final report of a donation, inside the finalising transaction."""
    facts = await donation_facts(donation_id, settings, final=True)
    return await issue(REPORT_KIND, f"donation:{donation_id}", facts, actor, settings.resolved_secret_key())


async def final_report(donation_id: int) -> Issued:
    """The final report issued when the donation was finalised; refused before that."""
    donation = await _donation(donation_id)
    report = await find_issued(f"{REPORT_KIND}:donation:{donation_id}")
    if donation["finalised_at"] is None or report is None:
        raise Conflict(
            N_(
                "This donation is not finalised yet. A coordinator finalises it once every device "
                "in it has been erased; then the final report can be printed."
            )
        )
    return report


def receipt_model(issued: Issued, base_url: str) -> DonationReceipt:
    """The labels library's receipt (or report) from the stored facts."""
    document = issued.facts["document"]
    issued_at: dt.datetime = issued.issued_at
    return DonationReceipt(
        mark=CertificateMark(issued.number, issued.code, f"{base_url}/verify/{issued.code}"),
        donor_name=document["donor_name"],
        donor_details=document["donor_details"],
        received_on=dt.date.fromisoformat(document["received_on"]),
        organisation=document["organisation"],
        site_name=document["site_name"],
        received_by=document["received_by"],
        devices=tuple(
            DonatedDevice(
                DonatedDeviceRecord(device["asset_tag"], device["make"], device["model"], device["serial"]),
                certificate_number=device["certificate_number"],
            )
            for device in document["devices"]
        ),
        issued_on=issued_at.astimezone(HELSINKI).date(),
        final=bool(document["final"]),
    )


def render_receipt(issued: Issued, language: str, base_url: str) -> bytes:
    """The receipt's or report's PDF in fi, sv or en; the same facts always give the same bytes."""
    return render_donation_receipt(receipt_model(issued, base_url), language)
