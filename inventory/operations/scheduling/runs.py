"""Recording job runs: started, finished, interrupted, queued by hand; the one place JobRun rows are written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from inventory.actors import Actor
from inventory.clock import now
from inventory.errors import Conflict, NotFound
from inventory.i18n import N_
from inventory.operations.scheduling.choices import Outcome, RunTrigger
from inventory.operations.scheduling.job_definition import Job, JobResult
from inventory.operations.scheduling.tables import JobRun

ERROR_MAX_CHARS = 4000
SUMMARY_MAX_CHARS = 1000


def summarise(result: JobResult) -> str:
    """A job's return value as one short line: `3`, `sent=3 failed=1` or the sentence it gave."""
    if result is None:
        return ""
    if isinstance(result, Mapping):
        return " ".join(f"{key}={value}" for key, value in result.items())[:SUMMARY_MAX_CHARS]
    return str(result)[:SUMMARY_MAX_CHARS]


async def start_run(
    job: str,
    trigger: RunTrigger,
    attempt: int,
    scheduled_for: dt.datetime | None,
    runner: str,
) -> int:
    """Record that a run begins; returns its id."""
    moment = now()
    rows = await JobRun.insert(
        JobRun(
            job=job,
            trigger=trigger.value,
            attempt=attempt,
            scheduled_for=scheduled_for,
            started_at=moment,
            outcome=Outcome.RUNNING.value,
            runner=runner,
            created_at=moment,
        )
    ).returning(JobRun.id)
    return int(rows[0]["id"])


async def finish_run(run_id: int, outcome: Outcome, summary: str = "", error: str = "") -> None:
    """Record how a run ended."""
    await JobRun.update(
        {
            JobRun.finished_at: now(),
            JobRun.outcome: outcome.value,
            JobRun.summary: summary[:SUMMARY_MAX_CHARS],
            JobRun.error: error[-ERROR_MAX_CHARS:],
        }
    ).where(JobRun.id == run_id)


async def interrupt_orphaned_runs(runner: str) -> int:
    """Runs left `running` by a scheduler that is gone (only one is active, and it is us): mark them."""
    rows = (
        await JobRun.update(
            {
                JobRun.outcome: Outcome.INTERRUPTED.value,
                JobRun.finished_at: now(),
                JobRun.error: "The scheduler stopped before the run ended.",
            }
        )
        .where((JobRun.outcome == Outcome.RUNNING.value) & (JobRun.runner != runner))
        .returning(JobRun.id)
    )
    return len(rows)


async def queue_run(job: Job, actor: Actor) -> int:
    """Ask the active scheduler to run a job now (an administrator's "run now"); one queued run per job."""
    if await JobRun.exists().where((JobRun.job == job.name) & (JobRun.outcome == Outcome.QUEUED.value)):
        raise Conflict(N_("The job {job} is already waiting to run."), {"job": job.name})
    rows = await JobRun.insert(
        JobRun(
            job=job.name,
            trigger=RunTrigger.MANUAL.value,
            attempt=1,
            requested_by=actor.label[:100],
            outcome=Outcome.QUEUED.value,
            created_at=now(),
        )
    ).returning(JobRun.id)
    return int(rows[0]["id"])


async def claim_queued_run(run_id: int, runner: str) -> bool:
    """Take a queued run for this scheduler; False if another took it or it is gone."""
    claimed = (
        await JobRun.update(
            {JobRun.outcome: Outcome.RUNNING.value, JobRun.started_at: now(), JobRun.runner: runner}
        )
        .where((JobRun.id == run_id) & (JobRun.outcome == Outcome.QUEUED.value))
        .returning(JobRun.id)
    )
    return bool(claimed)


async def queued_runs() -> list[tuple[int, str]]:
    """(run id, job name) of runs waiting to be picked up, oldest first."""
    rows = (
        await JobRun.select(JobRun.id, JobRun.job)
        .where(JobRun.outcome == Outcome.QUEUED.value)
        .order_by(JobRun.id)
    )
    return [(int(row["id"]), str(row["job"])) for row in rows]


def find_job(jobs: tuple[Job, ...], name: str) -> Job:
    """The job of that name, or NotFound."""
    for job in jobs:
        if job.name == name:
            return job
    raise NotFound(N_("There is no job called {job}."), {"job": name})


async def prune_runs(older_than: dt.datetime) -> int:
    """Forget finished runs older than a moment."""
    rows = (
        await JobRun.delete()
        .where(
            (JobRun.created_at < older_than)
            & JobRun.outcome.is_in([Outcome.SUCCEEDED.value, Outcome.FAILED.value, Outcome.INTERRUPTED.value])
        )
        .returning(JobRun.id)
    )
    return len(rows)
