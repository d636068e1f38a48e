"""The run queries return rows of the shape their types (`inventory/runs/rows.py`) promise, key for key."""

from __future__ import annotations

from typing import Any

import httpx

from inventory.actors import Actor
from inventory.runs.queries import device_progress, get_run, list_runs, run_events, workers_by_site
from inventory.runs.rows import (
    DeviceProgressRow,
    RunTargetRow,
    RunWithTargets,
    SiteWorkersRow,
    WorkerRow,
)
from inventory.settings import Settings
from tests.runs.helpers import wait_run, worker_scan
from tests.support import assert_row_shape


async def test_a_finished_runs_rows_have_the_shapes_their_types_promise(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    scan = await worker_scan(db, client, headers_for)
    posted = await client.post(
        scan.results_url, params={"offset": 0, "complete": True}, content=scan.stream, headers=scan.token
    )
    assert posted.status_code == 200, posted.text
    run = scan.run
    [tag] = [target["asset_tag"] for target in run["targets"]]
    assert (await wait_run(client, run["id"], scan.trainee, seconds=60))["state"] == "successful"

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
