"""A bench worker as its own process on loopback: real wipe and installation, live events, death and restart."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.permissions import Role
from tests.runs.helpers import (
    WORK_DIRS,
    bare_device,
    bench_token,
    holders,
    kill_group,
    sparse_loop,
    start_worker,
    use_bench_worker,
    wait_run,
)
from tests.runs.test_service_end_to_end import TEST_PROFILE, _sse

SCRIPT = Path(__file__).resolve().parents[2] / "provisioning" / "checkin" / "kierto_checkin.py"


async def _start(http: httpx.AsyncClient, headers: dict[str, str], kind: str, tag: str, **extra: Any) -> int:
    response = await http.post(
        "/api/v1/runs", json={"kind": kind, "asset_tags": [tag], **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["executor"] == "worker"
    return int(response.json()["id"])


async def _online_workers(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    sites = (await http.get("/api/v1/bench/sites", headers=headers)).json()
    return [w for s in sites if s["site_code"] == "JNS" for w in s["workers"] if w["online"]]


@pytest.mark.slow
async def test_a_worker_wipes_and_installs_with_events_arriving_while_it_runs(
    db: Any, http: httpx.AsyncClient, headers_for: Any, make_disks: Any, bench_chroot: Path
) -> None:
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    await use_bench_worker("JNS")
    tag = await bare_device(db)
    disks = make_disks(1)
    profile = (await http.post("/api/v1/profiles", json=TEST_PROFILE, headers=admin)).json()
    await http.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    worker = start_worker(http.base_url.__str__(), await bench_token("JNS"))
    try:
        run = await wait_run(http, await _start(http, trainee, "scan", tag), trainee, seconds=120)
        assert run["state"] == "successful", run
        assert run["worker"] == "penkki-1"
        (online,) = await _online_workers(http, trainee)
        assert online["version"]

        run = await wait_run(http, await _start(http, trainee, "wipe", tag), trainee, seconds=120)
        assert run["state"] == "successful", run
        assert disks[0].is_zero()
        assert (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["state"] == "wiped"

        await http.put(
            f"/api/v1/devices/{tag}/connection",
            json={"connection": "chroot", "address": str(bench_chroot)},
            headers=admin,
        )
        run_id = await _start(http, trainee, "provision", tag, profile_id=profile["id"])
        messages = await _sse(http, f"/runs/{run_id}/stream", trainee)
        run = await wait_run(http, run_id, trainee)
        assert run["state"] == "successful", run
        progress = [data["targets"][0]["percent"] for event, data in messages if event == "progress"]
        assert any(0 < percent < 100 for percent in progress), "events arrive while the worker runs"
        assert messages[-1][0] == "finished"
        assert (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["state"] == "ready"
        events = (await http.get(f"/api/v1/runs/{run_id}/events", headers=trainee)).json()
        assert any(e["role"] == "bench_cleanup" for e in events)
        assert "asiakas" in (bench_chroot / "etc/passwd").read_text()
    finally:
        kill_group(worker, signal.SIGTERM)


@pytest.mark.slow
async def test_a_worker_killed_mid_run_leaves_the_device_retryable_and_a_new_worker_takes_new_jobs(
    db: Any, http: httpx.AsyncClient, headers_for: Any, tmp_path: Path
) -> None:
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    await use_bench_worker("JNS")
    token = await bench_token("JNS")
    tag = await bare_device(db)
    await http.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    with sparse_loop(tmp_path) as (device, image):
        worker = start_worker(str(http.base_url), token)
        work_dir = WORK_DIRS[worker.pid]
        try:
            scan = await wait_run(http, await _start(http, trainee, "scan", tag), trainee, seconds=120)
            assert scan["state"] == "successful", scan
            disks = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["disks"]
            assert len(disks) == 1, f"only {device} is expected on the bench: {disks}"
            run_id = await _start(http, trainee, "wipe", tag)
            for _ in range(300):
                run = (await http.get(f"/api/v1/runs/{run_id}", headers=trainee)).json()
                if run["targets"][0]["current_task"].startswith("Erase and verify"):
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail(f"the erasure did not start: {run}")
        finally:
            kill_group(worker)
        run = await wait_run(http, run_id, trainee, seconds=60)
        assert run["state"] == "interrupted"
        device_row = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
        assert device_row["state"] == "wipe_failed"
        assert "start_wipe" in device_row["available_actions"]
        history = (await http.get(f"/api/v1/devices/{tag}/events", headers=trainee)).json()
        assert "interrupted" in history[-1]["reason"]

        # Restarted where it keeps its runs, as a service is: it stops the erasure its killed predecessor
        # left running (Ansible outlives the worker) before it takes new jobs.
        again = start_worker(str(http.base_url), token, name="penkki-1", work_dir=work_dir)
        try:
            rescan = await wait_run(http, await _start(http, trainee, "scan", tag), trainee, seconds=120)
            assert rescan["state"] == "successful", rescan
            assert not holders(device, image), "the killed worker's erasure still writes to the disk"
        finally:
            kill_group(again, signal.SIGTERM)


async def test_the_check_in_script_reports_this_machine(db: Any, http: httpx.AsyncClient) -> None:
    import os
    import subprocess
    import sys

    from inventory.runs.tables import BenchMachine

    script = SCRIPT
    env = {**os.environ, "KIERTO_BENCH_TOKEN": await bench_token("JNS")}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(script), "--server", str(http.base_url), "--wait", "10"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Checked in" in result.stdout
    (machine,) = await BenchMachine.select()
    assert machine["address"] == "127.0.0.1"
    assert machine["mac"].count(":") == 5
    refused = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(script), "--server", str(http.base_url), "--wait", "10"],
        env={**os.environ, "KIERTO_BENCH_TOKEN": "kt_not-a-token"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert "refused" in refused.stderr
