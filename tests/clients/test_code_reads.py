"""Every answer that shows a client's code (or names the client by id) writes an access-log row: every
GET route of the app is crawled for a reserved and a lent client, and the e-mail a notification sends."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import httpx

from inventory.accounts.tables import User
from inventory.app import create_app
from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Client, Reservation
from inventory.clock import now, today
from inventory.devices.tables import Device
from inventory.operations.notifications.email import deliver_pending
from inventory.operations.scheduled_jobs import JOBS
from inventory.permissions import Role
from inventory.privacy.access_log import verify_chain
from inventory.settings import get_settings
from tests.clients.helpers import bearer, log_rows, new_client, person, ready_device
from tests.operations.helpers import operations
from tests.operations.test_notifications import Mailbox, smtp, smtp_server  # noqa: F401 - the SMTP fixture

# Every route that shows a reserved or lent client's code or id to its counsellor; the crawl below
# must find exactly these (a new one has to be added here, and must log its reads like these do).
SHOWS_A_CLIENT = {
    "/api/v1/devices/{tag:str}",
    "/api/v1/devices/{tag:str}/events",
    "/api/v1/me/notifications",
    "/devices/{tag:str}",
    "/dashboard",
    "/notifications",
    # The client area itself: logged by its routes' declared purpose.
    "/api/v1/clients",
    "/api/v1/clients/{client_id:int}",
    "/api/v1/clients/{client_id:int}/candidate-devices",
    "/api/v1/handovers/{handover_id:int}",
    "/clients",
    "/clients/{client_id:int}",
    "/clients/{client_id:int}/edit",
    "/clients/{client_id:int}/handover",
    "/handovers/{handover_id:int}/sign",
}

# Path parameters that are not the device or the client: something that exists, or a harmless miss.
OTHER_VALUES = {
    r"\{site_id:int\}": "1",
    r"\{donor_id:int\}": "1",
    r"\{donation_id:int\}": "1",
    r"\{[a-z_]+_id:int\}": "1",
    r"\{[a-z_]+:str\}": "x",
    r"\{[a-z_]+:path\}": "x",
}


def _get_routes() -> list[str]:
    app = create_app()
    return sorted(
        {
            route.path
            for route in app.routes
            for handler in getattr(route, "route_handlers", [])
            if "GET" in handler.http_methods and not route.path.startswith(("/static", "/schema"))
        }
    )


def _urls(path: str, tags: dict[int, str]) -> list[tuple[int, str]]:
    """The addresses to ask for a route template, each with the client whose data it may show."""
    found = []
    for client_id, tag in tags.items():
        url = path.replace("{tag:str}", tag).replace("{client_id:int}", str(client_id))
        for placeholder, value in OTHER_VALUES.items():
            url = re.sub(placeholder, value, url)
        found.append((client_id, url))
    return list(dict.fromkeys(found))


def _names(response: httpx.Response, client_id: int, code: str) -> bool:
    """Whether an answer shows the client: its code anywhere, or its id as a client's id in JSON."""
    if code in response.text:
        return True
    if "json" not in response.headers.get("content-type", ""):
        return False

    def walk(value: Any) -> bool:
        if isinstance(value, dict):
            named = value.get("client_id") == client_id or (
                isinstance(value.get("client"), dict) and value["client"].get("id") == client_id
            )
            return named or any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False

    return walk(json.loads(response.text or "null"))


async def _reserved_and_lent(db: Any) -> tuple[Any, dict[int, str]]:
    """A counsellor's client with a reservation ending tomorrow, another with an overdue loan; their
    reminders sent. Returns the counsellor and {client id: device tag}."""
    counsellor = await person()
    settings = get_settings()
    reserved_for, lent_to = await new_client(db, counsellor), await new_client(db, counsellor, name="Toinen")
    reserved, lent = await ready_device(db), await ready_device(db)
    await reserve_device(db, reserved_for, reserved, counsellor, settings)
    await reserve_device(db, lent_to, lent, counsellor, settings)
    await hand_over(
        db,
        lent_to,
        HandoverRequest(lent, HandoverKind.LOAN, today() + dt.timedelta(days=3), ()),
        counsellor,
        settings,
    )
    await Device.update({Device.loan_due_on: today() - dt.timedelta(days=3)}).where(Device.asset_tag == lent)
    soon = now() + dt.timedelta(hours=12)
    await Reservation.update({Reservation.expires_at: soon}).where(Reservation.client == reserved_for)
    for name in ("overdue_loans", "reservation_reminders"):
        job = next(job for job in JOBS if job.name == name)
        await job.run(job.context(db, settings, operations()))
    return counsellor, {reserved_for: reserved, lent_to: lent}


async def test_every_answer_that_shows_a_client_logs_the_read(db: Any, api: httpx.AsyncClient) -> None:
    counsellor, tags = await _reserved_and_lent(db)
    codes = {row["id"]: row["code"] for row in await Client.select(Client.id, Client.code)}
    coordinator = await person(Role.COORDINATOR)  # the dashboard is theirs; they reach every client
    showing: set[str] = set()
    unlogged: list[str] = []
    for actor in (counsellor, coordinator):
        headers = await bearer(actor)
        for path in _get_routes():
            for client_id, url in _urls(path, tags):
                before = len(await log_rows(client_id))
                response = await api.get(url, headers=headers)
                if response.status_code != 200 or not _names(response, client_id, codes[client_id]):
                    continue
                showing.add(path)
                if len(await log_rows(client_id)) == before:
                    unlogged.append(f"{actor.role} {url}")
    assert unlogged == []
    assert showing == SHOWS_A_CLIENT
    assert (await verify_chain()).intact


async def test_the_history_and_the_notifications_log_what_they_show(db: Any, api: httpx.AsyncClient) -> None:
    counsellor, tags = await _reserved_and_lent(db)
    (reserved_for, reserved), (lent_to, lent) = tags.items()
    headers = await bearer(counsellor)
    before = {client: len(await log_rows(client)) for client in tags}
    assert (await api.get(f"/api/v1/devices/{lent}/events", headers=headers)).status_code == 200
    assert [(r["purpose"], r["detail"]) for r in (await log_rows(lent_to))[before[lent_to] :]] == [
        ("handover", f"history of {lent}"),
        ("reservation", f"history of {lent}"),
    ]
    before = {client: len(await log_rows(client)) for client in tags}
    assert (await api.get("/api/v1/me/notifications", headers=headers)).status_code == 200
    shown = {
        client: [(r["purpose"], r["detail"]) for r in (await log_rows(client))[before[client] :]]
        for client in tags
    }
    assert shown == {
        reserved_for: [("reservation", "notifications")],
        lent_to: [("loan_follow_up", "notifications")],
    }
    # A trainee's history of the same device names nobody, and nothing is logged for them.
    trainee = await bearer(await person(Role.TRAINEE))
    before = {client: len(await log_rows(client)) for client in tags}
    events = (await api.get(f"/api/v1/devices/{reserved}/events", headers=trainee)).json()
    assert all("client_id" not in event["details"] for event in events)
    assert {client: len(await log_rows(client)) for client in tags} == before


async def test_an_email_with_a_clients_code_is_a_logged_read(
    db: Any,
    smtp_server: tuple[Mailbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    messages, port = smtp_server
    counsellor = await person()
    await User.update({User.email: "neuvoja@example.fi"}).where(User.id == counsellor.user_id)
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    settings = get_settings()
    await reserve_device(db, client_id, tag, counsellor, settings)
    await hand_over(
        db,
        client_id,
        HandoverRequest(tag, HandoverKind.LOAN, today() + dt.timedelta(days=3), ()),
        counsellor,
        settings,
    )
    await Device.update({Device.loan_due_on: today() - dt.timedelta(days=1)}).where(Device.asset_tag == tag)
    overdue = next(job for job in JOBS if job.name == "overdue_loans")
    await overdue.run(overdue.context(db, settings, smtp(port)))
    before = len(await log_rows(client_id))
    assert await deliver_pending(settings, smtp(port)) == {"sent": 1, "deferred": 0, "failed": 0}
    code = (await Client.select(Client.code).where(Client.id == client_id).first() or {})["code"]
    assert code in messages.messages[0].get_content()
    [row] = (await log_rows(client_id))[before:]
    assert (row["actor"], row["action"], row["purpose"], row["detail"]) == (
        "system:scheduler:email_delivery",
        "read",
        "loan_follow_up",
        f"e-mail to user {counsellor.user_id}",
    )
