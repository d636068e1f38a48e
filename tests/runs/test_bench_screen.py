"""The laptop's own status screen: what the bench API tells it in the site's language, and the device page's copy."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from inventory.clock import now
from inventory.devices.tables import Device
from inventory.i18n import gettext
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.choices import RunKind, TargetState
from inventory.runs.screen import Phase, Tone, phase_of
from inventory.runs.tables import BenchMachine, Run, RunTarget
from tests import factories
from tests.runs.helpers import bench_token

CHECK_IN = {
    "mac": "52:54:00:12:34:56",
    "address": "10.0.2.15",
    "serial": "VM-SCREEN-1",
    "hostname": "kierto-live",
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _running_target(device_id: int, kind: RunKind, percent: int) -> None:
    site = (await Device.select(Device.site).where(Device.id == device_id).first() or {})["site"]
    run = await Run.insert(
        Run(kind=kind.value, site=site, state="running", job_ident=uuid.uuid4().hex, created_at=now())
    ).returning(Run.id)
    await RunTarget.insert(
        RunTarget(
            run=run[0]["id"],
            device=device_id,
            host="m1",
            state=TargetState.RUNNING.value,
            percent=percent,
            updated_at=now(),
        )
    )


async def test_the_screen_follows_the_machine_from_check_in_to_done_in_the_sites_language(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    token = _bearer(await bench_token("JNS"))
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    checked = await client.post("/api/v1/bench/check-in", json=CHECK_IN, headers=token)
    machine_id = checked.json()["machine_id"]
    screen_url = f"/api/v1/bench/machines/{machine_id}/screen"

    waiting = (await client.get(screen_url, params={"language": "en"}, headers=token)).json()
    assert (waiting["phase"], waiting["tone"], waiting["serial"], waiting["asset_tag"]) == (
        "waiting_scan",
        "waiting",
        "VM-SCREEN-1",
        None,
    )
    assert waiting["title"] == "Checked in: waiting for a scan"
    finnish = (await client.get(screen_url, params={"language": "fi"}, headers=token)).json()
    assert finnish["title"] == gettext("Checked in: waiting for a scan", "fi") != waiting["title"]

    trainee = await headers_for(Role.TRAINEE)
    paired = await client.post(
        f"/api/v1/bench/machines/{machine_id}/pair", json={"code": tag}, headers=trainee
    )
    assert paired.status_code == 200, paired.text
    shown = (await client.get(screen_url, params={"language": "sv"}, headers=token)).json()
    assert (shown["phase"], shown["asset_tag"]) == ("checked_in", tag)
    assert tag in shown["title"]

    device_id = (await Device.select(Device.id).where(Device.asset_tag == tag).first() or {})["id"]
    await factories.bring_to(db, tag, State.WIPING)
    await _running_target(device_id, RunKind.WIPE, 43)
    wiping = (await client.get(screen_url, params={"language": "en"}, headers=token)).json()
    assert (wiping["phase"], wiping["tone"], wiping["percent"], wiping["title"]) == (
        "wiping",
        "working",
        43,
        "Wiping 43 %",
    )
    sv = (await client.get(screen_url, params={"language": "sv"}, headers=token)).json()
    assert sv["title"] == gettext("Wiping {percent} %", "sv").format(percent=43)

    page = await client.get(f"/devices/{tag}/progress", headers=trainee)
    assert page.status_code == 200, page.text
    assert gettext("Wiping {percent} %", "fi").format(percent=43) in page.text, page.text

    await BenchMachine.update({BenchMachine.device: None}).where(BenchMachine.id == machine_id)
    await BenchMachine.update({BenchMachine.device: device_id}).where(BenchMachine.id == machine_id)
    await Device.update({Device.state: State.READY.value}).where(Device.id == device_id)
    done = (await client.get(screen_url, params={"language": "en"}, headers=token)).json()
    assert (done["phase"], done["tone"], done["percent"], done["title"]) == (
        "done",
        "done",
        None,
        "Done: you may power off",
    )


async def test_only_the_sites_bench_token_sees_a_machines_screen(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    own = _bearer(await bench_token("JNS"))
    other = _bearer(await bench_token("TOH"))
    machine_id = (await client.post("/api/v1/bench/check-in", json=CHECK_IN, headers=own)).json()[
        "machine_id"
    ]
    url = f"/api/v1/bench/machines/{machine_id}/screen"
    assert (await client.get(url, headers=own)).status_code == 200
    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.get(url, headers=await headers_for(Role.ADMIN))).status_code == 403
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, params={"language": "de"}, headers=own)).status_code == 422
    assert (
        await client.get(f"/api/v1/bench/machines/{machine_id + 99}/screen", headers=own)
    ).status_code == 404


def test_a_failed_step_shows_red_with_the_reason_and_a_scan_shows_as_scanning() -> None:
    failed = {
        "state": TargetState.FAILED.value,
        "percent": 60,
        "message": "Disk /dev/nvme0n1 refused",
        "kind": "wipe",
    }
    assert phase_of(State.WIPE_FAILED, failed) == (Phase.FAILED, None, "Disk /dev/nvme0n1 refused")
    scanning = {"state": TargetState.RUNNING.value, "percent": 10, "message": "", "kind": "scan"}
    assert phase_of(State.RECEIVED, scanning)[0] is Phase.SCANNING
    installing = {"state": TargetState.RUNNING.value, "percent": 70, "message": "", "kind": "provision"}
    assert phase_of(State.PROVISIONING, installing) == (Phase.INSTALLING, 70, "")
    assert phase_of(State.WIPED, None)[0] is Phase.WIPED
    assert phase_of(State.ON_HOLD, None)[0] is Phase.ON_HOLD
    assert {Tone.FAILED, Tone.DONE} <= set(Tone)
