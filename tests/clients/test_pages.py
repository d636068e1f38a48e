"""The counsellor's pages, driven as a browser would: a signed-in session, forms with their CSRF token."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import httpx

from inventory.clients.tables import Client, Handover, OrientationSession
from inventory.clock import today
from inventory.devices.tables import Device
from tests import factories
from tests.clients.helpers import NAME, log_rows, new_client, person, ready_device, signature_png
from tests.labels.pdf_reading import image_count

HTML = {"accept": "text/html"}


async def _sign_in(api: httpx.AsyncClient, username: str) -> None:
    await api.get("/login")
    response = await api.post(
        "/login",
        data={
            "username": username,
            "password": factories.PASSWORD,
            "next": "/clients",
            "_csrf_token": api.cookies["kierto_csrf"],
        },
        headers=HTML,
    )
    assert response.status_code == 303


async def _post(api: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    page_token = api.cookies["kierto_csrf"]
    return await api.post(path, data={**data, "_csrf_token": page_token}, headers=HTML)


def _location(response: httpx.Response) -> str:
    assert response.status_code == 303, re.findall(r"class=\"error[^>]*>([^<]*)", response.text)
    return response.headers["location"]


async def test_a_counsellor_goes_from_a_new_client_to_a_signed_handover(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    await _sign_in(api, counsellor.username)
    form = await api.get("/clients/new", headers=HTML)
    assert form.status_code == 200
    assert 'name="_csrf_token"' in form.text
    created = await _post(
        api,
        "/clients/new",
        {
            "full_name": NAME,
            "phone": "040 111 2222",
            "language": "fi",
            "accommodations": ["large_text"],
            "consent_recorded_on": today().isoformat(),
            "counsellor_id": str(counsellor.user_id),
        },
    )
    client_path = _location(created).split("?")[0]
    client_id = int(client_path.rsplit("/", 1)[1])
    page = await api.get(client_path, headers=HTML)
    assert NAME in page.text
    assert 'href="/clients"' in page.text  # the menu has the client area
    for topics, minutes in ((["power_login", "safe_use"], "60"), (["strong_identification"], "45")):
        session = await _post(
            api,
            f"/clients/{client_id}/sessions",
            {"held_on": today().isoformat(), "minutes": minutes, "topics": topics, "notes": ""},
        )
        assert "#orientation" in _location(session)
    assert await OrientationSession.count().where(OrientationSession.client == client_id) == 2
    assessment = await api.get(f"/clients/{client_id}/assessment/start", headers=HTML)
    assert assessment.status_code == 200
    saved = await _post(
        api,
        f"/clients/{client_id}/assessment/start",
        {
            "assessed_on": today().isoformat(),
            "rating_email": "2",
            "observation_email": "needs_help",
            "notes": "Hyvä alku",
        },
    )
    assert "#assessment" in _location(saved)
    tag = await ready_device(db, profile="standard-desktop")
    choose = await api.get(f"/clients/{client_id}/reserve", headers=HTML)
    assert tag in choose.text
    assert "Suuri teksti" in choose.text  # the client's accommodation, in the page's language
    assert "#reservation" in _location(await _post(api, f"/clients/{client_id}/reserve", {"asset_tag": tag}))
    handover_form = await api.get(f"/clients/{client_id}/handover", headers=HTML)
    assert tag in handover_form.text
    loan = {
        "asset_tag": tag,
        "kind": "loan",
        "due_on": (today() + dt.timedelta(days=30)).isoformat(),
        "accessories": ["charger"],
        "other_accessories": "Laukku, USB-tikku",
    }
    # Signing first: the form shows the agreement to sign, naming the device and the client.
    sign_page = await _post(api, f"/clients/{client_id}/handover", loan)
    assert sign_page.status_code == 200
    assert f'<span class="tag">{tag}</span>' in sign_page.text
    assert NAME in sign_page.text
    assert 'src="/static/signature.js"' in sign_page.text
    assert "data-signature-pad" in sign_page.text
    assert await Handover.count() == 0, "nothing is recorded before it is signed"
    assert (await Device.select(Device.state).where(Device.asset_tag == tag).first()) == {"state": "reserved"}
    script = await api.get("/static/signature.js")
    assert script.status_code == 200
    assert "toDataURL" in script.text
    client_url, counsellor_url = (
        "data:image/png;base64," + base64.b64encode(signature_png(seed)).decode() for seed in (3, 4)
    )
    signed_path = f"/clients/{client_id}/handover/signed"
    one_missing = await _post(
        api, signed_path, {**loan, "client_signature": "", "counsellor_signature": counsellor_url}
    )
    assert one_missing.status_code == 422
    assert (
        "Asiakkaan allekirjoitus: Allekirjoita ensin ruutuun." in one_missing.text
    )  # the missing one, named
    assert "Ohjaajan allekirjoitus: Allekirjoita" not in one_missing.text
    assert f'name="counsellor_signature" value="{counsellor_url}"' in one_missing.text  # the other is kept
    assert await Handover.count() == 0
    signed = await _post(
        api, signed_path, {**loan, "client_signature": client_url, "counsellor_signature": counsellor_url}
    )
    assert "done=signed" in _location(signed)
    handover_id = int(re.findall(r"/handovers/(\d+)/sign", _location(signed))[0])
    done = await api.get(_location(signed), headers=HTML)
    assert "Allekirjoitettu näytöllä" in done.text
    pdf = await api.get(f"/api/v1/handovers/{handover_id}/document.pdf")
    assert image_count(pdf.content) == 2
    row = await Handover.select(Handover.accessories).output(load_json=True).first()
    assert row == {"accessories": ["charger", "Laukku", "USB-tikku"]}
    returned = await _post(
        api,
        f"/handovers/{handover_id}/return",
        {"condition_notes": "Kunnossa", "accessories_returned": ["charger", "Laukku"]},
    )
    assert "done=returned" in _location(returned)
    assert (await Device.select(Device.state).where(Device.asset_tag == tag).first()) == {"state": "received"}
    purposes = [r["purpose"] for r in await log_rows(client_id)]
    for expected in (
        "client_register",
        "client_record",
        "orientation",
        "assessment",
        "reservation",
        "handover",
        "loan_return",
    ):
        assert expected in purposes


async def test_form_errors_are_shown_next_to_their_field(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    await _sign_in(api, counsellor.username)
    response = await _post(
        api,
        "/clients/new",
        {"full_name": "Maija 131052-308T", "language": "fi", "consent_recorded_on": today().isoformat()},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="full_name-error"' in response.text
    assert 'id="full_name-error"' in response.text
    assert await Client.count() == 0


async def test_paper_signing_and_erasure_through_the_pages(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    await _sign_in(api, counsellor.username)
    await _post(api, f"/clients/{client_id}/reserve", {"asset_tag": tag})
    gift = {"asset_tag": tag, "kind": "gift", "accessories": ["charger"]}
    asked = await _post(api, f"/clients/{client_id}/handover/paper", gift)
    assert asked.status_code == 200  # first the confirmation, naming the device and the client
    assert 'id="confirm-paper"' in asked.text
    assert f"{NAME} sai laitteen {tag} lahjaksi" in asked.text
    assert await Handover.count() == 0
    confirmed = await _post(api, f"/clients/{client_id}/handover/paper", {**gift, "confirmed": "yes"})
    assert "done=paper" in _location(confirmed)
    row = await Handover.select(Handover.signed_on_paper_at, Handover.kind).first()
    assert row is not None
    assert (row["kind"], row["signed_on_paper_at"] is not None) == ("gift", True)
    erase_page = await api.get(f"/clients/{client_id}/erase", headers=HTML)
    assert erase_page.status_code == 200
    code = (await Client.select(Client.code).where(Client.id == client_id).first() or {})["code"]
    wrong = await _post(
        api, f"/clients/{client_id}/erase", {"reason": "Pyyntö", "confirm_code": "K-XXXX-XXXX"}
    )
    assert wrong.status_code == 422
    erased = await _post(
        api, f"/clients/{client_id}/erase", {"reason": "Pyyntö", "confirm_code": code.lower()}
    )
    assert "done=erased" in _location(erased)
    page = await api.get(f"/clients/{client_id}", headers=HTML)
    assert NAME not in page.text


async def test_the_client_list_pages(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    await new_client(db, counsellor, name="Oma Asiakas")
    await new_client(db, await person(), name="Kollegan Asiakas")
    await _sign_in(api, counsellor.username)
    mine = await api.get("/clients", headers=HTML)
    assert "Oma Asiakas" in mine.text
    assert "Kollegan Asiakas" not in mine.text
    site = await api.get("/clients?view=site", headers=HTML)
    assert "Oma Asiakas" in site.text
    assert "Kollegan Asiakas" in site.text
    overdue = await api.get("/loans/overdue", headers=HTML)
    assert overdue.status_code == 200
