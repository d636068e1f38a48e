"""Data subject requests: everything held about a client (JSON and PDF), erasure that keeps the device
history consistent, and the retention purge."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import httpx
import pytest

from inventory.actors import Actor
from inventory.clients.anonymisation import anonymise_client, months_before, purge_expired_clients
from inventory.clients.assessment import AssessmentInput, TaskAnswer, save_assessment
from inventory.clients.choices import AssessmentPhase, HandoverKind, Observation
from inventory.clients.handovers import (
    HandoverRequest,
    ReturnRequest,
    hand_over,
    record_signatures,
    return_loan,
)
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Assessment, AssessmentItem, Client, Handover, OrientationSession
from inventory.clock import today
from inventory.devices.tables import Device, DeviceEvent
from inventory.errors import Conflict
from inventory.i18n import Language
from inventory.privacy.access_log import verify_chain
from inventory.settings import get_settings
from tests.clients.helpers import (
    EMAIL,
    NAME,
    PHONE,
    browser_session,
    log_rows,
    new_client,
    person,
    ready_device,
    signature_png,
)
from tests.labels.pdf_reading import all_text, image_count

SCHEDULER = Actor.system("scheduler")


async def _full_history(db: Any, counsellor: Any, language: Language = Language.FI) -> tuple[int, str, int]:
    """A client with an assessment, a signed and returned loan: every kind of data the service holds."""
    settings = get_settings()
    client_id = await new_client(db, counsellor, language=language)
    await save_assessment(
        db,
        client_id,
        AssessmentPhase.START,
        AssessmentInput(
            today(), (TaskAnswer("email", 2, Observation.NEEDS_HELP, "Salasana unohtuu"),), "Aloitus"
        ),
        counsellor,
        settings,
    )
    tag = await ready_device(db)
    await reserve_device(db, client_id, tag, counsellor, settings)
    handover_id = await hand_over(
        db,
        client_id,
        HandoverRequest(tag, HandoverKind.LOAN, today() + dt.timedelta(days=30), ("charger",)),
        counsellor,
        settings,
    )
    await record_signatures(db, handover_id, signature_png(1), signature_png(2), counsellor)
    await return_loan(db, handover_id, ReturnRequest("Hyvä kunto", ("charger",)), counsellor, settings)
    return client_id, tag, handover_id


async def test_the_export_holds_everything_about_the_client(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id, tag, _ = await _full_history(db, counsellor)
    headers = await browser_session(api, counsellor)
    response = await api.get(f"/api/v1/clients/{client_id}/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["format"] == "kierto-client-export/1"
    assert (data["client"]["full_name"], data["client"]["phone"], data["client"]["email"]) == (
        NAME,
        PHONE,
        EMAIL,
    )
    assert len(data["orientation"]["sessions"]) == 2
    assert data["assessments"][0]["answers"][0]["comment"] == "Salasana unohtuu"
    assert data["assessments"][0]["notes"] == "Aloitus"
    assert [(r["asset_tag"], r["outcome"]) for r in data["reservations"]] == [(tag, "lent")]
    [loan] = data["handovers"]
    assert (loan["kind"], loan["return_condition_notes"]) == ("loan", "Hyvä kunto")
    assert base64.b64decode(loan["client_signature_png"]).startswith(b"\x89PNG")
    assert [e["action"] for e in data["device_history"]] == ["reserve", "lend", "return"]
    assert {(e["actor"], e["name"]) for e in data["device_history"]} == {
        (counsellor.label, counsellor.display_name)
    }
    people = {(a["actor"], a["name"]) for a in data["access_log"] if a["actor"].startswith("user:")}
    assert people == {(counsellor.label, counsellor.display_name)}
    assert [d["number"] for d in data["documents"]] == [loan["document_number"]]
    # The access log is part of it: who processed the data, including this export's own read.
    assert {a["purpose"] for a in data["access_log"]} >= {"client_register", "assessment", "handover"}
    assert data["exported_by"] == counsellor.label
    assert [r["action"] for r in await log_rows(client_id)][-1] == "export"


async def test_the_export_pdf_is_readable_and_in_the_clients_language(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag, _ = await _full_history(db, counsellor, Language.SV)
    response = await api.get(
        f"/api/v1/clients/{client_id}/export.pdf", headers=await browser_session(api, counsellor)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = all_text(response.content)
    for expected in (NAME, PHONE, EMAIL, tag, "Salasana unohtuu", "Hyvä kunto"):
        assert expected in text, expected
    assert "Vem har behandlat dina uppgifter" in text
    assert counsellor.display_name in text
    assert "user:" not in text, "people are named as their accounts call them, not by account labels"
    assert image_count(response.content) == 2


async def test_erasure_removes_the_person_and_keeps_the_history_consistent(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id, tag, handover_id = await _full_history(db, counsellor)
    old_code = (await Client.select(Client.code).where(Client.id == client_id).first() or {})["code"]
    events_before = await DeviceEvent.count()
    headers = await browser_session(api, counsellor)
    refused = await api.post(
        f"/api/v1/clients/{client_id}/anonymise", json={"reason": "hetu 131052-308T"}, headers=headers
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "reason")
    response = await api.post(
        f"/api/v1/clients/{client_id}/anonymise", json={"reason": "Asiakas pyysi 24.11."}, headers=headers
    )
    assert response.status_code == 204, response.text
    client = await Client.select().where(Client.id == client_id).output(load_json=True).first()
    assert client is not None
    assert (
        client["full_name"],
        client["phone"],
        client["email"],
        client["accommodations"],
        client["counsellor"],
    ) == (
        "",
        None,
        None,
        [],
        None,
    )
    assert client["code"] != old_code
    assert client["code"].startswith("X-")
    assert client["anonymised_at"] is not None
    assert {r["notes"] for r in await OrientationSession.select(OrientationSession.notes)} == {""}
    assert {r["notes"] for r in await Assessment.select(Assessment.notes)} == {""}
    assert {r["comment"] for r in await AssessmentItem.select(AssessmentItem.comment)} == {""}
    assert [r["self_rating"] for r in await AssessmentItem.select(AssessmentItem.self_rating)] == [2]
    signatures = await Handover.select(Handover.client_signature, Handover.counsellor_signature).first()
    assert signatures == {"client_signature": None, "counsellor_signature": None}
    # The device history is untouched and still points at the (now anonymous) client.
    assert await DeviceEvent.count() == events_before
    lend = (
        await DeviceEvent.select(DeviceEvent.details)
        .where(DeviceEvent.action == "lend")
        .output(load_json=True)
        .first()
    )
    assert lend is not None
    assert lend["details"]["client_id"] == client_id
    assert (await Device.select(Device.state).where(Device.asset_tag == tag).first()) == {"state": "received"}
    document = await api.get(f"/api/v1/handovers/{handover_id}/document.pdf", headers=headers)
    assert document.status_code == 409
    export = await api.get(f"/api/v1/clients/{client_id}/export", headers=headers)
    assert NAME not in export.text
    assert PHONE not in export.text
    assert EMAIL not in export.text
    assert "Salasana unohtuu" not in export.text
    assert (
        await api.patch(f"/api/v1/clients/{client_id}", json={"full_name": "Uusi"}, headers=headers)
    ).status_code == 409
    anonymised = [r for r in await log_rows(client_id) if r["action"] == "anonymise"]
    assert [(r["purpose"], r["detail"]) for r in anonymised] == [("data_erasure", "Asiakas pyysi 24.11.")]
    assert (await verify_chain()).intact
    again = await api.post(
        f"/api/v1/clients/{client_id}/anonymise", json={"reason": "uudelleen"}, headers=headers
    )
    assert again.status_code == 204


async def test_no_erasure_while_a_device_is_lent_or_reserved(db: Any) -> None:
    counsellor = await person()
    settings = get_settings()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    await reserve_device(db, client_id, tag, counsellor, settings)
    with pytest.raises(Conflict):
        await anonymise_client(db, client_id, counsellor, "pyyntö")
    await hand_over(
        db,
        client_id,
        HandoverRequest(tag, HandoverKind.LOAN, today() + dt.timedelta(days=9)),
        counsellor,
        settings,
    )
    with pytest.raises(Conflict):
        await anonymise_client(db, client_id, counsellor, "pyyntö")
    assert (await Client.select(Client.full_name).where(Client.id == client_id).first()) == {
        "full_name": NAME
    }


async def _age(client_id: int, days: int) -> None:
    """Move everything of a client `days` into the past."""
    shift = dt.timedelta(days=days)
    await Client.update({Client.created_at: Client.created_at - shift}).where(Client.id == client_id)
    await OrientationSession.update({OrientationSession.held_on: OrientationSession.held_on - shift}).where(
        OrientationSession.client == client_id
    )
    await Handover.update(
        {
            Handover.handed_over_on: Handover.handed_over_on - shift,
            Handover.returned_on: Handover.returned_on - shift,
        }
    ).where(Handover.client == client_id)
    from inventory.clients.tables import Reservation

    await Reservation.update(
        {
            Reservation.reserved_at: Reservation.reserved_at - shift,
            Reservation.ended_at: Reservation.ended_at - shift,
        }
    ).where(Reservation.client == client_id)
    await Assessment.update({Assessment.updated_at: Assessment.updated_at - shift}).where(
        Assessment.client == client_id
    )


async def test_the_retention_purge_anonymises_only_clients_past_the_period(db: Any) -> None:
    counsellor = await person()
    settings = get_settings()
    old, _, _ = await _full_history(db, counsellor)
    await _age(old, 800)
    recent = await new_client(db, counsellor, name="Tuore Asiakas")
    still_lending = await new_client(db, counsellor, name="Lainaaja Asiakas")
    tag = await ready_device(db)
    await reserve_device(db, still_lending, tag, counsellor, settings)
    await hand_over(
        db,
        still_lending,
        HandoverRequest(tag, HandoverKind.LOAN, today() + dt.timedelta(days=9)),
        counsellor,
        settings,
    )
    await _age(still_lending, 800)
    purged = await purge_expired_clients(db, settings, SCHEDULER)
    assert purged == 1
    names = {r["id"]: r["full_name"] for r in await Client.select(Client.id, Client.full_name)}
    assert names == {old: "", recent: "Tuore Asiakas", still_lending: "Lainaaja Asiakas"}
    assert await purge_expired_clients(db, settings, SCHEDULER) == 0
    [row] = [r for r in await log_rows(old) if r["action"] == "anonymise"]
    assert (row["actor"], row["purpose"]) == ("system:scheduler", "retention")
    shorter = settings.model_copy(update={"retention_months": 1})
    await _age(recent, 40)
    assert await purge_expired_clients(db, shorter, SCHEDULER) == 1


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    moment = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(moment, 24) == dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2024, 3, 30, tzinfo=dt.UTC), 1) == dt.datetime(
        2024, 2, 29, tzinfo=dt.UTC
    )
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 13) == dt.datetime(
        2024, 12, 15, tzinfo=dt.UTC
    )
