"""The run queries return rows of the shape their types (`inventory/runs/rows.py`) promise, key for key."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.permissions import Role
from inventory.runs.queries import device_progress, get_run, list_runs, run_events, workers_by_site
from inventory.runs.rows import (
    DeviceProgressRow,
    RunTargetRow,
    RunWithTargets,
    SiteWorkersRow,
    WorkerRow,
)
from inventory.settings import Settings
from provisioning.streaming import work
from tests.runs.helpers import bare_device, bench_token, use_bench_worker, wait_run
from tests.support import assert_row_shape


async def test_a_finished_runs_rows_have_the_shapes_their_types_promise(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(db)
    await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    run = (
        await client.post("/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee)
    ).json()
    token = {"Authorization": f"Bearer {await bench_token('JNS')}"}
    registered = await client.post(
        "/api/v1/bench/workers", json={"name": "joensuu", "version": "1.0"}, headers=token
    )
    worker = registered.json()["worker_id"]
    job = await client.get(f"/api/v1/bench/workers/{worker}/jobs/next", params={"wait": 0}, headers=token)
    result = io.BytesIO()
    await asyncio.to_thread(work, io.BytesIO(job.content), result)
    posted = await client.post(
        f"/api/v1/bench/workers/{worker}/jobs/{run['job_ident']}/results",
        params={"offset": 0, "complete": True},
        content=result.getvalue(),
        headers=token,
    )
    assert posted.status_code == 200, posted.text
    assert (await wait_run(client, run["id"], trainee, seconds=60))["state"] == "successful"

    one = await get_run(run["id"])
    assert_row_shape(one, RunWithTargets)
    [target] = one["targets"]
    assert_row_shape(target, RunTargetRow)
    [listed] = await list_runs(Actor.system("rows test"), asset_tag=tag)
    assert_row_shape(listed, RunWithTargets)
    events = await run_events(run["id"])
    assert events, "a finished scan has stored events"
    progress = await device_progress(tag)
    assert progress is not None
    assert_row_shape(progress, DeviceProgressRow)
    sites = await workers_by_site(Settings())
    [jns] = [site for site in sites if site["code"] == "JNS"]
    assert_row_shape(jns, SiteWorkersRow)
    [joensuu] = jns["workers"]
    assert_row_shape(joensuu, WorkerRow)
    assert joensuu["online"] is True
