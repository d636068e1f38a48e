"""Grave acts on a client (export, erasure, the access-log extract) need the password given a moment ago."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from inventory.accounts.tables import UserSession
from inventory.clients.access_extract import access_extract
from inventory.clock import now
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.privacy.access_log import verify_chain
from tests import factories
from tests.clients.helpers import NAME, bearer, browser_session, log_rows, new_client, person
from tests.labels.pdf_reading import all_text

HTML = {"accept": "text/html"}


async def _age_sessions(minutes: int) -> None:
    """As if the password had been given `minutes` ago."""
    await UserSession.update({UserSession.authenticated_at: now() - dt.timedelta(minutes=minutes)}).where(
        UserSession.id > 0
    )


async def test_an_api_token_cannot_export_or_erase_a_client(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await bearer(counsellor)
    for method, path in (
        ("GET", f"/api/v1/clients/{client_id}/export"),
        ("GET", f"/api/v1/clients/{client_id}/export.pdf"),
        ("POST", f"/api/v1/clients/{client_id}/anonymise"),
    ):
        response = await api.request(method, path, headers=headers, json={"reason": "Pyyntö"})
        assert (response.status_code, response.json()["code"]) == (403, "reauthentication_required"), path
        assert NAME not in response.text
    refused = [r for r in await log_rows(client_id) if r["outcome"] == "refused"]
    assert {(r["purpose"], r["detail"]) for r in refused} == {
        ("data_export", "reauthentication"),
        ("data_erasure", "reauthentication"),
    }
    assert all(r["outcome"] != "success" or r["action"] != "export" for r in await log_rows(client_id))


async def test_a_stale_password_sends_the_browser_to_confirm_it_and_back(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await browser_session(api, counsellor)
    await _age_sessions(minutes=10)
    page = f"/clients/{client_id}/erase"
    asked = await api.get(page, headers=HTML)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/reauth?next={quote(page, safe='')}"
    api_answer = await api.get(f"/api/v1/clients/{client_id}/export", headers=headers)
    assert (api_answer.status_code, api_answer.json()["code"]) == (403, "reauthentication_required")
    wrong = await api.post(
        "/reauth",
        data={"password": "not the password", "next": page, "_csrf_token": api.cookies["kierto_csrf"]},
        headers=HTML,
    )
    assert wrong.status_code == 401
    assert (await api.get(page, headers=HTML)).status_code == 303
    confirmed = await api.post(
        "/reauth",
        data={"password": factories.PASSWORD, "next": page, "_csrf_token": api.cookies["kierto_csrf"]},
        headers=HTML,
    )
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, page)
    form = await api.get(page, headers=HTML)
    assert form.status_code == 200
    assert "confirm_code" in form.text
    assert (await api.get(f"/api/v1/clients/{client_id}/export", headers=headers)).status_code == 200


async def test_a_coordinator_prints_the_clients_access_log_in_the_clients_language(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, language=Language.SV)
    await api.get(f"/api/v1/clients/{client_id}", headers=await bearer(counsellor))
    coordinator = await person(Role.COORDINATOR)
    headers = await browser_session(api, coordinator)
    assert (
        await api.get(f"/api/v1/clients/{client_id}/access-log.pdf", headers=await bearer(counsellor))
    ).status_code == 403
    response = await api.get(f"/api/v1/clients/{client_id}/access-log.pdf", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert "access-log" in response.headers["content-disposition"]
    text = all_text(response.content)
    assert "Vem har behandlat dina uppgifter" in text  # the client's language, Swedish
    # People by the names they go by, not by account labels.
    assert counsellor.display_name in text
    assert coordinator.display_name in text  # producing the extract is itself logged, and shown
    assert "user:" not in text
    assert f"Utdraget gjordes av {coordinator.display_name}." in text
    rows = await log_rows(client_id)
    assert len(rows) >= 3
    assert text.count(counsellor.display_name) == len([r for r in rows if r["actor"] == counsellor.label])
    assert rows[-1]["action"] == "export"
    assert rows[-1]["detail"] == "access log extract"
    assert (await verify_chain()).intact


async def test_the_extract_covers_the_last_two_years_only(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    coordinator = await person(Role.COORDINATOR)
    today_extract = await access_extract(db, client_id, coordinator)
    assert {e.actor for e in today_extract.entries} >= {counsellor.label, coordinator.label}
    assert {e.name for e in today_extract.entries} >= {counsellor.display_name, coordinator.display_name}
    assert now() - today_extract.since > dt.timedelta(days=729)
    later = now() + dt.timedelta(days=800)
    monkeypatch.setattr("inventory.clients.access_extract.now", lambda: later)
    in_two_years = await access_extract(db, client_id, coordinator)
    assert in_two_years.entries == []  # everything so far is older than two years by then


async def test_the_page_offers_the_extract_to_coordinators_only(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    await browser_session(api, counsellor)
    page = await api.get(f"/clients/{client_id}", headers=HTML)
    assert "access-log.pdf" not in page.text
    api.cookies.clear()
    await browser_session(api, await person(Role.COORDINATOR))
    assert "access-log.pdf" in (await api.get(f"/clients/{client_id}", headers=HTML)).text


async def test_a_refused_request_for_an_impossible_id_is_logged_without_a_client(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    too_big = 2**31  # beyond PostgreSQL's integer: the guard refuses before the route checks the range
    response = await api.get(f"/api/v1/clients/{too_big}/export", headers=await bearer(counsellor))
    assert (response.status_code, response.json()["code"]) == (403, "reauthentication_required")
    [row] = [r for r in await log_rows() if r["outcome"] == "refused"]
    assert (row["client_id"], row["detail"]) == (None, "reauthentication")
