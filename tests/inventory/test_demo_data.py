"""The demo `make run` loads: a year of work through the real services, so that every role's first page
shows something live, certificates open and verify, and every step of the lifecycle has a device."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
from pypdf import PdfReader

from inventory.clients.tables import Handover
from inventory.demo import DemoLogin, load_demo_data
from inventory.devices.tables import Device, DeviceEvent, Erasure
from inventory.documents.tables import IssuedDocument
from inventory.documents.verification import find_code
from inventory.event_kinds import EVENT_KINDS
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.worklog.tables import WorkLog

HTML = {"Accept": "text/html"}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def _sign_in(client: httpx.AsyncClient, login: DemoLogin) -> httpx.Response:
    """Sign in as the login page does and follow to the role's first page (an admin sets up the code)."""
    client.cookies.clear()
    await client.get("/login", headers=HTML)
    response = await client.post(
        "/login",
        data={
            "username": login.username,
            "password": login.password,
            "_csrf_token": client.cookies["kierto_csrf"],
        },
        headers=HTML,
    )
    assert response.status_code in (302, 303), response.text
    location = response.headers["location"]
    if location.startswith("/login/code/setup"):
        page = (await client.get(location, headers=HTML)).text
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
        sealed = re.search(r'name="sealed" value="([^"]+)"', page)
        assert secret is not None
        assert sealed is not None
        response = await client.post(
            "/login/code/setup",
            data={
                "_csrf_token": client.cookies["kierto_csrf"],
                "code": pyotp.TOTP(secret.group(1).replace(" ", "")).now(),
                "sealed": sealed.group(1),
                "next": parse_qs(urlsplit(location).query)["next"][0],
            },
            headers=HTML,
        )
        assert response.status_code == 303, response.text
        location = response.headers["location"]
    first = await client.get(location, headers=HTML)
    assert first.status_code == 200, (login.role, location, first.text[:500])
    return first


async def test_the_demo_walks_the_whole_chain_and_every_workspace_shows_it(
    db: Any, client: httpx.AsyncClient
) -> None:
    logins = {login.role: login for login in await load_demo_data(db)}

    # A device at every step, and the history written by the services, every kind registered.
    states = {row["state"] for row in await Device.select(Device.state)}
    assert states == {state.value for state in State}
    kinds = {row["action"] for row in await DeviceEvent.select(DeviceEvent.action).distinct()}
    assert kinds <= set(EVENT_KINDS)
    days = [row["at"] for row in await DeviceEvent.select(DeviceEvent.at)]
    assert (max(days) - min(days)).days > 300, "the story spreads over the past year"
    handovers = await Handover.select(
        Handover.kind, Handover.handed_over_on, Handover.signed_at, Handover.returned_on
    )
    assert len({(h["handed_over_on"].year, h["handed_over_on"].month) for h in handovers}) >= 6
    assert any(h["returned_on"] for h in handovers), "a loan came back"
    assert await WorkLog.count() >= 10
    documents = {row["kind"] for row in await IssuedDocument.select(IssuedDocument.kind)}
    assert {
        "erasure_certificate",
        "donation_receipt",
        "donation_report",
        "handover_certificate",
        "loan_agreement",
    } <= documents
    nwipe = await Erasure.select(Erasure.certificate_number).where(Erasure.tool == "nwipe").first()
    assert nwipe is not None, "one erasure comes from a real nwipe log"

    trainee = _text((await _sign_in(client, logins[Role.TRAINEE])).text)
    assert re.search(r"[A-Z]{3}-\d{6}-.", trainee), "the trainee's first page lists devices to work on"
    work = _text((await client.get("/my-work", headers=HTML)).text)
    assert "Tyhjennys aloitettiin" in work, "the work log tells what the trainee did"

    clients = _text((await _sign_in(client, logins[Role.COUNSELLOR])).text)  # the counsellor's clients
    assert "Maija Esimerkki" in clients
    assert "varattu" in clients, "Maija's machine is reserved"
    overdue = _text((await client.get("/loans/overdue", headers=HTML)).text)
    assert "1 laina on myöhässä" in overdue
    signed = await Handover.select(Handover.id).where(Handover.signed_at.is_not_null()).first()
    assert signed is not None
    agreement = await client.get(f"/api/v1/handovers/{signed['id']}/document.pdf")
    assert agreement.status_code == 200
    assert PdfReader(io.BytesIO(agreement.content)).pages

    dashboard = _text((await _sign_in(client, logins[Role.COORDINATOR])).text)  # the dashboard
    assert "8 luovutettu" in dashboard
    assert "1 myöhässä olevaa lainaa" in dashboard
    signoff = _text((await client.get("/erasures/sign-off", headers=HTML)).text)
    assert "E-" in signoff, "one erasure waits for the coordinator's sign-off"
    certificate = await client.get(f"/api/v1/erasures/{nwipe['certificate_number']}/certificate")
    assert certificate.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate.content)).pages)
    assert "nwipe" in text
    code = find_code(text)  # as a person pastes the certificate's footer into the verification page
    assert code is not None
    verified = _text((await client.get(f"/verify/{code}", headers=HTML)).text)
    assert nwipe["certificate_number"] in verified

    administration = _text((await _sign_in(client, logins[Role.ADMIN])).text)
    assert "4 Käyttäjät ja roolit" in administration  # one demo user per role
    assert "2 Toimipisteet" in administration
