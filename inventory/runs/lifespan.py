"""The runs' part of the application's life: recovery and the watchdog at start-up, stopping at shutdown."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from inventory.runs.provisioning_profiles import seed_default_profiles
from inventory.runs.supervisor import RunSupervisor


def runs_lifespan(supervisor: RunSupervisor) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan hook: seed the default profiles, interrupt what a dead process left, watch; stop runs at exit."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncGenerator[None, None]:
        """Start the runs' part of the process, and stop it at shutdown."""
        await seed_default_profiles()
        await supervisor.start()
        try:
            yield
        finally:
            await supervisor.stop()

    return lifespan
