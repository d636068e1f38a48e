"""The runs of one server process: local runs executed, bench workers' result streams read, a watchdog."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import IO, Any, TypeAlias

from litestar.di import NamedDependency
from piccolo.engine.base import Engine

from inventory.clock import now
from inventory.runs.choices import Executor, RunState
from inventory.runs.identity import process_identity
from inventory.runs.job_builder import build_job
from inventory.runs.outcomes import apply_outcomes
from inventory.runs.recording import Recorder, finish_run
from inventory.runs.recovery import recover_interrupted_runs, server_process_gone
from inventory.runs.tables import Run, RunStreamChunk
from inventory.settings import Settings
from provisioning.handle import RunHandle
from provisioning.local_runner import start_local_run
from provisioning.streaming import start_processing

logger = logging.getLogger("kierto.runs")
FEED_POLL_SECONDS = 0.2


def _write_all(stream: IO[bytes], data: bytes) -> None:
    stream.write(data)
    stream.flush()


class RunSupervisor:
    """Everything this process does for runs; one per application, its asyncio parts made on first use."""

    def __init__(self, engine: Engine[Any], settings: Settings) -> None:
        """Create the supervisor; nothing starts until a run is submitted or the app starts."""
        self.engine = engine
        self.settings = settings
        self.identity = process_identity()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._handles: dict[int, RunHandle] = {}
        self._changes: dict[int, asyncio.Event] = {}
        self._queued: asyncio.Event | None = None
        self._watchdog: asyncio.Task[None] | None = None

    # Wake-ups --------------------------------------------------------------------------------------
    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._tasks, self._handles, self._changes = loop, {}, {}, {}
            self._queued, self._watchdog = asyncio.Event(), None
        return loop

    def changed(self, run_id: int) -> None:
        """Wake whoever waits for news of this run in this process (live progress, the stream feeder)."""
        event = self._changes.pop(run_id, None)
        if event is not None:
            event.set()

    async def wait_changed(self, run_id: int, seconds: float) -> None:
        """Wait until the run changes in this process, or the timeout passes (other processes are polled)."""
        self._bind()
        event = self._changes.setdefault(run_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    def queued(self) -> None:
        """A job is waiting for a bench worker: wake the long polls in this process."""
        if self._queued is not None:
            self._queued.set()
            self._queued = asyncio.Event()

    async def wait_queued(self, seconds: float) -> None:
        """Wait for a new job in this process, or the timeout."""
        self._bind()
        assert self._queued is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queued.wait(), seconds)

    # Local runs -----------------------------------------------------------------------------------
    def submit(self, run_id: int) -> None:
        """Run a local run in this process."""
        loop = self._bind()
        self._start_watchdog()
        self._tasks[run_id] = loop.create_task(self._execute_local(run_id), name=f"kierto-run-{run_id}")

    async def wait(self, run_id: int) -> None:
        """Wait until this process is done with a run (tests, the bench)."""
        task = self._tasks.get(run_id)
        if task is not None:
            await asyncio.shield(task)

    def cancel(self, run_id: int) -> bool:
        """Ask a local run of this process to stop; True if it runs here."""
        handle = self._handles.get(run_id)
        if handle is None:
            return False
        handle.cancel()
        return True

    async def _claim(self, run_id: int, expected_owner: str) -> dict[str, Any] | None:
        claimed = (
            await Run.update({Run.owner: self.identity, Run.heartbeat_at: now()})
            .where((Run.id == run_id) & (Run.owner == expected_owner))
            .returning(Run.id)
        )
        if not claimed:
            return None
        return await Run.select().where(Run.id == run_id).output(load_json=True).first()

    async def _execute_local(self, run_id: int) -> None:
        run = await self._claim(run_id, "")
        if run is None:
            return
        recorder = Recorder(self.engine, run_id, self.changed)
        try:
            key = str(self.settings.bench_ssh_key) if self.settings.bench_ssh_key else None
            job = await build_job(run, self.settings, key)
        except Exception as error:
            logger.exception("run %s could not be built", run_id)
            await finish_run(run_id, None, f"The run could not be started: {error}")
        else:
            handle = start_local_run(job, work_dir=self.settings.run_work_dir)
            self._handles[run_id] = handle
            try:
                finished = await recorder.consume(handle.events())
            except BaseException:
                handle.cancel()
                raise
            finally:
                self._handles.pop(run_id, None)
            await finish_run(run_id, finished)
        await apply_outcomes(self.engine, run_id, self.settings)
        self.changed(run_id)

    # Bench workers' result streams ------------------------------------------------------------------
    async def ensure_processing(self, run_id: int) -> None:
        """Read a worker run's result stream in this process unless a live process already does."""
        self._bind()
        task = self._tasks.get(run_id)
        if task is not None and not task.done():
            self.changed(run_id)
            return
        run = (
            await Run.select(Run.id, Run.owner, Run.heartbeat_at, Run.created_at, Run.state)
            .where(Run.id == run_id)
            .first()
        )
        if run is None or run["state"] != RunState.RUNNING.value:
            return
        if (
            run["owner"]
            and run["owner"] != self.identity
            and not server_process_gone(dict(run), self.settings)
        ):
            return
        claimed = await self._claim(run_id, run["owner"])
        if claimed is None:
            return
        self._start_watchdog()
        self._tasks[run_id] = asyncio.get_running_loop().create_task(
            self._process_stream(claimed), name=f"kierto-stream-{run_id}"
        )

    async def _process_stream(self, run: dict[str, Any]) -> None:
        run_id = int(run["id"])
        read_fd, write_fd = os.pipe()
        reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
        handle = start_processing(reader, run["job_ident"], work_dir=self.settings.run_work_dir)
        feeder = asyncio.get_running_loop().create_task(self._feed(run_id, writer))
        try:
            finished = await Recorder(self.engine, run_id, self.changed).consume(handle.events())
        finally:
            feeder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feeder
            reader.close()
        await finish_run(run_id, finished)
        # The events are stored: the raw stream is no longer needed, however the run ended.
        await RunStreamChunk.delete().where(RunStreamChunk.run == run_id)
        await apply_outcomes(self.engine, run_id, self.settings)
        self.changed(run_id)

    async def _feed(self, run_id: int, writer: IO[bytes]) -> None:
        """Copy the stored chunks into the processor's pipe as they arrive; close it when the run ends."""
        fed = 0
        try:
            while True:
                chunks = (
                    await RunStreamChunk.select(RunStreamChunk.offset, RunStreamChunk.data)
                    .where((RunStreamChunk.run == run_id) & (RunStreamChunk.offset >= fed))
                    .order_by(RunStreamChunk.offset)
                )
                for chunk in chunks:
                    if chunk["offset"] != fed:
                        break
                    await asyncio.to_thread(_write_all, writer, bytes(chunk["data"]))
                    fed += len(chunk["data"])
                if not chunks or chunks[-1]["offset"] + len(chunks[-1]["data"]) == fed:
                    run = (
                        await Run.select(Run.state, Run.stream_complete, Run.stream_received)
                        .where(Run.id == run_id)
                        .first()
                    )
                    if run is None or run["state"] != RunState.RUNNING.value:
                        return
                    if run["stream_complete"] and run["stream_received"] == fed:
                        return  # everything is in the pipe: closing it lets the reader finish the last piece
                    await self.wait_changed(run_id, FEED_POLL_SECONDS)
        finally:
            with contextlib.suppress(OSError):
                writer.close()

    # Watchdog ---------------------------------------------------------------------------------------
    def _start_watchdog(self) -> None:
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.get_running_loop().create_task(
                self._watch(), name="kierto-runs-watchdog"
            )

    async def start(self) -> None:
        """At start-up: end the runs a dead process left behind, then keep watching."""
        self._bind()
        ended = await recover_interrupted_runs(self.engine, self.settings)
        if ended:
            logger.warning("%s run(s) were interrupted by a restart; their devices can be retried", ended)
        self._start_watchdog()

    async def stop(self) -> None:
        """At shutdown: stop the local runs (they end as canceled) and the watchdog."""
        for handle in list(self._handles.values()):
            handle.cancel()
        tasks = [task for task in self._tasks.values() if not task.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog

    def _intervals(self) -> tuple[float, float]:
        heartbeat = max(0.5, min(5.0, self.settings.run_stale_seconds / 4))
        recovery = max(0.5, min(15.0, self.settings.bench_worker_timeout_seconds / 3))
        return heartbeat, recovery

    async def _watch(self) -> None:
        heartbeat, recovery = self._intervals()
        since_recovery = 0.0
        while True:
            await asyncio.sleep(heartbeat)
            since_recovery += heartbeat
            try:
                mine = [run_id for run_id, task in self._tasks.items() if not task.done()]
                if mine:
                    await Run.update({Run.heartbeat_at: now()}).where(
                        Run.id.is_in(mine) & (Run.owner == self.identity)
                    )
                    stopping = await Run.select(Run.id).where(
                        Run.id.is_in(mine) & Run.cancel_requested_at.is_not_null()
                    )
                    for row in stopping:
                        self.cancel(row["id"])
                if since_recovery >= recovery:
                    since_recovery = 0.0
                    await recover_interrupted_runs(self.engine, self.settings)
                    await self._adopt_orphans()
            except Exception:  # the watchdog must outlive a database hiccup
                logger.exception("the runs watchdog failed; trying again")

    async def _adopt_orphans(self) -> None:
        """Read worker streams whose reading process died (the worker may have sent everything already)."""
        rows = await Run.select(Run.id).where(
            (Run.executor == Executor.WORKER.value)
            & (Run.state == RunState.RUNNING.value)
            & (Run.stream_received > 0)
        )
        for row in rows:
            await self.ensure_processing(row["id"])


RunsDependency: TypeAlias = NamedDependency[RunSupervisor]
"""The supervisor of scans, wipes and installations (`runs`), for handlers to name."""
