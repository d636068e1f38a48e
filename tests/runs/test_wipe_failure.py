"""A wipe that fails on the machine leaves the device in wipe_failed with the failing task's words."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import httpx
import pytest

from inventory.permissions import Role
from tests.runs.helpers import bare_device, wait_run


@pytest.mark.slow
async def test_a_disk_gone_from_the_machine_fails_the_wipe_with_the_reason(
    db: Any, http: httpx.AsyncClient, headers_for: Any, make_disks: Any
) -> None:
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(db)
    (disk,) = make_disks(1)
    await http.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    scan = (
        await http.post("/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee)
    ).json()
    assert (await wait_run(http, scan["id"], trainee, seconds=120))["state"] == "successful"
    # The disk disappears from the machine between the scan and the wipe (a loose cable, a swapped disk).
    await asyncio.to_thread(subprocess.run, ["losetup", "--detach", disk.device], check=True)
    wipe = (
        await http.post("/api/v1/runs", json={"kind": "wipe", "asset_tags": [tag]}, headers=trainee)
    ).json()
    run = await wait_run(http, wipe["id"], trainee, seconds=120)
    assert run["state"] == "failed"
    (target,) = run["targets"]
    assert target["state"] == "failed"
    events = (await http.get(f"/api/v1/runs/{wipe['id']}/events", headers=trainee)).json()
    failing = next(e for e in events if e["kind"] == "task_result" and e["outcome"] == "failed")
    assert target["message"] == failing["message"] != "", "the failing task's own words"
    assert failing["task"] == "Check every named disk before erasing any", "nothing was written"
    device = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
    assert device["state"] == "wipe_failed"
    history = (await http.get(f"/api/v1/devices/{tag}/events", headers=trainee)).json()
    assert history[-1]["action"] == "wipe_failed"
    assert history[-1]["reason"] == target["message"]
    assert device["disks"][0]["erasure_certificate"] is None
