"""Real concurrent requests against the served application (two worker processes): one winner, no gaps."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from inventory.devices.asset_tags import format_tag
from inventory.devices.tables import Device, DeviceEvent
from inventory.lifecycle import State
from inventory.permissions import Role
from tests import factories

RACERS = 12


async def _bearer(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {await factories.token(await factories.user(role))}"}


async def test_racing_the_same_step_on_one_device_lets_exactly_one_through(db: Any, live_server: str) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    headers = await _bearer(Role.TRAINEE)
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(f"/api/v1/devices/{tag}/transitions/start_wipe", json={}, headers=headers)
                for _ in range(RACERS)
            )
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (RACERS - 1), [
        r.text for r in responses if r.status_code not in (200, 409)
    ]
    device = await Device.select(Device.id, Device.state).where(Device.asset_tag == tag).first()
    assert device is not None
    assert device["state"] == State.WIPING
    events = await DeviceEvent.count().where(
        (DeviceEvent.device == device["id"]) & (DeviceEvent.action == "start_wipe")
    )
    assert events == 1


async def test_a_device_goes_to_one_client_only(db: Any, live_server: str) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.READY)
    clients = [await factories.client() for _ in range(RACERS)]
    headers = await _bearer(Role.COUNSELLOR)
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    f"/api/v1/devices/{tag}/transitions/reserve",
                    json={"client_id": client_id},
                    headers=headers,
                )
                for client_id in clients
            )
        )
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(r.status_code == 409 for r in responses if r not in winners)
    device = await Device.select(Device.reserved_for).where(Device.asset_tag == tag).first()
    assert device is not None
    assert device["reserved_for"] in clients


async def test_concurrent_intake_gives_every_tag_once_without_gaps(db: Any, live_server: str) -> None:
    site_id = await factories.site()
    donor_id = await factories.create_donor(factories.NewDonor(name="Kiire Oy"))
    headers = await _bearer(Role.TRAINEE)
    per_donation = 4
    body = {
        "donor_id": donor_id,
        "site_id": site_id,
        "devices": [{"make": "HP", "model": "x"}] * per_donation,
    }
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.post("/api/v1/donations", json=body, headers=headers) for _ in range(RACERS))
        )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    tags = [tag for r in responses for tag in r.json()["asset_tags"]]
    assert sorted(tags) == sorted(format_tag("JNS", n) for n in range(1, RACERS * per_donation + 1))
    for response in responses:  # each donation's tags are consecutive: one allocation at a time
        numbers = [int(t.split("-")[1]) for t in response.json()["asset_tags"]]
        assert numbers == list(range(numbers[0], numbers[0] + per_donation))
