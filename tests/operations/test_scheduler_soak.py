"""The PostgreSQL advisory lock holds under load: jobs firing together and API requests from many clients at
once, and the leader never records a step-down (issue 16.5: asyncpg "got result for unknown protocol state"
when job tasks asked the lock's connection at the same time)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from inventory.devices.tables import Device
from inventory.operations.scheduling.choices import Outcome
from inventory.operations.scheduling.job_definition import Job, JobContext, every
from inventory.operations.scheduling.leadership import PostgresAdvisoryLock
from inventory.operations.scheduling.scheduler import SchedulerService
from inventory.operations.scheduling.tables import JobRun
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.conftest import POSTGRES_ADMIN_DSN, TEST_DATABASE
from tests.operations.helpers import eventually, operations

JOBS_AT_ONCE = 8  # jobs that fire at the same second, each checking the lock before it runs
RUNS_WANTED = 48
REQUESTS = 480
CLIENTS = 12
SOAK_KEY = 0x4B6965_736F616B  # a key of its own: a scheduler of another test never holds it


async def _count_devices(context: JobContext) -> int:
    return int(await Device.count())


def _lock_dsn() -> str:
    """The test database on a PostgreSQL run; PostgreSQL's own database when the app runs on SQLite."""
    return get_settings().resolved_database_url if TEST_DATABASE == "postgresql" else POSTGRES_ADMIN_DSN


async def _load(client: httpx.AsyncClient, headers: dict[str, str], tags: list[str]) -> list[int]:
    """Requests as schemathesis sends them: reads, steps and refusals from many clients at once."""
    numbers = itertools.count()
    statuses: list[int] = []

    async def one_client() -> None:
        while (n := next(numbers)) < REQUESTS:
            tag = tags[n % len(tags)]
            match n % 4:
                case 0:
                    answer = await client.get("/api/v1/devices?per_page=50", headers=headers)
                case 1:
                    answer = await client.get(f"/api/v1/devices/{tag}/events", headers=headers)
                case 2:
                    step = "hold" if n % 8 == 2 else "release_hold"
                    answer = await client.post(
                        f"/api/v1/devices/{tag}/transitions/{step}",
                        json={"reason": "kuorma"},
                        headers=headers,
                    )
                case _:
                    answer = await client.get("/api/v1/devices/NO-SUCH-TAG", headers=headers)
            statuses.append(answer.status_code)

    await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
    return statuses


async def test_the_leader_keeps_its_lock_under_concurrent_jobs_and_requests(
    db: Any, client: httpx.AsyncClient
) -> None:
    jobs = tuple(Job(f"soak_{i}", every(seconds=1), _count_devices) for i in range(JOBS_AT_ONCE))
    service = SchedulerService(
        jobs,
        db,
        get_settings(),
        operations(scheduler_heartbeat_seconds=0.1, scheduler_standby_seconds=0.1, job_retries=0),
        lock=PostgresAdvisoryLock(_lock_dsn(), key=SOAK_KEY),
    )
    trainee = await factories.user(Role.TRAINEE)
    headers = {"Authorization": f"Bearer {await factories.token(trainee)}"}
    tags = list((await factories.donation(db, devices=4)).asset_tags)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await eventually(lambda: asyncio.sleep(0, service.is_leader), within=30)
        statuses: list[int] = []

        async def enough_runs() -> bool:
            statuses.extend(await _load(client, headers, tags))
            if "lock lost" in service.step_downs:
                return True
            return await JobRun.count().where(JobRun.job.like("soak_%")) >= RUNS_WANTED

        await eventually(enough_runs, within=300, every=0)
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
    assert service.step_downs == ["stopped"], "the leader lost its lock under load"
    assert not [status for status in statuses if status >= 500]
    outcomes = {
        row["outcome"] for row in await JobRun.select(JobRun.outcome).where(JobRun.job.like("soak_%"))
    }
    assert outcomes <= {Outcome.SUCCEEDED.value, Outcome.INTERRUPTED.value}
