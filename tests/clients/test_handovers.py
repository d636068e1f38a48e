"""Handover (gift) and loan through the lifecycle guards, the agreement PDF with signatures, returns and
overdue loans."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import httpx
import pytest
from PIL import Image

from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, Signing, hand_over, hand_over_signed
from inventory.clients.reservations import reserve_device
from inventory.clients.signatures import MAX_SIDE, MIN_SIDE
from inventory.clients.tables import Handover
from inventory.clock import today
from inventory.database import is_sqlite
from inventory.devices.tables import Device, DeviceEvent
from inventory.i18n import Language, gettext
from inventory.permissions import Role
from inventory.settings import get_settings
from tests.clients.helpers import NAME, bearer, log_rows, new_client, person, ready_device, signature_png
from tests.labels.pdf_reading import all_text, image_count


async def _reserved(db: Any, counsellor: Any, **client_options: Any) -> tuple[int, str]:
    client_id = await new_client(db, counsellor, **client_options)
    tag = await ready_device(db)
    await reserve_device(db, client_id, tag, counsellor, get_settings())
    return client_id, tag


def _gift(tag: str, **changes: Any) -> dict[str, Any]:
    return {"asset_tag": tag, "kind": "gift", "accessories": ["charger", "mouse"], **changes}


def _loan(tag: str, days: int = 60, **changes: Any) -> dict[str, Any]:
    due = (today() + dt.timedelta(days=days)).isoformat()
    return {
        "asset_tag": tag,
        "kind": "loan",
        "due_on": due,
        "accessories": ["charger", "Hiirimatto"],
        **changes,
    }


async def _device(tag: str) -> dict[str, Any]:
    row = (
        await Device.select(
            Device.state, Device.reserved_for, Device.holder, Device.cycle, Device.loan_due_on
        )
        .where(Device.asset_tag == tag)
        .first()
    )
    assert row is not None
    return dict(row)


async def test_a_gift_hands_the_device_over_and_numbers_the_certificate(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    response = await api.post(
        f"/api/v1/clients/{client_id}/handovers", json=_gift(tag), headers=await bearer(counsellor)
    )
    assert response.status_code == 201, response.text
    handover = response.json()
    assert (handover["kind"], handover["asset_tag"], handover["due_on"]) == ("gift", tag, None)
    assert handover["document_number"].startswith("H-")
    assert handover["accessories"] == ["charger", "mouse"]
    assert NAME not in response.text
    device = await _device(tag)
    assert (device["state"], device["holder"], device["reserved_for"]) == ("handed_over", client_id, None)
    event = (
        await DeviceEvent.select(DeviceEvent.details)
        .where(DeviceEvent.action == "hand_over")
        .output(load_json=True)
        .first()
    )
    assert event is not None
    assert event["details"] == {"accessories": ["charger", "mouse"], "client_id": client_id}


async def test_only_to_the_client_it_is_reserved_for(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    _, tag = await _reserved(db, counsellor)
    other = await new_client(db, counsellor, name="Toinen Asiakas")
    response = await api.post(
        f"/api/v1/clients/{other}/handovers", json=_gift(tag), headers=await bearer(counsellor)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "reserved_for_other"
    assert (await _device(tag))["state"] == "reserved"
    assert await Handover.count() == 0


async def test_not_before_the_orientation_is_complete_unless_a_coordinator_overrides(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor, oriented=False)
    path = f"/api/v1/clients/{client_id}/handovers"
    refused = await api.post(path, json=_gift(tag), headers=await bearer(counsellor))
    assert (refused.status_code, refused.json()["code"]) == (409, "orientation_incomplete")
    not_allowed = await api.post(
        path, json=_gift(tag, override_reason="kiire"), headers=await bearer(counsellor)
    )
    assert (not_allowed.status_code, not_allowed.json()["code"]) == (409, "override_not_allowed")
    coordinator = await person(Role.COORDINATOR)
    hetu = await api.post(
        path, json=_gift(tag, override_reason="hetu 131052-308T"), headers=await bearer(coordinator)
    )
    assert (hetu.status_code, hetu.json()["field"]) == (422, "override_reason")
    allowed = await api.post(
        path,
        json=_gift(tag, override_reason="Työhaastattelu ensi viikolla"),
        headers=await bearer(coordinator),
    )
    assert allowed.status_code == 201, allowed.text
    event = (
        await DeviceEvent.select(DeviceEvent.reason, DeviceEvent.details)
        .where(DeviceEvent.action == "hand_over")
        .output(load_json=True)
        .first()
    )
    assert event is not None
    assert event["reason"] == "Työhaastattelu ensi viikolla"
    assert event["details"]["override_reason"] == "Työhaastattelu ensi viikolla"


async def test_a_loan_needs_a_due_date_after_today(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    headers = await bearer(counsellor)
    path = f"/api/v1/clients/{client_id}/handovers"
    missing = await api.post(path, json=_loan(tag, due_on=None), headers=headers)
    assert (missing.status_code, missing.json()["field"]) == (422, "due_on")
    past = await api.post(path, json=_loan(tag, days=0), headers=headers)
    assert (past.status_code, past.json()["field"]) == (422, "due_on")
    gift_with_date = await api.post(
        path, json=_gift(tag, due_on=(today() + dt.timedelta(days=5)).isoformat()), headers=headers
    )
    assert (gift_with_date.status_code, gift_with_date.json()["field"]) == (422, "due_on")
    lent = await api.post(path, json=_loan(tag), headers=headers)
    assert lent.status_code == 201
    device = await _device(tag)
    assert (device["state"], device["loan_due_on"]) == ("on_loan", today() + dt.timedelta(days=60))


async def test_the_agreement_is_in_the_clients_language_with_the_signatures(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor, language=Language.SV)
    headers = await bearer(counsellor)
    handover = (
        await api.post(f"/api/v1/clients/{client_id}/handovers", json=_loan(tag), headers=headers)
    ).json()
    unsigned = await api.get(f"/api/v1/handovers/{handover['id']}/document.pdf", headers=headers)
    assert unsigned.status_code == 200
    assert unsigned.headers["cache-control"] == "no-store"
    assert NAME not in unsigned.headers["content-disposition"]
    text = all_text(unsigned.content)
    assert "Låneavtal" in text
    assert NAME in text
    assert tag in text
    assert "Laddare" in text  # the charger, in Swedish
    assert "Hiirimatto" in text  # typed in, printed as typed
    assert image_count(unsigned.content) == 0
    files = {
        "client_signature": ("client.png", signature_png(1), "image/png"),
        "counsellor_signature": ("counsellor.png", signature_png(2), "image/png"),
    }
    signed = await api.post(f"/api/v1/handovers/{handover['id']}/signatures", files=files, headers=headers)
    assert signed.status_code == 204, signed.text
    pdf = await api.get(f"/api/v1/handovers/{handover['id']}/document.pdf", headers=headers)
    assert image_count(pdf.content) == 2
    assert handover["document_number"] in all_text(pdf.content)
    again = await api.post(f"/api/v1/handovers/{handover['id']}/signatures", files=files, headers=headers)
    assert again.status_code == 409
    paper = await api.post(f"/api/v1/handovers/{handover['id']}/signed-on-paper", headers=headers)
    assert paper.status_code == 409
    prints = [r for r in await log_rows(client_id) if r["action"] == "print"]
    assert [r["detail"] for r in prints] == [handover["document_number"]] * 2


async def test_a_gift_certificate_in_finnish(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    headers = await bearer(counsellor)
    handover = (
        await api.post(f"/api/v1/clients/{client_id}/handovers", json=_gift(tag), headers=headers)
    ).json()
    text = all_text(
        (await api.get(f"/api/v1/handovers/{handover['id']}/document.pdf", headers=headers)).content
    )
    assert "Luovutustodistus" in text
    assert "Laturi" in text


async def test_bad_signatures_are_refused(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    headers = await bearer(counsellor)
    handover = (
        await api.post(f"/api/v1/clients/{client_id}/handovers", json=_gift(tag), headers=headers)
    ).json()
    blank = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 0, 0, 0)).save(blank, format="PNG")
    jpeg = io.BytesIO()
    Image.new("RGB", (600, 200), (0, 0, 0)).save(jpeg, format="JPEG")
    for bad, message in (
        (blank.getvalue(), "The signature is empty. Sign in the box."),
        (jpeg.getvalue(), "A signature must be a PNG image."),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "A signature must be a PNG image."),
        (signature_png(size=(10, 10)), "A signature image is {low} to {high} pixels wide and high."),
    ):
        files = {
            "client_signature": ("c.png", bad, "image/png"),
            "counsellor_signature": ("s.png", signature_png(), "image/png"),
        }
        response = await api.post(
            f"/api/v1/handovers/{handover['id']}/signatures", files=files, headers=headers
        )
        assert response.status_code == 422, message
        assert response.json()["field"] == "client_signature"
        assert response.json()["detail"] == gettext(message, "fi").format(low=MIN_SIDE, high=MAX_SIDE)
    row = await Handover.select(Handover.signed_at).first()
    assert row == {"signed_at": None}


async def test_paper_signing_is_recorded(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    headers = await bearer(counsellor)
    handover = (
        await api.post(f"/api/v1/clients/{client_id}/handovers", json=_gift(tag), headers=headers)
    ).json()
    assert (
        await api.post(f"/api/v1/handovers/{handover['id']}/signed-on-paper", headers=headers)
    ).status_code == 204
    shown = (await api.get(f"/api/v1/handovers/{handover['id']}", headers=headers)).json()
    assert shown["signed_on_paper_at"] is not None
    assert shown["signed_at"] is None


async def test_a_returned_loan_goes_back_to_received_with_its_condition_and_accessories(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    headers = await bearer(counsellor)
    handover = (
        await api.post(f"/api/v1/clients/{client_id}/handovers", json=_loan(tag), headers=headers)
    ).json()
    cycle = (await _device(tag))["cycle"]
    unknown = await api.post(
        f"/api/v1/handovers/{handover['id']}/return",
        json={"condition_notes": "", "accessories_returned": ["bag"]},
        headers=headers,
    )
    assert (unknown.status_code, unknown.json()["field"]) == (422, "accessories")
    response = await api.post(
        f"/api/v1/handovers/{handover['id']}/return",
        json={"condition_notes": "Näytössä naarmu", "accessories_returned": ["charger"]},
        headers=headers,
    )
    assert response.status_code == 204, response.text
    device = await _device(tag)
    assert (device["state"], device["holder"], device["cycle"], device["loan_due_on"]) == (
        "received",
        None,
        cycle + 1,
        None,
    )
    row = (
        await Handover.select(
            Handover.returned_on, Handover.return_condition_notes, Handover.accessories_returned
        )
        .output(load_json=True)
        .first()
    )
    assert row == {
        "returned_on": today(),
        "return_condition_notes": "Näytössä naarmu",
        "accessories_returned": ["charger"],
    }
    event = (
        await DeviceEvent.select(DeviceEvent.details)
        .where(DeviceEvent.action == "return")
        .output(load_json=True)
        .first()
    )
    assert event is not None
    assert event["details"] == {
        "condition_notes": "Näytössä naarmu",
        "accessories_returned": ["charger"],
        "accessories_missing": ["Hiirimatto"],
    }
    again = await api.post(f"/api/v1/handovers/{handover['id']}/return", json={}, headers=headers)
    assert again.status_code == 409


async def test_a_gift_does_not_come_back(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    handover_id = await hand_over(
        db, client_id, HandoverRequest(tag, HandoverKind.GIFT), counsellor, get_settings()
    )
    response = await api.post(
        f"/api/v1/handovers/{handover_id}/return", json={}, headers=await bearer(counsellor)
    )
    assert response.status_code == 409


async def test_overdue_loans_are_listed_and_can_be_extended(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    settings = get_settings()
    client_id, late_tag = await _reserved(db, counsellor)
    late = await hand_over(
        db,
        client_id,
        HandoverRequest(late_tag, HandoverKind.LOAN, today() + dt.timedelta(days=1)),
        counsellor,
        settings,
    )
    other_id, fine_tag = await _reserved(db, counsellor, name="Ajoissa Oleva")
    await hand_over(
        db,
        other_id,
        HandoverRequest(fine_tag, HandoverKind.LOAN, today() + dt.timedelta(days=20)),
        counsellor,
        settings,
    )
    # Time passes: the first loan's due date is behind us.
    await Handover.update({Handover.due_on: today() - dt.timedelta(days=3)}).where(Handover.id == late)
    headers = await bearer(counsellor)
    overdue = (await api.get("/api/v1/loans/overdue", headers=headers)).json()
    assert [(o["handover_id"], o["asset_tag"], o["days_overdue"]) for o in overdue] == [(late, late_tag, 3)]
    assert "full_name" not in overdue[0]
    page = await api.get("/loans/overdue", headers={**headers, "accept": "text/html"})
    assert page.status_code == 200
    assert late_tag in page.text
    assert fine_tag not in page.text
    assert NAME not in page.text
    elsewhere = (
        await api.get("/api/v1/loans/overdue", headers=await bearer(await person(site_code="TOH")))
    ).json()
    assert elsewhere == []
    new_due = today() + dt.timedelta(days=14)
    extended = await api.post(
        f"/api/v1/handovers/{late}/extend", json={"due_on": new_due.isoformat()}, headers=headers
    )
    assert extended.status_code == 204
    assert (await api.get("/api/v1/loans/overdue", headers=headers)).json() == []
    assert (await _device(late_tag))["loan_due_on"] == new_due
    event = (
        await DeviceEvent.select(DeviceEvent.details)
        .where(DeviceEvent.action == "loan_extended")
        .output(load_json=True)
        .first()
    )
    assert event is not None
    assert event["details"]["due_on"] == new_due.isoformat()


async def test_the_public_check_of_a_loan_agreement_shows_what_to_compare_and_no_name(
    db: Any, api: httpx.AsyncClient
) -> None:
    from inventory.documents.tables import IssuedDocument

    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    body = _loan(tag, days=30)
    response = await api.post(
        f"/api/v1/clients/{client_id}/handovers", json=body, headers=await bearer(counsellor)
    )
    assert response.status_code == 201, response.text
    number = response.json()["document_number"]
    issued = await IssuedDocument.select(IssuedDocument.code).where(IssuedDocument.number == number).first()
    assert issued is not None
    pasted = f"  {get_settings().base_url}/verify/{issued['code']}  "
    page = await api.get(
        "/verify", params={"code": pasted}, headers={"accept": "text/html", "accept-language": "en"}
    )
    assert page.status_code in (302, 303, 307), "a pasted address is read for its code"
    shown = await api.get(f"/api/v1/verify/{issued['code']}", headers={"accept-language": "en"})
    fields = {field["name"]: field["lines"] for field in shown.json()["summary"]}
    assert fields["asset_tag"] == [tag]
    assert fields["agreement"] == ["Loan"]
    assert "due_on" in fields
    assert "Lenovo" in fields["device"][0]
    assert NAME not in shown.text


async def test_a_signing_the_database_refuses_leaves_no_handover_behind(db: Any) -> None:
    """The handover and its signatures are one record: if the signatures cannot be written, nothing is."""
    counsellor = await person()
    client_id, tag = await _reserved(db, counsellor)
    before = await _device(tag)
    # A real refusal by the database on the second write (a trigger), not a stand-in for the service.
    if is_sqlite(db):
        await db.run_ddl(
            "CREATE TRIGGER refuse_signing BEFORE UPDATE OF signed_at ON handover "
            "BEGIN SELECT RAISE(ABORT, 'signing refused'); END"
        )
        drop = "DROP TRIGGER refuse_signing"
    else:
        await db.run_ddl(
            "CREATE FUNCTION refuse_signing() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'signing refused'; END $$ LANGUAGE plpgsql"
        )
        await db.run_ddl(
            "CREATE TRIGGER refuse_signing BEFORE UPDATE OF signed_at ON handover "
            "FOR EACH ROW EXECUTE FUNCTION refuse_signing()"
        )
        drop = "DROP FUNCTION refuse_signing() CASCADE"
    try:
        wanted = HandoverRequest(tag, HandoverKind.GIFT)
        with pytest.raises(Exception, match="signing refused"):
            await hand_over_signed(
                db, client_id, wanted, Signing(signature_png(1), signature_png(2)), counsellor, get_settings()
            )
    finally:
        await db.run_ddl(drop)
    assert await Handover.count() == 0
    assert await _device(tag) == before
