"""The server's side of the bench workers: registration, heartbeats, handing out jobs, taking their results."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.clock import now
from inventory.database import write_transaction
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.runs.bench_tokens import BenchCredential
from inventory.runs.choices import Executor, RunState
from inventory.runs.job_builder import build_job
from inventory.runs.outcomes import apply_outcomes
from inventory.runs.recording import finish_run
from inventory.runs.recovery import interrupt_predecessors_runs
from inventory.runs.run_lifecycle import RunStep
from inventory.runs.run_states import move_run
from inventory.runs.tables import BenchWorker, Run, RunStreamChunk
from inventory.settings import Settings
from provisioning.streaming import transmit_bytes

logger = logging.getLogger("kierto.runs")
MAX_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class WorkerRegistration:
    """What a starting bench worker says of itself, and the address it spoke from."""

    name: str
    version: str
    ssh_key_path: str | None
    address: str


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker took: the run, its ident and ansible-runner's job stream."""

    run_id: int
    ident: str
    stream: bytes


async def register_worker(
    engine: Engine[Any],
    settings: Settings,
    bench: BenchCredential,
    worker: WorkerRegistration,
) -> int:
    """Register a worker of the token's site (again, after a restart: same token and name, same worker,
    and what its predecessor was running is interrupted: the new process runs none of it)."""
    name, version, ssh_key_path, address = worker.name, worker.version, worker.ssh_key_path, worker.address
    moment = now()
    values: dict[Any, Any] = {
        BenchWorker.version: version.strip()[:40],
        BenchWorker.ssh_key_path: ssh_key_path,
        BenchWorker.address: address[:64],
        BenchWorker.last_heartbeat_at: moment,
    }
    existing = (
        await BenchWorker.select(BenchWorker.id)
        .where((BenchWorker.token == bench.bench_token_id) & (BenchWorker.name == name.strip()[:100]))
        .first()
    )
    if existing is not None:
        await BenchWorker.update(values).where(BenchWorker.id == existing["id"])
        await interrupt_predecessors_runs(engine, int(existing["id"]), settings)
        return int(existing["id"])
    rows = await BenchWorker.insert(
        BenchWorker(
            site=bench.site_id,
            token=bench.bench_token_id,
            name=name.strip()[:100],
            version=version.strip()[:40],
            ssh_key_path=ssh_key_path,
            address=address[:64],
            registered_at=moment,
            last_heartbeat_at=moment,
        )
    ).returning(BenchWorker.id)
    return int(rows[0]["id"])


async def _worker(bench: BenchCredential, worker_id: int) -> dict[str, Any]:
    row = (
        await BenchWorker.select()
        .where(
            (BenchWorker.id == worker_id)
            & (BenchWorker.token == bench.bench_token_id)
            & (BenchWorker.site == bench.site_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such bench worker for this token. Register again."))
    return dict(row)


async def heartbeat(bench: BenchCredential, worker_id: int) -> list[str]:
    """Note that the worker is alive; return the jobs of it that people asked to cancel."""
    await _worker(bench, worker_id)
    await BenchWorker.update({BenchWorker.last_heartbeat_at: now()}).where(BenchWorker.id == worker_id)
    rows = await Run.select(Run.job_ident).where(
        (Run.worker == worker_id)
        & (Run.state == RunState.RUNNING.value)
        & Run.cancel_requested_at.is_not_null()
    )
    return [row["job_ident"] for row in rows]


async def claim_job(
    engine: Engine[Any], bench: BenchCredential, worker_id: int, settings: Settings
) -> ClaimedJob | None:
    """Take the site's oldest waiting job for this worker, as ansible-runner's job stream; None if none waits."""
    worker = await _worker(bench, worker_id)
    await BenchWorker.update({BenchWorker.last_heartbeat_at: now()}).where(BenchWorker.id == worker_id)
    while True:
        candidate = (
            await Run.select(Run.id)
            .where(
                (Run.site == bench.site_id)
                & (Run.executor == Executor.WORKER.value)
                & (Run.state == RunState.QUEUED.value)
            )
            .order_by(Run.id)
            .first()
        )
        if candidate is None:
            return None
        claimed = await move_run(
            candidate["id"],
            RunStep.START,
            {Run.worker: worker_id, Run.started_at: now(), Run.heartbeat_at: now()},
        )
        if claimed:
            break
    run = await Run.select().where(Run.id == candidate["id"]).output(load_json=True).first()
    assert run is not None
    try:
        job = await build_job(run, settings, worker["ssh_key_path"])
        stream = await asyncio.to_thread(transmit_bytes, job)
    except Exception as error:
        logger.exception("run %s could not be sent to its worker", run["id"])
        await finish_run(run["id"], None, f"The run could not be sent to the bench worker: {error}")
        await apply_outcomes(engine, run["id"], settings)
        return None
    return ClaimedJob(run["id"], run["job_ident"], stream)


@dataclass(frozen=True)
class Receipt:
    """How much of the result stream the server now holds, and whether the bytes sent were old news."""

    run_id: int
    received: int
    duplicate: bool
    stored: bool


async def receive_results(
    engine: Engine[Any],
    bench: BenchCredential,
    worker_id: int,
    ident: str,
    offset: int,
    data: bytes,
    complete: bool,
) -> Receipt:
    """Append a piece of a job's result stream at its offset; bytes already held are recorded once."""
    await _worker(bench, worker_id)
    async with write_transaction(engine):
        run = (
            await Run.select(Run.id, Run.state, Run.stream_received)
            .where((Run.job_ident == ident) & (Run.site == bench.site_id) & (Run.worker == worker_id))
            .first()
        )
        if run is None:
            raise NotFound(N_("This bench worker has no such job."))
        received = int(run["stream_received"])
        end = offset + len(data)
        if run["state"] != RunState.RUNNING.value:
            if end <= received:
                return Receipt(run["id"], received, True, False)
            raise Conflict(
                N_(
                    "This job has ended on the server (it was interrupted or canceled); its results are no longer taken."
                )
            )
        if offset > received:
            # A gap: nothing is stored, and the worker sends again from `received`.
            return Receipt(run["id"], received, False, False)
        tail = data[received - offset :]
        if not tail and not complete:
            return Receipt(run["id"], received, True, False)
        values: dict[Any, Any] = {Run.stream_received: received + len(tail)}
        if complete:
            values[Run.stream_complete] = True
        updated = (
            await Run.update(values)
            .where((Run.id == run["id"]) & (Run.stream_received == received))
            .returning(Run.id)
        )
        if not updated:
            current = await Run.select(Run.stream_received).where(Run.id == run["id"]).first()
            assert current is not None
            return Receipt(run["id"], int(current["stream_received"]), False, False)
        if tail:
            await RunStreamChunk.insert(
                RunStreamChunk(run=run["id"], offset=received, data=tail, received_at=now())
            )
    return Receipt(run["id"], received + len(tail), not tail, True)
