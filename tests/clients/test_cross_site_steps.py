"""A counsellor cannot end another site's client's reservation or loan through the general step routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Client, Handover, Reservation
from inventory.clock import today
from inventory.devices.tables import Device
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.clients.helpers import bearer, log_rows, new_client, person, ready_device

HTML = {"accept": "text/html"}


async def _reserved_at_toh(db: Any) -> tuple[str, int, Actor]:
    """A Tohmajärvi device reserved by a Tohmajärvi counsellor for their client."""
    local = await person(site_code="TOH")
    client_id = await new_client(db, local)
    tag = await ready_device(db, site_code="TOH")
    await reserve_device(db, client_id, tag, local, get_settings())
    return tag, client_id, local


async def _lent_at_toh(db: Any) -> tuple[str, int, Actor]:
    tag, client_id, local = await _reserved_at_toh(db)
    due = today() + dt.timedelta(days=30)
    await hand_over(
        db, client_id, HandoverRequest(tag, HandoverKind.LOAN, due, ("laturi",)), local, get_settings()
    )
    return tag, client_id, local


async def _device(tag: str) -> dict[str, Any]:
    row = (
        await Device.select(Device.state, Device.reserved_for, Device.holder)
        .where(Device.asset_tag == tag)
        .first()
    )
    assert row is not None
    return dict(row)


async def _sign_in(api: httpx.AsyncClient, actor: Actor) -> None:
    await api.get("/login")
    response = await api.post(
        "/login",
        data={
            "username": actor.username,
            "password": factories.PASSWORD,
            "next": "/",
            "_csrf_token": api.cookies["kierto_csrf"],
        },
        headers=HTML,
    )
    assert response.status_code == 303


async def test_another_sites_reservation_cannot_be_released_through_the_device_api(
    db: Any, api: httpx.AsyncClient
) -> None:
    tag, client_id, _ = await _reserved_at_toh(db)
    outsider = await person(site_code="JNS")
    answer = await api.post(
        f"/api/v1/devices/{tag}/transitions/release",
        json={"reason": "vahinko"},
        headers=await bearer(outsider),
    )
    assert answer.status_code == 404, answer.text
    assert await _device(tag) == {"state": "reserved", "reserved_for": client_id, "holder": None}
    assert await Reservation.count().where(Reservation.ended_at.is_null()) == 1
    refusals = [row for row in await log_rows(client_id) if row["outcome"] == "refused"]
    assert [row["detail"] for row in refusals] == ["another site"]


async def test_another_sites_loan_cannot_be_returned_through_the_device_api(
    db: Any, api: httpx.AsyncClient
) -> None:
    tag, client_id, _ = await _lent_at_toh(db)
    outsider = await person(site_code="JNS")
    answer = await api.post(
        f"/api/v1/devices/{tag}/transitions/return",
        json={"reason": "palautus"},
        headers=await bearer(outsider),
    )
    assert answer.status_code == 404, answer.text
    assert (await _device(tag))["state"] == "on_loan"
    loan = (
        await Handover.select(Handover.returned_on, Handover.accessories_returned)
        .output(load_json=True)
        .first()
    )
    assert loan == {"returned_on": None, "accessories_returned": []}
    assert [row["detail"] for row in await log_rows(client_id) if row["outcome"] == "refused"] == [
        "another site"
    ]


async def test_another_sites_device_page_answers_like_no_device(db: Any, api: httpx.AsyncClient) -> None:
    tag, client_id, _ = await _reserved_at_toh(db)
    outsider = await person(site_code="JNS")
    await _sign_in(api, outsider)
    page = await api.get(f"/devices/{tag}", headers=HTML)
    assert page.status_code == 404
    client = await Client.select(Client.code).where(Client.id == client_id).first()
    assert client is not None
    assert client["code"] not in page.text
    posted = await api.post(
        f"/devices/{tag}/steps/release",
        data={"reason": "vahinko", "_csrf_token": api.cookies["kierto_csrf"], "confirmed": "yes"},
        headers=HTML,
    )
    assert posted.status_code == 404
    assert (await _device(tag))["state"] == "reserved"


async def test_a_device_of_ones_site_reserved_for_another_sites_client_hides_that_client(
    db: Any, api: httpx.AsyncClient
) -> None:
    """A coordinator reserved a Joensuu device for a Tohmajärvi client: Joensuu's counsellor sees the
    device, but neither the client's code (page, API, history) nor the release step."""
    coordinator = await person(Role.COORDINATOR, site_code="JNS")
    client_id = await new_client(db, await person(site_code="TOH"))
    tag = await ready_device(db, site_code="JNS")
    await reserve_device(db, client_id, tag, coordinator, get_settings())
    client = await Client.select(Client.code).where(Client.id == client_id).first()
    assert client is not None
    local = await person(site_code="JNS")
    headers = await bearer(local)
    device = await api.get(f"/api/v1/devices/{tag}", headers=headers)
    assert device.status_code == 200
    assert device.json()["client"] is None
    events = (await api.get(f"/api/v1/devices/{tag}/events", headers=headers)).json()
    assert events[-1]["action"] == "reserve"
    assert "client_id" not in events[-1]["details"]
    assert client["code"] not in device.text + str(events)
    coordinators_view = (
        await api.get(f"/api/v1/devices/{tag}/events", headers=await bearer(coordinator))
    ).json()
    assert coordinators_view[-1]["details"]["client_id"] == client_id
    await _sign_in(api, local)
    page = await api.get(f"/devices/{tag}", headers=HTML)
    assert page.status_code == 200
    assert f"/devices/{tag}/steps/release" not in page.text
    assert client["code"] not in page.text
    posted = await api.post(
        f"/devices/{tag}/steps/release",
        data={"reason": "vahinko", "_csrf_token": api.cookies["kierto_csrf"], "confirmed": "yes"},
        headers=HTML,
    )
    assert posted.status_code == 404
    assert (await _device(tag))["state"] == "reserved"


async def test_the_clients_own_site_still_releases_and_takes_back(db: Any, api: httpx.AsyncClient) -> None:
    tag, _, local = await _reserved_at_toh(db)
    released = await api.post(
        f"/api/v1/devices/{tag}/transitions/release",
        json={"reason": "ei tarvetta"},
        headers=await bearer(local),
    )
    assert released.status_code == 200, released.text
    assert await _device(tag) == {"state": "ready", "reserved_for": None, "holder": None}
    lent, _, lender = await _lent_at_toh(db)
    returned = await api.post(
        f"/api/v1/devices/{lent}/transitions/return",
        json={"reason": "palautus"},
        headers=await bearer(lender),
    )
    assert returned.status_code == 200, returned.text
    assert (await _device(lent))["state"] == "received"
