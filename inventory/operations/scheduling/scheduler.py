"""The scheduler service: wait for the leadership lock, then run APScheduler with the jobs, beat, and step down.

Any number of these may run (app workers, `kierto scheduler` processes, hosts); only the holder of
the lock schedules anything. The others stay on standby and try the lock every few seconds, so one
takes over when the holder dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import traceback
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from inventory.clock import HELSINKI, now
from inventory.database import AnyEngine
from inventory.operations.notifications.services import active_users, notify
from inventory.operations.scheduling.choices import Outcome, RunTrigger
from inventory.operations.scheduling.heartbeat import beat
from inventory.operations.scheduling.job_definition import Job, next_fire_time, with_overrides
from inventory.operations.scheduling.leadership import LeadershipLock, holder_name, lock_for
from inventory.operations.scheduling.runs import (
    claim_queued_run,
    finish_run,
    interrupt_orphaned_runs,
    queued_runs,
    start_run,
    summarise,
)
from inventory.operations.scheduling.tables import JobRun
from inventory.operations.settings import OperationsSettings
from inventory.permissions import Role
from inventory.settings import Settings

logger = logging.getLogger("kierto.scheduler")

QUEUE_POLL_SECONDS = 5.0
CRON_MISFIRE_GRACE_SECONDS = 3600
GRACEFUL_STOP_SECONDS = 20.0
RETRY_FACTOR = 4


@dataclass(frozen=True)
class RunResult:
    """How one run went."""

    outcome: Outcome
    run_id: int | None
    error: str = ""
    summary: str = ""


def retry_delay(operations: OperationsSettings, attempt: int) -> dt.timedelta:
    """Backoff before the retry that follows a failed attempt: base, 4×base, 16×base …"""
    return dt.timedelta(seconds=operations.job_retry_seconds * RETRY_FACTOR ** (attempt - 1))


class SchedulerService:
    """Competes for the lock and, while holding it, runs the jobs; see the module docstring."""

    def __init__(
        self,
        jobs: tuple[Job, ...],
        engine: AnyEngine,
        settings: Settings,
        operations: OperationsSettings,
        lock: LeadershipLock | None = None,
    ) -> None:
        self.jobs = with_overrides(jobs, operations.schedule)
        self.by_name = {job.name: job for job in self.jobs}
        self.engine = engine
        self.settings = settings
        self.operations = operations
        self.lock = lock or lock_for(settings.resolved_database_url)
        self.holder = holder_name()
        self.is_leader = False
        self._scheduler: AsyncIOScheduler | None = None
        self._fire_times: dict[str, dt.datetime] = {}
        self._running: set[asyncio.Task[Any]] = set()
        # Each time this service stopped leading, and why ("lock lost" or "stopped"): the soak test and
        # the logs read it; a healthy leader under load never records "lock lost".
        self.step_downs: list[str] = []

    async def run(self, stop: asyncio.Event) -> None:
        """Lead when the lock is free, stand by when not, until `stop` is set."""
        try:
            while not stop.is_set():
                try:
                    acquired = await self.lock.try_acquire()
                except Exception as error:  # the database is away: stay on standby and try again
                    logger.warning("scheduler lock unavailable: %s", error)
                    acquired = False
                if acquired:
                    reason = "stopped"
                    try:
                        reason = await self._lead(stop)
                    finally:
                        await self._step_down(reason)
                await _wait(stop, self.operations.scheduler_standby_seconds)
        finally:
            with contextlib.suppress(Exception):
                await self.lock.release()

    async def _lead(self, stop: asyncio.Event) -> str:
        self.is_leader = True
        started = now()
        logger.info("scheduler active", extra={"holder": self.holder, "jobs": sorted(self.by_name)})
        interrupted = await interrupt_orphaned_runs(self.holder)
        if interrupted:
            logger.warning("marked %d runs of a stopped scheduler as interrupted", interrupted)
        scheduler = AsyncIOScheduler(timezone=HELSINKI, event_loop=asyncio.get_running_loop())
        scheduler.add_listener(self._remember_fire_time, EVENT_JOB_SUBMITTED)
        for job in self.jobs:
            scheduler.add_job(
                self._scheduled,
                trigger=job.trigger,
                args=[job.name],
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=CRON_MISFIRE_GRACE_SECONDS,
                replace_existing=True,
            )
        self._scheduler = scheduler
        scheduler.start()
        await beat(self.holder, started)
        await self._catch_up()
        last_beat = time.monotonic()
        poll = min(QUEUE_POLL_SECONDS, self.operations.scheduler_heartbeat_seconds)
        while not stop.is_set():
            await _wait(stop, poll)
            if stop.is_set():
                break
            try:
                if not await self.lock.still_held():
                    logger.error("scheduler lock lost: stepping down", extra={"holder": self.holder})
                    return "lock lost"
                if time.monotonic() - last_beat >= self.operations.scheduler_heartbeat_seconds:
                    await beat(self.holder, started)
                    last_beat = time.monotonic()
                await self._start_queued()
            except Exception:  # a database hiccup: log it and keep leading while the lock holds
                logger.exception("scheduler housekeeping failed")
        return "stopped"

    async def _step_down(self, reason: str) -> None:
        scheduler, self._scheduler = self._scheduler, None
        self.is_leader = False
        if scheduler is None:
            return
        self.step_downs.append(reason)
        scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=GRACEFUL_STOP_SECONDS)
        for task in set(self._running):
            task.cancel()
        if self._running:
            await asyncio.wait(set(self._running), timeout=GRACEFUL_STOP_SECONDS)
        scheduler.shutdown(wait=False)
        logger.info("scheduler stopped", extra={"holder": self.holder})

    def _remember_fire_time(self, event: JobSubmissionEvent) -> None:
        # Called synchronously when APScheduler submits a run, before the run's coroutine starts.
        if event.scheduled_run_times:
            self._fire_times[event.job_id] = event.scheduled_run_times[-1]

    async def _scheduled(self, name: str) -> None:
        await self._execute(self.by_name[name], RunTrigger.SCHEDULE, 1, self._fire_times.pop(name, None))

    async def _retry(self, name: str, attempt: int, scheduled_for: dt.datetime | None) -> None:
        await self._execute(self.by_name[name], RunTrigger.RETRY, attempt, scheduled_for)

    async def _catch_up(self) -> None:
        """Daily jobs whose last run is older than their last fire time (the scheduler was down): run now."""
        moment = now()
        for job in self.jobs:
            if not isinstance(job.trigger, CronTrigger):
                continue
            last = (
                await JobRun.select(JobRun.started_at)
                .where((JobRun.job == job.name) & JobRun.started_at.is_not_null())
                .order_by(JobRun.started_at, ascending=False)
                .first()
            )
            if last is None:
                continue
            due = next_fire_time(job.trigger, last["started_at"])
            if due is not None and due < moment - dt.timedelta(minutes=1):
                logger.info("catching up on a missed run", extra={"job": job.name, "due": due.isoformat()})
                self._spawn(self._execute(job, RunTrigger.CATCH_UP, 1, due))

    async def _start_queued(self) -> None:
        for run_id, name in await queued_runs():
            job = self.by_name.get(name)
            if job is None:
                await finish_run(run_id, Outcome.FAILED, error=f"No job called {name} is defined.")
                continue
            if await claim_queued_run(run_id, self.holder):
                self._spawn(self._execute(job, RunTrigger.MANUAL, 1, None, run_id=run_id))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _execute(
        self,
        job: Job,
        trigger: RunTrigger,
        attempt: int,
        scheduled_for: dt.datetime | None,
        run_id: int | None = None,
    ) -> None:
        """One run: check we still lead, record it, run it, record the outcome, plan a retry on failure.

        Whether we lead is what the lead loop last learnt from the lock: runs never ask the lock's
        connection themselves, so it is used by one task, one statement at a time.
        """
        current = asyncio.current_task()
        if current is not None:
            self._running.add(current)
        try:
            if not self.is_leader:  # the lead loop alone asks the lock's connection (see _lead)
                logger.warning("not leading any more: run skipped", extra={"job": job.name})
                return
            result = await execute_job(
                job,
                self.engine,
                self.settings,
                self.operations,
                trigger,
                attempt,
                scheduled_for,
                self.holder,
                run_id,
            )
            retried = trigger is not RunTrigger.MANUAL
            if (
                result.outcome is Outcome.FAILED
                and retried
                and not self._plan_retry(job, attempt, scheduled_for)
            ):
                await self._tell_administrators(job, attempt, result.error)
        finally:
            if current is not None:
                self._running.discard(current)

    def _plan_retry(self, job: Job, attempt: int, scheduled_for: dt.datetime | None) -> bool:
        """Plan the next attempt with a growing pause; False when the attempts are used up."""
        if attempt > self.operations.job_retries or self._scheduler is None:
            logger.error(
                "job failed and will not be retried again", extra={"job": job.name, "attempt": attempt}
            )
            return False
        when = now() + retry_delay(self.operations, attempt)
        self._scheduler.add_job(
            self._retry,
            trigger=DateTrigger(run_date=when),
            args=[job.name, attempt + 1, scheduled_for],
            id=f"{job.name}:retry",
            name=f"{job.name} (retry {attempt})",
            replace_existing=True,
            misfire_grace_time=None,
        )
        logger.warning(
            "job failed: retry planned", extra={"job": job.name, "attempt": attempt, "at": when.isoformat()}
        )
        return True

    async def _tell_administrators(self, job: Job, attempts: int, error: str) -> None:
        try:
            await notify(
                await active_users(Role.ADMIN),
                "job_failed",
                {
                    "job": job.name,
                    "attempts": attempts,
                    "error": error.splitlines()[0][:300] if error else "",
                },
                self.operations,
                link="/admin/jobs",
                dedup_key=f"job_failed:{job.name}:{now():%Y%m%d%H%M%S}",
            )
        except Exception:
            logger.exception("cannot notify the administrators of a failed job", extra={"job": job.name})


async def execute_job(
    job: Job,
    engine: AnyEngine,
    settings: Settings,
    operations: OperationsSettings,
    trigger: RunTrigger,
    attempt: int = 1,
    scheduled_for: dt.datetime | None = None,
    runner: str = "",
    run_id: int | None = None,
) -> RunResult:
    """Run a job once and record the run (also used by `kierto run-job`); returns how it went."""
    runner = runner or holder_name()
    started = time.monotonic()
    try:
        run_id = (
            run_id
            if run_id is not None
            else await start_run(job.name, trigger, attempt, scheduled_for, runner)
        )
    except Exception:
        logger.exception("cannot record the start of a run", extra={"job": job.name})
        return RunResult(Outcome.FAILED, None, "The run could not be recorded: is the database reachable?")
    logger.info(
        "job started", extra={"job": job.name, "run_id": run_id, "trigger": trigger.value, "attempt": attempt}
    )
    try:
        result = await job.run(job.context(engine, settings, operations))
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.shield(finish_run(run_id, Outcome.INTERRUPTED, error="Stopped with the scheduler."))
        raise
    except Exception as error:
        logger.exception("job failed", extra={"job": job.name, "run_id": run_id})
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        with contextlib.suppress(Exception):
            await finish_run(run_id, Outcome.FAILED, error=f"{text}\n\n{traceback.format_exc()}")
        return RunResult(Outcome.FAILED, run_id, text)
    else:
        outcome = Outcome.SUCCEEDED
        summary = summarise(result)
        try:
            await finish_run(run_id, outcome, summary=summary)
        except Exception:
            logger.exception("cannot record the end of a run", extra={"job": job.name, "run_id": run_id})
        logger.info(
            "job succeeded",
            extra={
                "job": job.name,
                "run_id": run_id,
                "summary": summary,
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        return RunResult(outcome, run_id, "", summary)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
