"""The donation receipt, finalisation by a coordinator (refused in plain words until all is erased) and
the final report with every device's certificate number."""

from __future__ import annotations

from typing import Any

import httpx

from inventory.devices.tables import Disk, Erasure
from inventory.donations.tables import Donation
from inventory.i18n import Language
from inventory.permissions import Role
from tests import factories
from tests.documents.helpers import pdf_text, wipe


async def test_the_receipt_lists_every_device_and_reprints_the_same(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=2)
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    url = f"/api/v1/donations/{created.id}/receipt"
    first = await client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "no-store"
    assert 'filename="donation-receipt-D-' in first.headers["content-disposition"]
    text = pdf_text(first.content)
    assert "Donation receipt" in text
    for tag in created.asset_tags:
        assert tag in text
    assert "0 of 2 so far" in text
    assert (await client.get(url, headers=headers)).content == first.content
    # An erasure changes what the receipt states: a new revision under the same number.
    trainee = await factories.user(Role.TRAINEE)
    number = await wipe(db, created.asset_tags[0], trainee)
    revised = pdf_text((await client.get(url, headers=headers)).content)
    assert number in revised
    assert "1 of 2 so far" in revised
    receipt_number = text.split("D-")[1][:11]
    assert f"D-{receipt_number}-R2" in revised


async def test_only_a_coordinator_finalises_and_a_refusal_names_each_device_and_what_it_lacks(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=3)
    first, second, third = created.asset_tags
    trainee = await factories.user(Role.TRAINEE)
    await wipe(db, first, trainee)
    await Disk.delete().where(Disk.device.asset_tag == third)  # type: ignore[union-attr]
    url = f"/api/v1/donations/{created.id}/finalise"
    refused_role = await client.post(url, headers=await headers_for(Role.TRAINEE))
    assert refused_role.status_code == 403
    coordinator = await headers_for(Role.COORDINATOR, language=Language.EN)
    refused = await client.post(url, headers=coordinator)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert first not in detail
    assert f"{second} (no passed erasure and no recorded destruction)" in detail
    assert f"{third} (no disks recorded" in detail
    fi = await client.post(url, headers=await headers_for(Role.COORDINATOR, language=Language.FI))
    assert second in fi.json()["detail"]
    assert "no passed erasure" not in fi.json()["detail"]
    assert (await Donation.select(Donation.finalised_at).first() or {}).get("finalised_at") is None
    report = await client.get(f"/api/v1/donations/{created.id}/report", headers=coordinator)
    assert report.status_code == 409
    assert "not finalised yet" in report.json()["detail"]


async def test_the_final_report_lists_each_device_with_its_certificate_number(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=2)
    first, second = created.asset_tags
    trainee = await factories.user(Role.TRAINEE)
    number = await wipe(db, first, trainee)
    disk = await Disk.select(Disk.id).where(Disk.device.asset_tag == second).first()  # type: ignore[union-attr]
    assert disk is not None
    await factories.user(Role.TRAINEE, username="witness.w")
    destroyed = await client.post(
        f"/api/v1/devices/{second}/disks/{disk['id']}/destroyed",
        json={"method": "shred", "witness_username": "witness.w"},
        headers={"Authorization": f"Bearer {await factories.token(trainee)}"},
    )
    assert destroyed.status_code == 200, destroyed.text
    coordinator = await headers_for(Role.COORDINATOR, language=Language.EN)
    finalised = await client.post(f"/api/v1/donations/{created.id}/finalise", headers=coordinator)
    assert finalised.status_code == 200, finalised.text
    body = finalised.json()
    assert body["report_number"].startswith("R-")
    again = await client.post(f"/api/v1/donations/{created.id}/finalise", headers=coordinator)
    assert again.status_code == 409
    report = await client.get(body["pdf_url"], headers=coordinator)
    assert report.status_code == 200
    assert f'filename="donation-report-{body["report_number"]}.pdf"' in report.headers["content-disposition"]
    text = pdf_text(report.content)
    assert "Donation report" in text
    assert number in text
    destruction = await client.get(f"/api/v1/devices/{second}/certificates", headers=coordinator)
    assert [entry["kind"] for entry in destruction.json()] == ["destruction"]
    assert await Erasure.count() == 1
    numbers = [part for part in text.split() if part.startswith("E-")]
    assert len(set(numbers)) >= 2, "the destroyed device has its own certificate number"
    assert (await client.get(body["pdf_url"], headers=coordinator)).content == report.content
    verdict = await client.get(
        f"/api/v1/verify/{body['verification_code']}", headers={"accept-language": "en"}
    )
    assert verdict.json()["verdict"] == "genuine"
    assert verdict.json()["kind_label"] == "Donation report"
    added = await client.post(
        f"/api/v1/donations/{created.id}/devices",
        json={"devices": [{"make": "HP", "model": "ProBook"}]},
        headers=coordinator,
    )
    assert added.status_code == 422


async def test_the_donation_page_shows_status_and_finalises(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    coordinator = {**await headers_for(Role.COORDINATOR, language=Language.EN), "accept": "text/html"}
    page = await client.get(f"/donations/{created.id}/documents", headers=coordinator)
    assert page.status_code == 200
    assert "not yet erased" in page.text
    refused = await client.post(f"/donations/{created.id}/finalise", headers=coordinator)
    assert refused.status_code == 409
    assert created.asset_tags[0] in refused.text
    await wipe(db, created.asset_tags[0], await factories.user(Role.TRAINEE))
    done = await client.post(f"/donations/{created.id}/finalise", headers=coordinator)
    assert done.status_code == 303
    final = await client.get(done.headers["location"], headers=coordinator)
    assert "Final donor report" in final.text


def test_a_receipt_with_every_number_is_still_a_receipt_until_the_donation_is_finalised() -> None:
    from datetime import date

    import pytest

    from labels import CertificateMark, DonatedDevice, DonationReceipt, render_donation_receipt
    from labels import Device as Listed

    devices = (DonatedDevice(Listed("JNS-000001-3", "Lenovo", "T480", "PF1"), "E-2026-000001"),)
    base = {
        "mark": CertificateMark(
            "D-2026-000001", "D-2026-000001.ABCDEFGHIJKLMNOP", "https://k.example/verify/x"
        ),
        "donor_name": "Lahjoittaja Oy",
        "received_on": date(2026, 1, 5),
        "organisation": "Kierto ry",
        "site_name": "Joensuu",
        "received_by": "Maija",
        "devices": devices,
    }
    receipt = DonationReceipt(**base, final=False)
    assert not receipt.is_final
    assert "Donation receipt" in pdf_text(render_donation_receipt(receipt, "en"))
    assert DonationReceipt(**base).is_final, "without the flag, every number filled in means final"
    pending = (DonatedDevice(Listed("JNS-000002-1", "HP", "840", "CN2"), ""),)
    with pytest.raises(ValueError, match="every device"):
        DonationReceipt(**{**base, "devices": devices + pending}, final=True)
