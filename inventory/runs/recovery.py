"""Restart recovery: runs whose server process or bench worker is gone are interrupted, devices made retryable."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from piccolo.engine.base import Engine

from inventory.clock import now
from inventory.runs.choices import ACTIVE_RUN_STATES, Executor, RunState, TargetState
from inventory.runs.identity import known_dead, process_identity
from inventory.runs.outcomes import RUN_FAILURES, apply_outcomes
from inventory.runs.run_lifecycle import RunStep
from inventory.runs.run_states import move_run
from inventory.runs.tables import BenchWorker, Run, RunTarget
from inventory.settings import Settings
from provisioning.leftovers import stop_orphans

logger = logging.getLogger("kierto.runs")


def _silent(moment: dt.datetime | None, seconds: int) -> bool:
    return moment is None or now() - moment > dt.timedelta(seconds=seconds)


def server_process_gone(run: dict[str, Any], settings: Settings) -> bool:
    """Whether the server process that ran or read the run is gone (dead here, or silent elsewhere)."""
    owner = run["owner"]
    if owner == process_identity():
        return False
    if owner and known_dead(owner):
        return True
    return _silent(run["heartbeat_at"] or run["created_at"], settings.run_stale_seconds)


async def _interrupted(run: dict[str, Any], settings: Settings) -> bool:
    if run["executor"] == Executor.LOCAL.value:
        return server_process_gone(run, settings)
    if run["state"] != RunState.RUNNING.value or run["stream_complete"]:
        # A queued job waits for a worker, however long; a complete stream only needs reading.
        return False
    worker = (
        await BenchWorker.select(BenchWorker.last_heartbeat_at).where(BenchWorker.id == run["worker"]).first()
    )
    return worker is None or _silent(worker["last_heartbeat_at"], settings.bench_worker_timeout_seconds)


async def recover_interrupted_runs(engine: Engine[Any], settings: Settings) -> int:
    """Interrupt runs nobody is running any more and return their devices to a retryable state.

    Idempotent and safe to run from every process: at start-up, from the scheduler, from a watchdog.
    A local run is interrupted when its server process has died (or, on another host, fell silent);
    a bench worker's run when the worker's heartbeats stopped. Devices go from wiping to wipe_failed
    and from provisioning to provisioning_failed through the lifecycle. Returns how many runs ended.
    """
    columns = (
        Run.id,
        Run.executor,
        Run.state,
        Run.owner,
        Run.heartbeat_at,
        Run.created_at,
        Run.worker,
        Run.stream_complete,
        Run.job_ident,
    )
    count = 0
    for run in await Run.select(*columns).where(Run.state.is_in(list(ACTIVE_RUN_STATES))):
        if not await _interrupted(dict(run), settings):
            continue
        ended = await move_run(
            run["id"],
            RunStep.INTERRUPT,
            {Run.finished_at: now(), Run.explanation: RUN_FAILURES[RunState.INTERRUPTED]},
            also=(Run.state == run["state"]) & (Run.owner == run["owner"]),
        )
        if not ended:
            continue
        logger.warning("run %s interrupted: its server process or bench worker is gone", run["id"])
        if run["executor"] == Executor.LOCAL.value and run["owner"] and known_dead(run["owner"]):
            # Ansible's workers outlive a killed server (they have sessions of their own): an erasure
            # would go on writing while the device is offered for a retry.
            killed = await asyncio.to_thread(stop_orphans, run["job_ident"], settings.run_work_dir)
            if killed:
                logger.warning("run %s: stopped %s Ansible processes its dead server left", run["id"], killed)
        count += 1
        await apply_outcomes(engine, run["id"], settings)
    # Runs that ended but whose devices were not moved on (the process died in between).
    pending = await RunTarget.select(
        RunTarget.run,
        RunTarget.run.owner.as_alias("owner"),
        RunTarget.run.heartbeat_at.as_alias("heartbeat_at"),
        RunTarget.run.created_at.as_alias("created_at"),
    ).where(
        RunTarget.state.is_in([TargetState.PENDING.value, TargetState.RUNNING.value])
        & RunTarget.run.state.not_in(list(ACTIVE_RUN_STATES))
    )
    for run_id in {row["run"] for row in pending if server_process_gone(dict(row), settings)}:
        await apply_outcomes(engine, run_id, settings)
    return count


async def interrupt_predecessors_runs(engine: Engine[Any], worker_id: int, settings: Settings) -> int:
    """A bench worker registers when its process starts (or, idle, when the server forgot it): the runs
    its predecessor under the same name was running, their results not all sent, now run nowhere. Its
    heartbeats would keep them running for ever, so they are interrupted now and their devices made
    retryable. Returns how many runs ended.
    """
    running = await Run.select(Run.id, Run.state).where(
        (Run.worker == worker_id) & Run.state.is_in(list(ACTIVE_RUN_STATES)) & (Run.stream_complete.eq(False))
    )
    count = 0
    for run in running:
        ended = await move_run(
            run["id"],
            RunStep.INTERRUPT,
            {Run.finished_at: now(), Run.explanation: RUN_FAILURES[RunState.INTERRUPTED]},
            also=(Run.worker == worker_id) & (Run.stream_complete.eq(False)),
        )
        if not ended:
            continue
        logger.warning("run %s interrupted: its bench worker %s restarted", run["id"], worker_id)
        count += 1
        await apply_outcomes(engine, run["id"], settings)
    return count
