"""Read-only queries about jobs and runs, for the admin API and page."""

from __future__ import annotations

from typing import Any

from inventory.clock import now
from inventory.operations.scheduling.choices import Outcome
from inventory.operations.scheduling.heartbeat import scheduler_status
from inventory.operations.scheduling.job_definition import (
    Job,
    describe_trigger,
    next_fire_time,
    with_overrides,
)
from inventory.operations.scheduling.schemas import JobOut, JobRunOut, JobRunPage, JobsOut, SchedulerOut
from inventory.operations.scheduling.tables import JobRun
from inventory.operations.settings import OperationsSettings

RUN_COLUMNS = (
    JobRun.id,
    JobRun.job,
    JobRun.trigger,
    JobRun.attempt,
    JobRun.scheduled_for,
    JobRun.requested_by,
    JobRun.started_at,
    JobRun.finished_at,
    JobRun.outcome,
    JobRun.summary,
    JobRun.error,
    JobRun.runner,
)


def run_out(row: dict[str, Any]) -> JobRunOut:
    """A run row as the API shows it."""
    return JobRunOut(**{name: row[name] for name in JobRunOut.__struct_fields__})


async def jobs_overview(jobs: tuple[Job, ...], operations: OperationsSettings) -> JobsOut:
    """Every job with its last run, last success and next run, and the scheduler's heartbeat."""
    moment = now()
    status = await scheduler_status(operations.scheduler_heartbeat_seconds)
    out = []
    for job in with_overrides(jobs, operations.schedule):
        last = (
            await JobRun.select(*RUN_COLUMNS)
            .where((JobRun.job == job.name) & (JobRun.outcome != Outcome.QUEUED.value))
            .order_by(JobRun.id, ascending=False)
            .first()
        )
        success = (
            await JobRun.select(JobRun.finished_at)
            .where((JobRun.job == job.name) & (JobRun.outcome == Outcome.SUCCEEDED.value))
            .order_by(JobRun.id, ascending=False)
            .first()
        )
        out.append(
            JobOut(
                name=job.name,
                description=job.description,
                schedule=describe_trigger(job.trigger),
                next_run_at=next_fire_time(job.trigger, moment),
                last_run=run_out(last) if last else None,
                last_success_at=success["finished_at"] if success else None,
                failing=bool(last and last["outcome"] in (Outcome.FAILED.value, Outcome.INTERRUPTED.value)),
            )
        )
    return JobsOut(
        scheduler=SchedulerOut(
            alive=status.alive, holder=status.holder, started_at=status.started_at, beat_at=status.beat_at
        ),
        jobs=out,
    )


async def list_runs(
    job: str | None = None, outcome: Outcome | None = None, page: int = 1, per_page: int = 50
) -> JobRunPage:
    """Runs, newest first, optionally of one job or one outcome."""
    conditions: list[Any] = []
    if job:
        conditions.append(JobRun.job == job)
    if outcome is not None:
        conditions.append(JobRun.outcome == outcome.value)
    query = (
        JobRun.select(*RUN_COLUMNS)
        .order_by(JobRun.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    count = JobRun.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query
    return JobRunPage(
        items=[run_out(row) for row in rows], total=int(await count), page=page, per_page=per_page
    )
