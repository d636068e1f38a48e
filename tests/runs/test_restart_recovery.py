"""A server restart mid-run leaves no device stuck: the run is interrupted and the device can be retried."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.clock import now
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.choices import RunKind, RunState
from inventory.runs.recovery import recover_interrupted_runs
from inventory.runs.tables import Run, RunTarget
from inventory.settings import Settings
from tests import factories
from tests.runs.helpers import bare_device, holders, kill_group, sparse_loop, start_server, wait_run


@pytest.mark.slow
async def test_a_server_killed_mid_wipe_comes_back_with_the_device_retryable(
    db: Any, headers_for: Any, tmp_path: Path
) -> None:
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(db)
    with sparse_loop(tmp_path) as (device, image):
        process, url = start_server(workers=1)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                await http.put(
                    f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin
                )
                scan = (
                    await http.post(
                        "/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee
                    )
                ).json()
                assert (await wait_run(http, scan["id"], trainee, seconds=120))["state"] == "successful"
                disks = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["disks"]
                assert len(disks) == 1, f"only {device} is expected on the bench: {disks}"
                wipe = (
                    await http.post(
                        "/api/v1/runs", json={"kind": "wipe", "asset_tags": [tag]}, headers=trainee
                    )
                ).json()
                for _ in range(300):
                    run = (await http.get(f"/api/v1/runs/{wipe['id']}", headers=trainee)).json()
                    if run["targets"][0]["current_task"].startswith("Erase and verify"):
                        break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail(f"the erasure did not start: {run}")
        finally:
            kill_group(process)  # the server, and the Ansible it started, die at once
        stuck = await Run.select(Run.state).where(Run.id == wipe["id"]).first()
        assert stuck is not None
        assert stuck["state"] == RunState.RUNNING.value

        process, url = start_server(workers=1)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                run = (await http.get(f"/api/v1/runs/{wipe['id']}", headers=trainee)).json()
                assert run["state"] == "interrupted", "the restarted server ended the run at start-up"
                assert run["targets"][0]["state"] == "interrupted"
                # The killed server's Ansible workers have sessions of their own and outlived it:
                # recovery stops them before the device is offered for a retry.
                assert not holders(device, image), "the dead server's erasure still writes to the disk"
                device_row = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
                assert device_row["state"] == "wipe_failed"
                retry = await http.post(
                    "/api/v1/runs", json={"kind": "wipe", "asset_tags": [tag]}, headers=trainee
                )
                assert retry.status_code == 201, retry.text
                # The retry runs; cancelled, it ends as canceled and the device is retryable again.
                cancel = await http.post(f"/api/v1/runs/{retry.json()['id']}/cancel", headers=trainee)
                assert cancel.status_code == 200, cancel.text
                ended = await wait_run(http, retry.json()["id"], trainee, seconds=60)
                assert ended["state"] in {"canceled", "successful"}, ended
                if ended["state"] == "canceled":
                    device_row = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
                    assert device_row["state"] == "wipe_failed"
        finally:
            kill_group(process)


async def test_recovery_is_idempotent_and_leaves_live_and_waiting_runs_alone(db: Any) -> None:
    created = await factories.donation(db, devices=3)
    dead, alive, waiting = created.asset_tags
    for tag in created.asset_tags:
        await factories.bring_to(db, tag, State.WIPING)
    site_id = await factories.site("JNS")
    owners = {dead: "kone/999999/1", alive: "", waiting: ""}
    from inventory.runs.identity import process_identity

    owners[alive] = process_identity()
    for tag in created.asset_tags:
        executor = "worker" if tag == waiting else "local"
        state = RunState.QUEUED if tag == waiting else RunState.RUNNING
        rows = await Run.insert(
            Run(
                kind=RunKind.WIPE.value,
                site=site_id,
                state=state.value,
                executor=executor,
                job_ident=f"{tag.replace('-', '').lower()}0",
                job={},
                owner=owners[tag],
                heartbeat_at=now(),
                created_at=now(),
            )
        ).returning(Run.id)
        device = (
            await factories.Device.select(factories.Device.id)
            .where(factories.Device.asset_tag == tag)
            .first()
        )
        assert device is not None
        await RunTarget.insert(RunTarget(run=rows[0]["id"], device=device["id"], host=tag, updated_at=now()))
    import socket

    await Run.update({Run.owner: f"{socket.gethostname()}/999999/1"}).where(Run.owner == "kone/999999/1")
    settings = Settings(run_stale_seconds=60)
    assert await recover_interrupted_runs(db, settings) == 1
    assert await recover_interrupted_runs(db, settings) == 0
    states = {
        row["asset_tag"]: row["state"]
        for row in await factories.Device.select(factories.Device.asset_tag, factories.Device.state)
    }
    assert states == {dead: "wipe_failed", alive: "wiping", waiting: "wiping"}
