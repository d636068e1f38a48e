"""Orientation sessions, what is still missing against the criteria, and the orientation certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from inventory.clients.tables import OrientationSession
from inventory.clock import today
from inventory.documents.issuing import verify
from inventory.documents.verification import Verdict
from inventory.i18n import Language
from inventory.settings import get_settings
from tests.clients.helpers import NAME, bearer, log_rows, new_client, person
from tests.labels.pdf_reading import all_text


def _session(**changes: Any) -> dict[str, Any]:
    return {
        "held_on": (today() - dt.timedelta(days=3)).isoformat(),
        "minutes": 60,
        "topics": ["power_login", "safe_use"],
        "notes": "Harjoiteltiin kirjautumista.",
        **changes,
    }


async def test_sessions_count_toward_the_criteria_and_the_page_says_what_is_missing(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, oriented=False)
    headers = await bearer(counsellor)
    first = await api.post(
        f"/api/v1/clients/{client_id}/orientation/sessions", json=_session(), headers=headers
    )
    assert first.status_code == 201, first.text
    status = first.json()
    assert (status["complete"], status["sessions_held"], status["minutes"]) == (False, 1, 60)
    assert (status["missing_sessions"], status["missing_minutes"], status["missing_topics"]) == (
        1,
        30,
        ["strong_identification"],
    )
    assert status["missing"] == [
        "vielä 1 ohjauskerta",
        "vielä 30 minuuttia",
        "Aihe: Vahva sähköinen tunnistautuminen",
    ]
    page = await api.get(f"/clients/{client_id}", headers={**headers, "accept": "text/html"})
    assert page.status_code == 200
    assert "Vahva sähköinen tunnistautuminen" in page.text
    assert "vielä 30 minuuttia" in page.text
    second = await api.post(
        f"/api/v1/clients/{client_id}/orientation/sessions",
        json=_session(topics=["strong_identification"], minutes=30),
        headers=headers,
    )
    assert second.json()["complete"] is True
    assert second.json()["missing"] == []
    assert [r["purpose"] for r in await log_rows(client_id) if r["action"] == "create"][1:] == [
        "orientation"
    ] * 2


async def test_sessions_are_corrected_and_removed(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, oriented=False)
    headers = await bearer(counsellor)
    created = await api.post(
        f"/api/v1/clients/{client_id}/orientation/sessions", json=_session(), headers=headers
    )
    session_id = created.json()["sessions"][0]["id"]
    changed = await api.patch(
        f"/api/v1/clients/{client_id}/orientation/sessions/{session_id}",
        json=_session(minutes=95, topics=["files"]),
        headers=headers,
    )
    assert changed.status_code == 200
    assert (changed.json()["minutes"], changed.json()["sessions"][0]["topics"]) == (95, ["files"])
    other_client = await new_client(db, counsellor, oriented=False)
    wrong_owner = await api.delete(
        f"/api/v1/clients/{other_client}/orientation/sessions/{session_id}", headers=headers
    )
    assert wrong_owner.status_code == 404
    removed = await api.delete(
        f"/api/v1/clients/{client_id}/orientation/sessions/{session_id}", headers=headers
    )
    assert removed.status_code == 204
    assert await OrientationSession.count().where(OrientationSession.client == client_id) == 0


async def test_session_refusals(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, oriented=False)
    headers = await bearer(counsellor)
    path = f"/api/v1/clients/{client_id}/orientation/sessions"
    for body, field in (
        (_session(held_on=(today() + dt.timedelta(days=1)).isoformat()), "held_on"),
        (_session(topics=["cooking"]), "topics"),
        (_session(notes="Asiakkaan hetu 131052-308T"), "notes"),
    ):
        response = await api.post(path, json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    assert (await api.post(path, json=_session(minutes=0), headers=headers)).status_code == 422
    assert (await api.post(path, json=_session(topics=[]), headers=headers)).status_code == 422
    assert await OrientationSession.count() == 0


async def test_the_certificate_waits_for_a_complete_orientation(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, oriented=False)
    headers = await bearer(counsellor)
    response = await api.get(f"/api/v1/clients/{client_id}/orientation/certificate.pdf", headers=headers)
    assert response.status_code == 409
    assert "vielä 2 ohjauskertaa" in response.json()["detail"]


async def test_the_certificate_is_in_the_clients_language_and_prints_the_same_again(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, language=Language.SV)
    headers = await bearer(counsellor)
    first = await api.get(f"/api/v1/clients/{client_id}/orientation/certificate.pdf", headers=headers)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf"
    assert first.headers["cache-control"] == "no-store"
    text = all_text(first.content)
    assert "Intyg om digital introduktion" in text
    assert NAME in text
    assert "Stark elektronisk identifiering" in text
    again = await api.get(f"/api/v1/clients/{client_id}/orientation/certificate.pdf", headers=headers)
    assert again.content == first.content
    number = first.headers["content-disposition"].split('"')[1].removesuffix(".pdf")
    assert number.startswith("O-")
    code = next(word for word in text.split() if word.startswith(number + "."))
    verification = await verify(code, get_settings().resolved_secret_key())
    assert verification.verdict is Verdict.GENUINE
    assert verification.document is not None
    assert NAME not in str(verification.document.facts)
    assert [r["action"] for r in await log_rows(client_id)][-2:] == ["print", "print"]
