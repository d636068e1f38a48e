"""API schemas for scheduled jobs and their runs."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from inventory.operations.scheduling.choices import Outcome, RunTrigger


class JobRunOut(Struct):
    """One run of a job."""

    id: int
    job: str
    trigger: RunTrigger
    attempt: int
    scheduled_for: dt.datetime | None
    requested_by: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: Outcome
    summary: str
    error: str
    runner: str


class JobOut(Struct):
    """A scheduled job: when it runs, how its last run went, and whether it is failing now."""

    name: str
    description: str
    schedule: str
    next_run_at: dt.datetime | None
    last_run: JobRunOut | None
    last_success_at: dt.datetime | None
    failing: bool


class SchedulerOut(Struct):
    """The active scheduler as its heartbeat shows it."""

    alive: bool
    holder: str | None
    started_at: dt.datetime | None
    beat_at: dt.datetime | None


class JobsOut(Struct):
    """Every job and the scheduler's state."""

    scheduler: SchedulerOut
    jobs: list[JobOut]


class JobRunPage(Struct):
    """One page of runs, newest first."""

    items: list[JobRunOut]
    total: int
    page: int
    per_page: int


class RunQueued(Struct):
    """A run asked for by hand; the active scheduler picks it up within seconds."""

    run_id: int
    job: str
