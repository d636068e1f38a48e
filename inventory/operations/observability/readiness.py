"""Readiness: the database answers, its migrations are current, and a scheduler beat recently."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from inventory.database import AnyEngine
from inventory.migrations import pending_migrations
from inventory.operations.scheduling.heartbeat import scheduler_status

CHECK_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Readiness:
    """Each check's result ("ok" or what is wrong) and whether all passed."""

    database: str
    migrations: str
    scheduler: str

    @property
    def ready(self) -> bool:
        """Whether every check passed."""
        return self.database == self.migrations == self.scheduler == "ok"


async def check_readiness(engine: AnyEngine, heartbeat_seconds: float) -> Readiness:
    """Run the checks; the later ones are skipped when the database does not answer."""
    try:
        await asyncio.wait_for(engine.run_ddl("SELECT 1"), CHECK_TIMEOUT_SECONDS)
    except Exception as error:
        reason = f"unreachable: {type(error).__name__}"
        return Readiness(database=reason, migrations="not checked", scheduler="not checked")
    pending = await pending_migrations()
    migrations = "ok" if not pending else f"{len(pending)} migration(s) not applied"
    status = await scheduler_status(heartbeat_seconds)
    if status.alive:
        scheduler = "ok"
    elif status.beat_at is None:
        scheduler = "no scheduler has started"
    else:
        scheduler = f"silent for {int(status.age_seconds or 0)} s"
    return Readiness(database="ok", migrations=migrations, scheduler=scheduler)
