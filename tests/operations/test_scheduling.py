"""The scheduler in one process: schedules, runs recorded, retries with backoff, run-now, catch-up, one leader."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from inventory.clock import now
from inventory.i18n import Language
from inventory.operations.notifications.tables import Notification
from inventory.operations.scheduled_jobs import JOBS
from inventory.operations.scheduling.choices import Outcome, RunTrigger
from inventory.operations.scheduling.heartbeat import scheduler_status
from inventory.operations.scheduling.job_definition import (
    Job,
    JobContext,
    ScheduleError,
    daily,
    describe_trigger,
    parse_schedule,
    with_overrides,
)
from inventory.operations.scheduling.runs import finish_run, start_run
from inventory.operations.scheduling.scheduler import SchedulerService, execute_job
from inventory.operations.scheduling.tables import JobRun
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.operations.helpers import eventually, operations

FAST = {"scheduler_heartbeat_seconds": 0.2, "scheduler_standby_seconds": 0.1}


@asynccontextmanager
async def running(service: SchedulerService) -> AsyncIterator[SchedulerService]:
    """Run a scheduler service in this test's loop until the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        yield service
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def soon(seconds: float = 0.2) -> DateTrigger:
    """A trigger that fires once, shortly."""
    return DateTrigger(run_date=now() + dt.timedelta(seconds=seconds))


async def runs_of(job: str) -> list[dict[str, Any]]:
    return list(await JobRun.select().where(JobRun.job == job).order_by(JobRun.id))


def test_schedules_read_from_the_setting() -> None:
    assert describe_trigger(parse_schedule("every 30s")) == "every 30s"
    assert describe_trigger(parse_schedule("every 5m")) == "every 5m"
    assert describe_trigger(parse_schedule("every 2h")) == "every 2h"
    assert describe_trigger(parse_schedule("30 2 * * *")) == "30 2 * * *"
    assert describe_trigger(daily(7, 10)) == "10 7 * * *"
    with pytest.raises(ScheduleError):
        parse_schedule("every day")
    with pytest.raises(ScheduleError):
        parse_schedule("every 0s")
    moved = with_overrides(JOBS, {"backup": "15 4 * * *"})
    assert describe_trigger(next(j for j in moved if j.name == "backup").trigger) == "15 4 * * *"
    with pytest.raises(ScheduleError, match="nonexistent"):
        with_overrides(JOBS, {"nonexistent": "every 1s"})


def test_job_names_are_unique_and_acting_as_the_scheduler() -> None:
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    job = JOBS[0]
    context = job.context(object(), get_settings(), operations())  # type: ignore[arg-type]
    assert context.actor.label == f"system:scheduler:{job.name}"
    assert context.actor.is_system


async def test_a_run_is_recorded_with_its_summary_or_its_error(db: Any) -> None:
    async def counts(context: JobContext) -> dict[str, int]:
        return {"sent": 3, "failed": 1}

    async def broken(context: JobContext) -> int:
        raise RuntimeError("the printer queue is full")

    ok = await execute_job(
        Job("counts", daily(1), counts), db, get_settings(), operations(), RunTrigger.MANUAL
    )
    bad = await execute_job(
        Job("broken", daily(1), broken), db, get_settings(), operations(), RunTrigger.MANUAL
    )
    assert ok.outcome is Outcome.SUCCEEDED
    assert bad.outcome is Outcome.FAILED
    [good_run] = await runs_of("counts")
    assert good_run["summary"] == "sent=3 failed=1"
    assert good_run["finished_at"] >= good_run["started_at"]
    [bad_run] = await runs_of("broken")
    assert bad_run["outcome"] == Outcome.FAILED
    assert bad_run["error"].startswith("RuntimeError: the printer queue is full")


async def test_a_failing_job_is_retried_with_growing_pauses_and_then_administrators_hear(db: Any) -> None:
    admin = await factories.user(Role.ADMIN)
    trainee = await factories.user(Role.TRAINEE)

    async def broken(context: JobContext) -> int:
        raise ConnectionError("the bench network is down")

    job = Job("broken", soon(), broken)
    service = SchedulerService(
        (job,), db, get_settings(), operations(job_retries=2, job_retry_seconds=0.2, **FAST)
    )
    async with running(service):

        async def three_attempts() -> bool:
            return await Notification.exists().where(Notification.kind == "job_failed")

        await eventually(three_attempts)
    runs = await runs_of("broken")
    assert [r["attempt"] for r in runs] == [1, 2, 3]
    assert [r["trigger"] for r in runs] == ["schedule", "retry", "retry"]
    assert {r["outcome"] for r in runs} == {"failed"}
    assert len({r["scheduled_for"] for r in runs}) == 1
    # The pauses grow: 0.2 s before the second attempt, 0.8 s before the third (never earlier).
    gaps = [(b["started_at"] - a["finished_at"]).total_seconds() for a, b in itertools.pairwise(runs)]
    assert gaps[0] >= 0.15
    assert gaps[1] >= 0.75
    notices = await Notification.select().where(Notification.kind == "job_failed").output(load_json=True)
    assert [n["user"] for n in notices] == [admin.user_id]
    assert trainee.user_id not in [n["user"] for n in notices]
    assert notices[0]["params"]["job"] == "broken"


async def test_a_job_that_fails_once_succeeds_on_its_retry(db: Any) -> None:
    attempts: list[int] = []

    async def flaky(context: JobContext) -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("slow disk")
        return 7

    job = Job("flaky", soon(), flaky)
    service = SchedulerService((job,), db, get_settings(), operations(job_retry_seconds=0.1, **FAST))
    async with running(service):

        async def succeeded() -> bool:
            return await JobRun.exists().where((JobRun.job == "flaky") & (JobRun.outcome == "succeeded"))

        await eventually(succeeded)
    runs = await runs_of("flaky")
    assert [(r["attempt"], r["outcome"], r["summary"]) for r in runs] == [
        (1, "failed", ""),
        (2, "succeeded", "7"),
    ]
    assert not await Notification.exists().where(Notification.kind == "job_failed")


async def test_an_administrator_runs_a_job_now_through_the_api(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    admin = await headers_for(Role.ADMIN)
    service = SchedulerService(JOBS, db, get_settings(), operations(**FAST))
    async with running(service):
        queued = await client.post("/api/v1/jobs/statistics_snapshot/runs", headers=admin)
        assert queued.status_code == 202, queued.text
        again = await client.post("/api/v1/jobs/statistics_snapshot/runs", headers=admin)
        assert again.status_code in (202, 409)  # 409 while the first still waits
        unknown = await client.post("/api/v1/jobs/no_such_job/runs", headers=admin)
        assert unknown.status_code == 404

        async def done() -> bool:
            rows = await runs_of("statistics_snapshot")
            return bool(rows) and all(r["outcome"] == "succeeded" for r in rows)

        await eventually(done)
    [first, *_] = await runs_of("statistics_snapshot")
    assert first["trigger"] == "manual"
    assert first["requested_by"].startswith("user:admin-")
    overview = (await client.get("/api/v1/jobs", headers=admin)).json()
    assert overview["scheduler"]["alive"] is True
    snapshot = next(j for j in overview["jobs"] if j["name"] == "statistics_snapshot")
    assert snapshot["last_run"]["outcome"] == "succeeded"
    assert snapshot["schedule"] == "45 23 * * *"
    assert snapshot["failing"] is False
    listed = (
        await client.get("/api/v1/jobs/runs", params={"job": "statistics_snapshot"}, headers=admin)
    ).json()
    assert listed["total"] >= 1


async def test_the_admin_page_shows_failures_with_their_error(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN, language=Language.EN)
    run_id = await start_run("backup", RunTrigger.SCHEDULE, 1, now(), "host:1")
    await finish_run(run_id, Outcome.FAILED, error="BackupError: pg_dump is not installed")
    token = await factories.token(admin)
    page = await client.get(
        "/admin/jobs",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/html", "Accept-Language": "en"},
    )
    assert page.status_code == 200
    assert "pg_dump is not installed" in page.text
    assert "No scheduler has started" in page.text


async def test_only_one_of_two_schedulers_leads_and_the_other_takes_over(db: Any) -> None:
    settings = get_settings()
    first = SchedulerService(JOBS, db, settings, operations(**FAST))
    second = SchedulerService(JOBS, db, settings, operations(**FAST))
    stop_first = asyncio.Event()
    first_task = asyncio.create_task(first.run(stop_first))
    await eventually(lambda: _true(first.is_leader))
    async with running(second):
        await asyncio.sleep(0.5)
        assert first.is_leader
        assert not second.is_leader
        stop_first.set()
        await asyncio.wait_for(first_task, 30)
        await eventually(lambda: _true(second.is_leader))
        status = await scheduler_status(0.2)
        assert status.alive


async def _true(value: bool) -> bool:
    return value


async def test_runs_left_running_by_a_dead_scheduler_are_marked_interrupted(db: Any) -> None:
    orphan = await start_run("backup", RunTrigger.SCHEDULE, 1, now(), "gone-host:4242")
    async with running(SchedulerService(JOBS, db, get_settings(), operations(**FAST))) as service:
        await eventually(lambda: _true(service.is_leader))

        async def marked() -> bool:
            row = await JobRun.select(JobRun.outcome).where(JobRun.id == orphan).first()
            return row is not None and row["outcome"] == "interrupted"

        await eventually(marked)


async def test_a_daily_job_missed_while_the_scheduler_was_down_runs_at_start(db: Any) -> None:
    async def snapshot(context: JobContext) -> int:
        return 1

    job = Job("nightly", CronTrigger(hour=3, minute=0), snapshot)
    long_ago = await start_run("nightly", RunTrigger.SCHEDULE, 1, now() - dt.timedelta(days=2), "old:1")
    await JobRun.update({JobRun.started_at: now() - dt.timedelta(days=2)}).where(JobRun.id == long_ago)
    await finish_run(long_ago, Outcome.SUCCEEDED)
    async with running(SchedulerService((job,), db, get_settings(), operations(**FAST))):

        async def caught_up() -> bool:
            return await JobRun.exists().where((JobRun.job == "nightly") & (JobRun.trigger == "catch_up"))

        await eventually(caught_up)
