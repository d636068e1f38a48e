"""Reserving a device for a client: choosing, renewing, cancelling, expiry, and races."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.clients.choices import Accommodation, HandoverKind, ReservationEnd
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import (
    expiring_reservations,
    release_expired_reservations,
    renew_reservation,
    reserve_device,
)
from inventory.clients.tables import Reservation
from inventory.devices.editing import DeviceChanges, edit_device
from inventory.devices.tables import Device, DeviceEvent
from inventory.errors import DomainError
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.clients.helpers import bearer, log_rows, new_client, person, ready_device

SCHEDULER = Actor.system("scheduler")


async def _state(tag: str) -> dict[str, Any]:
    row = (
        await Device.select(Device.state, Device.reserved_for, Device.holder)
        .where(Device.asset_tag == tag)
        .first()
    )
    assert row is not None
    return dict(row)


async def _age_reservation(tag: str, days: int) -> None:
    """Move a reservation's end into the past, as if `days` had gone by."""
    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None
    row = (
        await Reservation.select(Reservation.id, Reservation.expires_at)
        .where(Reservation.device == device["id"])
        .first()
    )
    assert row is not None
    await Reservation.update({Reservation.expires_at: row["expires_at"] - dt.timedelta(days=days)}).where(
        Reservation.id == row["id"]
    )


async def test_candidates_fit_the_clients_accommodations_first(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, accommodations=(Accommodation.SCREEN_READER,))
    plain = await ready_device(db, profile="standard-desktop")
    accessible = await ready_device(db, profile="accessibility")
    unknown = await ready_device(db)
    await ready_device(db, site_code="TOH", profile="accessibility")
    for tag, grade in ((plain, "A"), (accessible, "C"), (unknown, "B")):
        await edit_device(db, tag, DeviceChanges(condition_grade=grade), Actor.system("tests"))
    headers = await bearer(counsellor)
    found = (await api.get(f"/api/v1/clients/{client_id}/candidate-devices", headers=headers)).json()
    assert found["accommodations"] == ["screen_reader"]
    assert [(d["asset_tag"], d["matches"]) for d in found["devices"]] == [
        (accessible, True),
        (plain, False),
        (unknown, False),
    ]
    assert found["devices"][1]["missing_accommodations"] == ["screen_reader"]
    assert found["devices"][0]["storage_bytes"] == 256 * 10**9
    only = (
        await api.get(f"/api/v1/clients/{client_id}/candidate-devices?matching_only=true", headers=headers)
    ).json()
    assert [d["asset_tag"] for d in only["devices"]] == [accessible]
    good = (
        await api.get(f"/api/v1/clients/{client_id}/candidate-devices?worst_grade=B", headers=headers)
    ).json()
    assert [d["asset_tag"] for d in good["devices"]] == [plain, unknown]
    assert (
        await api.get(f"/api/v1/clients/{client_id}/candidate-devices?min_ram_mb=16000", headers=headers)
    ).json()["devices"] == []
    assert [r["purpose"] for r in await log_rows(client_id)][-1] == "reservation"


async def test_reserve_renew_and_cancel(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    headers = await bearer(counsellor)
    reserved = await api.post(
        f"/api/v1/clients/{client_id}/reservations", json={"asset_tag": tag}, headers=headers
    )
    assert reserved.status_code == 201, reserved.text
    reservation = reserved.json()
    days = get_settings().reservation_days
    made = dt.datetime.fromisoformat(reservation["reserved_at"])
    assert dt.datetime.fromisoformat(reservation["expires_at"]) - made == dt.timedelta(days=days)
    assert await _state(tag) == {"state": "reserved", "reserved_for": client_id, "holder": None}
    again = await api.post(
        f"/api/v1/clients/{client_id}/reservations", json={"asset_tag": tag}, headers=headers
    )
    assert again.status_code == 409
    await _age_reservation(tag, days - 1)
    renewed = await api.post(f"/api/v1/reservations/{reservation['id']}/renew", headers=headers)
    assert renewed.status_code == 200
    assert dt.datetime.fromisoformat(renewed.json()["expires_at"]) > made + dt.timedelta(days=days - 1)
    released = await api.post(
        f"/api/v1/reservations/{reservation['id']}/release", json={"reason": "ei tarvetta"}, headers=headers
    )
    assert released.status_code == 204
    assert await _state(tag) == {"state": "ready", "reserved_for": None, "holder": None}
    row = (
        await Reservation.select(Reservation.outcome, Reservation.renewals)
        .where(Reservation.id == reservation["id"])
        .first()
    )
    assert row == {"outcome": "released", "renewals": 1}
    assert (
        await api.post(f"/api/v1/reservations/{reservation['id']}/renew", headers=headers)
    ).status_code == 409


async def test_only_ready_devices_and_only_clients_within_reach(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    received = (await factories.donation(db, devices=1)).asset_tags[0]
    headers = await bearer(counsellor)
    refused = await api.post(
        f"/api/v1/clients/{client_id}/reservations", json={"asset_tag": received}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "wrong_state"
    other_site_client = await new_client(db, await person(site_code="TOH"))
    tag = await ready_device(db)
    out_of_reach = await api.post(
        f"/api/v1/clients/{other_site_client}/reservations", json={"asset_tag": tag}, headers=headers
    )
    assert out_of_reach.status_code == 404
    trainee = await api.post(
        f"/api/v1/clients/{client_id}/reservations",
        json={"asset_tag": tag},
        headers=await bearer(await person(Role.TRAINEE)),
    )
    assert trainee.status_code == 403
    assert (await _state(tag))["state"] == "ready"
    assert await Reservation.count() == 0


async def test_expired_reservations_are_released_through_the_lifecycle_once(db: Any) -> None:
    counsellor = await person()
    settings = get_settings()
    client_id = await new_client(db, counsellor)
    old, fresh = await ready_device(db), await ready_device(db)
    for tag in (old, fresh):
        await reserve_device(db, client_id, tag, counsellor, settings)
    await _age_reservation(old, settings.reservation_days + 1)
    assert await release_expired_reservations(db, settings, SCHEDULER) == 1
    assert (await _state(old))["state"] == "ready"
    assert (await _state(fresh))["state"] == "reserved"
    ended = await Reservation.select(Reservation.outcome).where(Reservation.device.asset_tag == old).first()
    assert ended == {"outcome": ReservationEnd.EXPIRED.value}
    event = (
        await DeviceEvent.select(DeviceEvent.action, DeviceEvent.actor, DeviceEvent.reason)
        .where(DeviceEvent.device.asset_tag == old)
        .order_by(DeviceEvent.id, ascending=False)
        .first()
    )
    assert event == {"action": "release", "actor": "system:scheduler", "reason": "The reservation expired."}
    assert await release_expired_reservations(db, settings, SCHEDULER) == 0
    expiry_log = [r for r in await log_rows(client_id) if r["actor"] == "system:scheduler"]
    assert [(r["purpose"], r["detail"]) for r in expiry_log] == [("reservation", "release")]


async def test_a_handover_and_the_expiry_at_the_same_moment_end_consistently(db: Any) -> None:
    settings = get_settings()
    counsellor = await person()
    for _ in range(3):
        client_id = await new_client(db, counsellor)
        tag = await ready_device(db)
        await reserve_device(db, client_id, tag, counsellor, settings)
        await _age_reservation(tag, settings.reservation_days + 1)
        results = await asyncio.gather(
            hand_over(db, client_id, HandoverRequest(tag, HandoverKind.GIFT), counsellor, settings),
            release_expired_reservations(db, settings, SCHEDULER),
            return_exceptions=True,
        )
        handed, released = results
        state = (await _state(tag))["state"]
        outcome = (
            await Reservation.select(Reservation.outcome).where(Reservation.device.asset_tag == tag).first()
            or {}
        )["outcome"]
        if isinstance(handed, int):
            assert (state, released, outcome) == ("handed_over", 0, "handed_over")
        else:
            assert isinstance(handed, DomainError), handed
            assert (state, released, outcome) == ("ready", 1, "expired")


async def test_a_renewal_and_the_expiry_at_the_same_moment_end_consistently(
    db: Any, api: httpx.AsyncClient
) -> None:
    settings = get_settings()
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    reservation_id = await reserve_device(db, client_id, tag, counsellor, settings)
    await _age_reservation(tag, settings.reservation_days + 1)
    renewed, released = await asyncio.gather(
        renew_reservation(db, reservation_id, counsellor, settings),
        release_expired_reservations(db, settings, SCHEDULER),
        return_exceptions=True,
    )
    row = (
        await Reservation.select(Reservation.outcome, Reservation.ended_at)
        .where(Reservation.id == reservation_id)
        .first()
    )
    assert row is not None
    if released == 1:
        assert isinstance(renewed, DomainError)
        assert (await _state(tag))["state"] == "ready"
        assert row["outcome"] == "expired"
    else:
        assert released == 0
        assert isinstance(renewed, dt.datetime)
        assert (await _state(tag))["state"] == "reserved"
        assert row["ended_at"] is None


async def test_the_generic_step_route_keeps_the_reservation_row_too(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    response = await api.post(
        f"/api/v1/devices/{tag}/transitions/reserve",
        json={"client_id": client_id},
        headers=await bearer(counsellor),
    )
    assert response.status_code == 200, response.text
    row = await Reservation.select(Reservation.client, Reservation.ended_at).first()
    assert row == {"client": client_id, "ended_at": None}
    released = await api.post(
        f"/api/v1/devices/{tag}/transitions/release", json={}, headers=await bearer(counsellor)
    )
    assert released.status_code == 200
    assert (await Reservation.select(Reservation.outcome).first()) == {"outcome": "released"}


async def test_reservations_ending_soon_are_listed_for_reminders(db: Any) -> None:
    settings = get_settings()
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    soon, later = await ready_device(db), await ready_device(db)
    for tag in (soon, later):
        await reserve_device(db, client_id, tag, counsellor, settings)
    await _age_reservation(soon, settings.reservation_days - 1)
    ending = await expiring_reservations(dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    assert [(r["asset_tag"], r["client"], r["counsellor_id"]) for r in ending] == [
        (soon, client_id, counsellor.user_id)
    ]
    assert "full_name" not in ending[0]
