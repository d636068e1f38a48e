"""Read-only queries about runs: one run with its devices, lists, events, a device's progress, workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import msgspec

from inventory.actors import Actor
from inventory.clock import now
from inventory.devices.queries import device_id_of
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.runs.choices import Executor, RunState
from inventory.runs.rows import (
    DeviceProgressRow,
    RunRow,
    RunTargetRow,
    RunWithTargets,
    SiteWorkersRow,
    WorkerRow,
)
from inventory.runs.schemas import RunEventOut
from inventory.runs.tables import BenchSite, BenchWorker, HardwareScan, Run, RunEvent, RunTarget
from inventory.settings import Settings
from inventory.sites.reach import site_condition
from inventory.sites.tables import Site

RUN_COLUMNS = (
    Run.id,
    Run.kind,
    Run.site.code.as_alias("site_code"),
    Run.site,
    Run.profile.slug.as_alias("profile_slug"),
    Run.state,
    Run.executor,
    Run.job_ident,
    Run.worker.name.as_alias("worker_name"),
    Run.started_by_label,
    Run.created_at,
    Run.started_at,
    Run.finished_at,
    Run.explanation,
)
TARGET_COLUMNS = (
    RunTarget.id,
    RunTarget.run,
    RunTarget.host,
    RunTarget.state,
    RunTarget.percent,
    RunTarget.current_task,
    RunTarget.message,
    RunTarget.result,
    RunTarget.updated_at,
    RunTarget.finished_at,
)


async def latest_scan_facts(device_id: int) -> dict[str, Any]:
    """The facts of the device's latest hardware scan (disks, batteries, …), or {} before its first scan."""
    scan = (
        await HardwareScan.select(HardwareScan.facts)
        .where(HardwareScan.device == device_id)
        .order_by(HardwareScan.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    return dict((scan or {}).get("facts") or {})


async def get_run(run_id: int) -> RunWithTargets:
    """One run with its devices."""
    run = await Run.select(*RUN_COLUMNS).where(Run.id == run_id).first()
    if run is None:
        raise NotFound(N_("There is no such run."))
    targets = (
        await RunTarget.select(*TARGET_COLUMNS)
        .where(RunTarget.run == run_id)
        .order_by(RunTarget.id)
        .output(load_json=True)
    )
    return cast(RunWithTargets, {**run, "targets": list(targets)})


async def list_runs(
    actor: Actor, asset_tag: str | None = None, states: Sequence[RunState] = (), limit: int = 50
) -> list[RunWithTargets]:
    """Recent runs at the sites in the actor's reach, newest first, optionally of one device or some states."""
    query = Run.select(*RUN_COLUMNS).order_by(Run.id, ascending=False).limit(limit)
    in_reach = site_condition(actor, Run.site)
    if in_reach is not None:
        query = query.where(in_reach)
    if asset_tag:
        ids = await RunTarget.select(RunTarget.run).where(RunTarget.device.asset_tag == asset_tag)
        query = query.where(Run.id.is_in([row["run"] for row in ids] or [0]))
    if states:
        query = query.where(Run.state.is_in([state.value for state in states]))
    runs = list(await query)
    if runs:
        targets = (
            await RunTarget.select(*TARGET_COLUMNS)
            .where(RunTarget.run.is_in([r["id"] for r in runs]))
            .order_by(RunTarget.id)
            .output(load_json=True)
        )
        by_run: dict[int, list[RunTargetRow]] = {}
        for target in targets:
            by_run.setdefault(target["run"], []).append(cast(RunTargetRow, target))
        for run in runs:
            run["targets"] = by_run.get(run["id"], [])
    return cast(list[RunWithTargets], runs)


async def run_events(run_id: int, after: int = 0, limit: int = 200) -> list[RunEventOut]:
    """A run's stored events after an event id, oldest first."""
    if not await Run.exists().where(Run.id == run_id):
        raise NotFound(N_("There is no such run."))
    rows = (
        await RunEvent.select(
            RunEvent.id,
            RunEvent.kind,
            RunEvent.host,
            RunEvent.task,
            RunEvent.role,
            RunEvent.outcome,
            RunEvent.message,
            RunEvent.created_at,
            RunEvent.received_at,
            RunEvent.runner_event.as_alias("raw"),
        )
        .where((RunEvent.run == run_id) & (RunEvent.id > after))
        .order_by(RunEvent.id)
        .limit(limit)
        .output(load_json=True)
    )
    return msgspec.convert(rows, list[RunEventOut])


async def device_progress(asset_tag: str, device_id: int | None = None) -> DeviceProgressRow | None:
    """The device's part in its latest run, with the run's kind and state; None if it has never been in one.

    A caller that has read the device already passes its id: one query less on the device page.
    """
    if device_id is None:
        device_id = await device_id_of(asset_tag)
    row = (
        await RunTarget.select(
            *TARGET_COLUMNS,
            RunTarget.run.kind.as_alias("kind"),
            RunTarget.run.state.as_alias("run_state"),
            RunTarget.run.executor.as_alias("executor"),
        )
        .where(RunTarget.device == device_id)
        .order_by(RunTarget.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    return cast(DeviceProgressRow, dict(row)) if row else None


async def workers_by_site(settings: Settings) -> list[SiteWorkersRow]:
    """Every site with where its runs go, its bench workers (online, last heartbeat, version, jobs) and waiting jobs."""
    sites = await Site.select(Site.id, Site.code, Site.name).order_by(Site.code)
    executors = {
        row["site"]: row["executor"] for row in await BenchSite.select(BenchSite.site, BenchSite.executor)
    }
    workers = await BenchWorker.select().order_by(BenchWorker.name)
    running = await Run.select(Run.worker, Run.id).where(
        (Run.state == RunState.RUNNING.value) & Run.worker.is_not_null()
    )
    queued = await Run.select(Run.site, Run.id).where(
        (Run.state == RunState.QUEUED.value) & (Run.executor == Executor.WORKER.value)
    )
    limit = now() - dt.timedelta(seconds=settings.bench_worker_timeout_seconds)
    result: list[SiteWorkersRow] = []
    for site in sites:
        site_workers = [
            cast(
                WorkerRow,
                {
                    **worker,
                    "online": worker["last_heartbeat_at"] > limit,
                    "running_runs": [r["id"] for r in running if r["worker"] == worker["id"]],
                },
            )
            for worker in workers
            if worker["site"] == site["id"]
        ]
        result.append(
            cast(
                SiteWorkersRow,
                {
                    **site,
                    "executor": executors.get(site["id"], Executor.LOCAL.value),
                    "workers": site_workers,
                    "waiting_runs": [r["id"] for r in queued if r["site"] == site["id"]],
                },
            )
        )
    return result


async def waiting_reason(run: RunRow, settings: Settings) -> str | None:
    """Why a run waits, in words (message id), or None when it does not."""
    if run["state"] != RunState.QUEUED.value or run["executor"] != Executor.WORKER.value:
        return None
    limit = now() - dt.timedelta(seconds=settings.bench_worker_timeout_seconds)
    online = await BenchWorker.exists().where(
        (BenchWorker.site == run["site"]) & (BenchWorker.last_heartbeat_at > limit)
    )
    if not online:
        return N_(
            "No bench worker of this site is online. The run starts when one connects; it never runs elsewhere."
        )
    return N_("Waiting for the site's bench worker to take the run.")
