"""The `kierto scheduler` process and the one-off commands around it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator

from piccolo.engine.postgres import PostgresEngine

from inventory.database import AnyEngine
from inventory.operations.observability.readiness import Readiness, check_readiness
from inventory.operations.scheduled_jobs import JOBS
from inventory.operations.scheduling.choices import RunTrigger
from inventory.operations.scheduling.job_definition import Job
from inventory.operations.scheduling.scheduler import RunResult, SchedulerService, execute_job
from inventory.operations.settings import OperationsSettings
from inventory.settings import Settings

POOL_SIZE = 4


@contextlib.asynccontextmanager
async def _pool(engine: AnyEngine) -> AsyncIterator[None]:
    postgres = engine if isinstance(engine, PostgresEngine) and engine.pool is None else None
    if postgres is not None:
        await postgres.start_connection_pool(min_size=1, max_size=POOL_SIZE)
    try:
        yield
    finally:
        if postgres is not None:
            await postgres.close_connection_pool()


async def run_scheduler_process(
    engine: AnyEngine, settings: Settings, operations: OperationsSettings
) -> None:
    """Compete for the lock and schedule while holding it, until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with _pool(engine):
        await SchedulerService(JOBS, engine, settings, operations).run(stop)


async def run_once(
    job: Job, engine: AnyEngine, settings: Settings, operations: OperationsSettings
) -> RunResult:
    """Run one job now in this process (recorded as a manual run)."""
    async with _pool(engine):
        return await execute_job(job, engine, settings, operations, RunTrigger.MANUAL)


async def readiness_once(engine: AnyEngine, operations: OperationsSettings) -> Readiness:
    """The /ready checks, from the command line."""
    async with _pool(engine):
        return await check_readiness(engine, operations.scheduler_heartbeat_seconds)
