"""The active scheduler's heartbeat: written by the leader, read by /ready and the admin page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inventory.clock import now
from inventory.operations.scheduling.tables import SchedulerHeartbeat

HEARTBEAT_NAME = "scheduler"
STALE_AFTER_BEATS = 3


async def beat(holder: str, started_at: dt.datetime) -> None:
    """Say the scheduler is alive (only the lock holder writes, so update-then-insert cannot race)."""
    moment = now()
    updated = (
        await SchedulerHeartbeat.update(
            {
                SchedulerHeartbeat.holder: holder,
                SchedulerHeartbeat.started_at: started_at,
                SchedulerHeartbeat.beat_at: moment,
            }
        )
        .where(SchedulerHeartbeat.name == HEARTBEAT_NAME)
        .returning(SchedulerHeartbeat.id)
    )
    if not updated:
        await SchedulerHeartbeat.insert(
            SchedulerHeartbeat(name=HEARTBEAT_NAME, holder=holder, started_at=started_at, beat_at=moment)
        )


@dataclass(frozen=True)
class SchedulerStatus:
    """The last heartbeat and whether it is recent enough."""

    holder: str | None
    started_at: dt.datetime | None
    beat_at: dt.datetime | None
    alive: bool

    @property
    def age_seconds(self) -> float | None:
        """Seconds since the last heartbeat."""
        return None if self.beat_at is None else (now() - self.beat_at).total_seconds()


async def scheduler_status(heartbeat_seconds: float) -> SchedulerStatus:
    """The active scheduler as its heartbeat shows it; alive if it beat within three intervals."""
    row = (
        await SchedulerHeartbeat.select(
            SchedulerHeartbeat.holder, SchedulerHeartbeat.started_at, SchedulerHeartbeat.beat_at
        )
        .where(SchedulerHeartbeat.name == HEARTBEAT_NAME)
        .first()
    )
    if row is None:
        return SchedulerStatus(None, None, None, alive=False)
    limit = dt.timedelta(seconds=heartbeat_seconds * STALE_AFTER_BEATS)
    return SchedulerStatus(
        row["holder"], row["started_at"], row["beat_at"], alive=now() - row["beat_at"] <= limit
    )
