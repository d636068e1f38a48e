"""Running the scheduler inside the web process (KIERTO_SCHEDULER=app, the one-machine default)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from inventory.database import AnyEngine
from inventory.operations.scheduling.job_definition import Job
from inventory.operations.scheduling.scheduler import GRACEFUL_STOP_SECONDS, SchedulerService
from inventory.operations.settings import OperationsSettings
from inventory.settings import Settings

logger = logging.getLogger("kierto.scheduler")


def scheduler_lifespan(
    jobs: tuple[Job, ...],
    engine: AnyEngine,
    settings: Settings,
    operations: OperationsSettings,
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan hook: every worker competes for the lock, one schedules, the others stand by."""

    @asynccontextmanager
    async def run_scheduler(_: Any) -> AsyncGenerator[None, None]:
        if operations.scheduler != "app":
            yield
            return
        stop = asyncio.Event()
        service = SchedulerService(jobs, engine, settings, operations)
        task = asyncio.create_task(service.run(stop), name="kierto-scheduler")
        try:
            yield
        finally:
            stop.set()
            try:
                await asyncio.wait_for(task, GRACEFUL_STOP_SECONDS * 2 + 5)
            except TimeoutError:
                logger.error("the scheduler did not stop in time")
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return run_scheduler
