"""Real concurrent requests against the served app (two worker processes): one winner per device, one
handover per reservation, and one unbroken access-log chain however many processes write to it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Handover, Reservation
from inventory.devices.tables import Device
from inventory.privacy.access_log import verify_chain
from inventory.privacy.tables import AccessLogEntry
from inventory.settings import get_settings
from tests.clients.helpers import bearer, new_client, person, ready_device

RACERS = 12


async def test_one_device_is_reserved_for_one_client_only(db: Any, live_server: str) -> None:
    counsellor = await person()
    clients = [await new_client(db, counsellor, name=f"Kilpailija {n}") for n in range(RACERS)]
    tag = await ready_device(db)
    headers = await bearer(counsellor)
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    f"/api/v1/clients/{client_id}/reservations", json={"asset_tag": tag}, headers=headers
                )
                for client_id in clients
            )
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1), [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    rows = await Reservation.select(Reservation.client, Reservation.ended_at)
    assert len(rows) == 1
    assert rows[0]["ended_at"] is None
    device = await Device.select(Device.reserved_for).where(Device.asset_tag == tag).first()
    assert device == {"reserved_for": rows[0]["client"]}


async def test_a_reserved_device_is_handed_over_once(db: Any, live_server: str) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    tag = await ready_device(db)
    await reserve_device(db, client_id, tag, counsellor, get_settings())
    headers = await bearer(counsellor)
    body = {"asset_tag": tag, "kind": "gift", "accessories": ["charger"]}
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(f"/api/v1/clients/{client_id}/handovers", json=body, headers=headers)
                for _ in range(6)
            )
        )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [r.text for r in responses]
    assert await Handover.count() == 1
    assert (await Reservation.select(Reservation.outcome).first()) == {"outcome": "handed_over"}


async def test_the_access_log_stays_one_chain_under_concurrent_requests(db: Any, live_server: str) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    before = await AccessLogEntry.count()
    headers = await bearer(counsellor)
    readers = 30
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.get(f"/api/v1/clients/{client_id}", headers=headers) for _ in range(readers))
        )
    assert {r.status_code for r in responses} == {200}
    report = await verify_chain()
    assert report.intact, report.problem
    assert report.rows == before + readers
