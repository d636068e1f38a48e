"""A trainee reaches no client data through any route: every route of the app is walked with real ids,
as JSON and as a page, and every answer (PDFs read back as text) is searched for the client's details."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, hand_over, record_signatures
from inventory.clients.orientation_sessions import sessions_of
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Client, Reservation
from inventory.clock import today
from inventory.devices.tables import Erasure
from inventory.documents.tables import IssuedDocument
from inventory.permissions import Role
from inventory.settings import get_settings
from inventory.web import TEMPLATE_DIR
from tests.clients.helpers import EMAIL, NAME, PHONE, bearer, new_client, person, ready_device, signature_png
from tests.labels.pdf_reading import all_text

SKIPPED_METHODS = {"OPTIONS", "HEAD"}


def _text(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith("application/pdf"):
        return all_text(response.content)
    return response.text


async def _world(db: Any) -> dict[str, Any]:
    """A client with every kind of record, and devices reserved, given and lent to them."""
    settings = get_settings()
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    reserved, given, lent = [await ready_device(db) for _ in range(3)]
    gift = loan = 0
    for tag in (given, lent, reserved):
        await reserve_device(db, client_id, tag, counsellor, settings)
        if tag == given:
            gift = await hand_over(
                db,
                client_id,
                HandoverRequest(tag, HandoverKind.GIFT, None, ("charger",)),
                counsellor,
                settings,
            )
            await record_signatures(db, gift, signature_png(1), signature_png(2), counsellor)
        elif tag == lent:
            loan = await hand_over(
                db,
                client_id,
                HandoverRequest(tag, HandoverKind.LOAN, today() + dt.timedelta(days=5)),
                counsellor,
                settings,
            )
    code = (await Client.select(Client.code).where(Client.id == client_id).first() or {})["code"]
    reservation = await Reservation.select(Reservation.id).where(Reservation.ended_at.is_null()).first()
    assert reservation is not None
    documents = await IssuedDocument.select(IssuedDocument.number, IssuedDocument.code)
    erasures = await Erasure.select(Erasure.certificate_number)
    return {
        "documents": [row["code"] for row in documents],
        "numbers": [row["number"] for row in documents] + [row["certificate_number"] for row in erasures],
        "counsellor": counsellor,
        "client_id": client_id,
        "code": code,
        "tags": (reserved, given, lent),
        "handovers": (gift, loan),
        "reservation_id": reservation["id"],
        "session_id": (await sessions_of(client_id))[0]["id"],
    }


def _paths(app: Litestar, world: dict[str, Any], user_id: int) -> list[tuple[str, str]]:
    values = {
        "client_id": [world["client_id"]],
        "handover_id": list(world["handovers"]),
        "reservation_id": [world["reservation_id"]],
        "session_id": [world["session_id"]],
        "tag": list(world["tags"]),
        "code": list(world["tags"]) + list(world["documents"]),
        "number": list(world["numbers"]) or ["E-2026-000001"],
        "name": ["housekeeping"],
        "notification_id": [999999],
        "entry_id": [999999],
        "stocktake_id": [999999],
        "feedback_id": [999999],
        "phase": ["start"],
        "action": ["reserve", "release", "hand_over", "lend", "return", "hold"],
        "file_path": ["kierto.css"],
        "path": ["openapi.json"],
        "user_id": [user_id],
        "site_id": [1],
        "donor_id": [1],
        "donation_id": [1],
        "token_id": [999999],
        "run_id": [1, 999999],
        "worker_id": [1, 999999],
        "profile_id": [1],
        "machine_id": [1],
        "disk_id": [1],
        "certificate": list(world["numbers"]) or ["E-2026-000001"],
        "ident": ["1"],
    }
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - SKIPPED_METHODS):
                paths = [route.path]
                for name in re.findall(r"\{(\w+):\w+\}", route.path):
                    paths = [
                        re.sub(r"\{" + name + r":\w+\}", str(value), path)
                        for path in paths
                        for value in values[name]
                    ]
                found.extend((method, path) for path in paths)
    return found


async def _walk(
    api: httpx.AsyncClient, paths: list[tuple[str, str]], headers: dict[str, str]
) -> dict[str, str]:
    answers = {}
    for method, path in paths:
        for accept in ("application/json", "text/html"):
            response = await api.request(method, path, headers={**headers, "accept": accept}, json={})
            answers[f"{method} {path} ({accept}) {response.status_code}"] = _text(response)
    return answers


async def test_a_trainee_reaches_no_client_data_through_any_route(
    db: Any, api: httpx.AsyncClient, app: Litestar
) -> None:
    world = await _world(db)
    trainee = await person(Role.TRAINEE)
    assert trainee.user_id is not None
    answers = await _walk(api, _paths(app, world, trainee.user_id), await bearer(trainee))
    assert len(answers) > 300
    # The login and password-check forms answer a wrong (here: empty) password with 401 themselves.
    statuses = [
        int(request.rsplit(" ", 1)[1])
        for request in answers
        if "/login" not in request and "/reauth" not in request
    ]
    assert statuses.count(401) == 0  # the walk stayed signed in all the way
    assert statuses.count(403) > 100  # every client route refused
    assert statuses.count(200) > 40  # and the device routes answered, with their reserved devices
    secrets = (NAME, "Quokkanen", PHONE, EMAIL, world["code"])
    leaks = [(request, secret) for request, text in answers.items() for secret in secrets if secret in text]
    assert not leaks, leaks
    # Trainees still see that a device is reserved, just not for whom.
    reserved = (await api.get(f"/api/v1/devices/{world['tags'][0]}", headers=await bearer(trainee))).json()
    assert (reserved["reserved"], reserved["client"], reserved["state"]) == (True, None, "reserved")


async def test_the_same_walk_as_a_counsellor_does_find_the_data(
    db: Any, api: httpx.AsyncClient, app: Litestar
) -> None:
    # The search above can fail: with the counsellor's rights the same walk finds every detail.
    world = await _world(db)
    counsellor = world["counsellor"]
    paths = [
        ("GET", f"/clients/{world['client_id']}"),
        ("GET", f"/api/v1/clients/{world['client_id']}/export.pdf"),
        ("GET", f"/api/v1/handovers/{world['handovers'][0]}/document.pdf"),
    ]
    answers = await _walk(api, paths, await bearer(counsellor))
    text = " ".join(answers.values())
    for secret in (NAME, PHONE, EMAIL, world["code"]):
        assert secret in text, secret


def test_client_templates_have_no_inline_script_or_event_handlers() -> None:
    for template in Path(TEMPLATE_DIR, "clients").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), template.name
        assert not re.search(r"\son[a-z]+\s*=", source), template.name
        assert "style=" not in source, template.name
