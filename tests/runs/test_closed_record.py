"""A device that has left the workshop keeps its record as it was: corrections, checks and pairings are refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from inventory.actors import Actor
from inventory.devices.tables import Device, DeviceEvent
from inventory.devices.transitions import TransitionRequest, transition
from inventory.i18n import gettext
from inventory.lifecycle import RECORD_CLOSED, Action, State
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.runs.helpers import bench_token

CHECKLIST = dict.fromkeys(("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports"), "ok")


@pytest.mark.parametrize("final", [State.SCRAPPED, State.HANDED_OVER])
async def test_a_device_that_has_left_the_workshop_refuses_every_change_to_its_record(
    db: Any, client: httpx.AsyncClient, headers_for: Any, final: State
) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    if final is State.SCRAPPED:
        scrap = TransitionRequest(recycler_reference="Kuusakoski 2026-118")
        await transition(db, tag, Action.SCRAP, Actor.system("tests"), get_settings(), scrap)
    else:
        await factories.bring_to(db, tag, final, client_id=await factories.client())
    events_before = await DeviceEvent.count()
    coordinator = await headers_for(Role.COORDINATOR)
    refusal = gettext(RECORD_CLOSED, "fi")

    corrected = await client.patch(
        f"/api/v1/devices/{tag}", json={"notes": "Uusi muistiinpano"}, headers=coordinator
    )
    checked = await client.post(f"/api/v1/devices/{tag}/hardware-check", json=CHECKLIST, headers=coordinator)
    token = {"Authorization": f"Bearer {await bench_token('JNS')}"}
    check_in = {"mac": "52:54:00:aa:bb:01", "address": "10.0.2.15", "serial": "CLOSED-1", "hostname": "live"}
    machine_id = (await client.post("/api/v1/bench/check-in", json=check_in, headers=token)).json()[
        "machine_id"
    ]
    paired = await client.post(
        f"/api/v1/bench/machines/{machine_id}/pair", json={"code": tag}, headers=coordinator
    )

    for refused in (corrected, checked, paired):
        assert (refused.status_code, refused.json()["detail"]) == (409, refusal), refused.text
    device = await Device.select(Device.notes, Device.state).where(Device.asset_tag == tag).first()
    assert device == {"notes": "", "state": final.value}
    assert await DeviceEvent.count() == events_before
