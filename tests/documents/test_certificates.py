"""Certificates of sanitisation from the rows: every Appendix G field, reprinted the same, revised when re-verified."""

from __future__ import annotations

from typing import Any

import httpx

from inventory.devices.editing import add_disk
from inventory.devices.intake import NewDisk
from inventory.devices.tables import Device, Disk
from inventory.i18n import Language
from inventory.permissions import Role
from tests import factories
from tests.documents.helpers import decoded_symbols, pdf_text, wipe

BASE_URL = "http://127.0.0.1:8000"


async def _wiped(db: Any, language: Language = Language.FI) -> tuple[str, str, Any]:
    created = await factories.donation(db, devices=1)
    operator = await factories.user(Role.TRAINEE, username="matti.m", language=language)
    number = await wipe(db, created.asset_tags[0], operator)
    return created.asset_tags[0], number, operator


async def test_the_certificate_states_the_appendix_g_fields_from_the_rows(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    tag, number, _ = await _wiped(db)
    headers = await headers_for(Role.TRAINEE)
    response = await client.get(f"/api/v1/erasures/{number}/certificate?language=en", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert f'filename="sanitisation-certificate-{number}.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content)
    device = await Device.select(Device.serial, Device.donation.donor.name.as_alias("donor")).first()  # type: ignore[union-attr]
    disk = await Disk.select(Disk.serial).first()
    assert device is not None
    assert disk is not None
    for expected in (
        "Certificate of sanitisation",
        "Matti.M",  # the operator's display name
        "Joensuu",  # location: the site
        tag,
        "Lenovo",
        "ThinkPad T480",
        device["serial"],
        device["donor"],  # source: the donor
        disk["serial"],
        "NVMe solid-state drive",
        "Clear",
        "Overwrite",
        "kierto-wipe 1.0",
        "Full read-back of every sector",
        "Passed",
        "Reuse outside the organisation",
        "Esihenkilo",  # the coordinator who signed it off, with their title
        "Työvalmentaja",
        number,
    ):
        assert expected in text, expected
    symbols = decoded_symbols(response.content, dpi=200)
    codes = [symbol["QR Code"] for symbol in symbols if "QR Code" in symbol]
    assert len(codes) == 1
    assert codes[0].startswith(f"{BASE_URL}/verify/{number}.")


async def test_printing_again_gives_the_same_bytes_and_a_re_verification_a_new_revision(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    _, number, _ = await _wiped(db)
    headers = await headers_for(Role.TRAINEE)
    url = f"/api/v1/erasures/{number}/certificate"
    first = await client.get(url, headers=headers)
    again = await client.get(url, headers=headers)
    assert first.status_code == 200
    assert first.content == again.content
    assert "Tyhjennystodistus" in pdf_text(first.content) or "todistus" in pdf_text(first.content).lower()
    assert 'filename="tyhjennystodistus-' in first.headers["content-disposition"]
    pekka = await factories.user(Role.COORDINATOR, username="pekka.v")
    checker = {"Authorization": f"Bearer {await factories.token(pekka)}"}
    again_checked = await client.post(
        f"/api/v1/erasures/{number}/reverification",
        json={"result": "passed", "method": "sampling of 5 % of the sectors"},
        headers=checker,
    )
    assert again_checked.status_code == 200, again_checked.text
    revised = await client.get(url, headers=headers)
    assert revised.content != first.content
    text = pdf_text(revised.content)
    assert f"{number}-R2" in text
    assert "Pekka.V" in text
    assert revised.content == (await client.get(url, headers=headers)).content
    old_code = next(s["QR Code"] for s in decoded_symbols(first.content, 200) if "QR Code" in s)
    new_code = next(s["QR Code"] for s in decoded_symbols(revised.content, 200) if "QR Code" in s)
    for code_url in (old_code, new_code):
        verdict = await client.get(code_url.removeprefix(BASE_URL).replace("/verify/", "/api/v1/verify/"))
        assert verdict.json()["verdict"] == "genuine"
    newer = await client.get(new_code.removeprefix(BASE_URL).replace("/verify/", "/api/v1/verify/"))
    assert [f["lines"] for f in newer.json()["summary"] if f["name"] == "reverification"] == [["Hyväksytty"]]


async def _destroy(
    client: httpx.AsyncClient, tag: str, disk_id: int, headers: Any, method: str = "shred"
) -> None:
    await factories.user(Role.COORDINATOR, username="elise.l")
    body = {"method": method, "witness_username": "elise.l", "recycler_reference": "Kuusakoski 2026-118"}
    done = await client.post(f"/api/v1/devices/{tag}/disks/{disk_id}/destroyed", json=body, headers=headers)
    assert done.status_code == 200, done.text


async def test_a_device_with_one_disk_destroyed_through_the_api_and_one_erased_gets_both_certificates(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    tag = created.asset_tags[0]
    trainee = await factories.user(Role.TRAINEE, username="asa.o")
    headers = await headers_for(Role.TRAINEE, language=Language.SV)
    broken = await add_disk(
        db, tag, NewDisk(model="ST1000LM035", serial="WDE1XYZ9", size_bytes=10**12), trainee
    )
    await _destroy(client, tag, broken, headers)
    number = await wipe(db, tag, trainee)
    listed = (await client.get(f"/api/v1/devices/{tag}/certificates", headers=headers)).json()
    assert sorted(entry["kind"] for entry in listed) == ["destruction", "erasure"]
    assert all(entry["waiting_for"] == "" for entry in listed)
    for entry in listed:
        response = await client.get(entry["pdf_url"], headers=headers)
        assert response.status_code == 200, (entry, response.text)
        text = pdf_text(response.content)
        assert "WDE1XYZ9" in text
        assert "Elise.L" in text, "the witness"
        assert "Kuusakoski 2026-118" in text, "the recycler's reference"
        assert "Strimlad" in text, "how it was destroyed"
    erasure_text = pdf_text(
        (await client.get(f"/api/v1/erasures/{number}/certificate", headers=headers)).content
    )
    assert "Asa.O" in erasure_text


async def test_a_device_whose_every_disk_was_destroyed_has_a_destruction_certificate(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    tag = created.asset_tags[0]
    disk = await Disk.select(Disk.id).first()
    assert disk is not None
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    before = await client.get(f"/api/v1/devices/{tag}/destruction-certificate", headers=headers)
    assert before.status_code == 409
    assert "No disk" in before.json()["detail"]
    await _destroy(client, tag, disk["id"], headers, method="pulverize")
    listed = (await client.get(f"/api/v1/devices/{tag}/certificates", headers=headers)).json()
    assert [entry["kind"] for entry in listed] == ["destruction"]
    response = await client.get(listed[0]["pdf_url"], headers=headers)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Destroy" in text
    assert "Pulverised" in text
    assert "Elise.L" in text
    assert "Recycling facility" in text
    assert response.content == (await client.get(listed[0]["pdf_url"], headers=headers)).content


async def test_a_certificate_waits_for_sign_off_and_a_flash_warning_for_a_coordinators_reason(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    tag = created.asset_tags[0]
    operator = await factories.user(Role.COORDINATOR, username="olli.o")
    number = await wipe(db, tag, operator, signed_off=False)
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    listed = (await client.get(f"/api/v1/devices/{tag}/certificates", headers=headers)).json()
    assert [entry["waiting_for"] for entry in listed] == ["warning"], "NVMe cleared, going outside"
    refused = await client.get(f"/api/v1/erasures/{number}/certificate", headers=headers)
    assert refused.status_code == 409
    assert "Purge" in refused.json()["detail"]
    coordinator = await headers_for(Role.COORDINATOR, language=Language.EN)
    url = f"/api/v1/erasures/{number}/warning-acceptance"
    assert (await client.post(url, json={"reason": "x"}, headers=headers)).status_code == 403
    accepted = await client.post(
        url, json={"reason": "Stays with a client of our own network."}, headers=coordinator
    )
    assert accepted.status_code == 200, accepted.text
    assert (await client.get(f"/api/v1/erasures/{number}/certificate", headers=headers)).status_code == 409
    own = await client.post(
        "/api/v1/erasures/sign-off",
        json={"numbers": [number], "title": "Koordinaattori"},
        headers={"Authorization": f"Bearer {await factories.token(operator)}"},
    )
    assert own.status_code == 409, "nobody signs off their own erasure"
    waiting = (await client.get("/api/v1/erasures/sign-off", headers=coordinator)).json()
    assert [row["certificate_number"] for row in waiting] == [number]
    signed = await client.post(
        "/api/v1/erasures/sign-off",
        json={"numbers": [number], "title": "Koordinaattori"},
        headers=coordinator,
    )
    assert signed.json() == {"signed_off": 1}
    text = pdf_text((await client.get(f"/api/v1/erasures/{number}/certificate", headers=headers)).content)
    assert "Koordinaattori" in text
    assert "Stays with a client of our own network." in text
    assert (await client.get("/api/v1/erasures/sign-off", headers=coordinator)).json() == []


async def test_no_certificate_for_a_failed_or_unknown_erasure(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    unknown = await client.get("/api/v1/erasures/E-1999-000001/certificate", headers=headers)
    assert unknown.status_code == 404
    assert "E-1999-000001" in unknown.json()["detail"]
    counsellor = await headers_for(Role.COUNSELLOR)
    assert (
        await client.get("/api/v1/erasures/E-1999-000001/certificate", headers=counsellor)
    ).status_code == 403
