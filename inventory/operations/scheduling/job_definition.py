"""What a job is: a name, a trigger and an async function of a small context that returns a summary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from inventory.actors import Actor
from inventory.clock import HELSINKI
from inventory.database import AnyEngine
from inventory.operations.settings import OperationsSettings
from inventory.settings import Settings

# What a job returns: a count, a sentence, or counts by name (e.g. {"sent": 3, "failed": 1}).
JobResult = int | str | Mapping[str, int] | None


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the engine, the settings and the system actor it acts as."""

    engine: AnyEngine
    settings: Settings
    operations: OperationsSettings
    actor: Actor


@dataclass(frozen=True)
class Job:
    """One scheduled job, defined in code with a fixed name (its id in the scheduler and in JobRun)."""

    name: str
    trigger: BaseTrigger
    run: Callable[[JobContext], Awaitable[JobResult]]
    description: str = ""

    def context(self, engine: AnyEngine, settings: Settings, operations: OperationsSettings) -> JobContext:
        """The context this job runs with: it acts as `system:scheduler:<name>`."""
        return JobContext(engine, settings, operations, Actor.system(f"scheduler:{self.name}"))


def daily(hour: int, minute: int = 0) -> CronTrigger:
    """Every day at this time of day in Finland."""
    return CronTrigger(hour=hour, minute=minute, timezone=HELSINKI)


def every(*, seconds: int = 0, minutes: int = 0, hours: int = 0) -> IntervalTrigger:
    """At a fixed interval from the scheduler's start."""
    return IntervalTrigger(seconds=seconds, minutes=minutes, hours=hours, timezone=HELSINKI)


_EVERY = re.compile(r"^every\s+(\d+)\s*(s|m|h)$")


class ScheduleError(ValueError):
    """A schedule override cannot be read."""


def parse_schedule(text: str) -> BaseTrigger:
    """A trigger from `every 30s` / `every 5m` / `every 2h` or a five-field crontab line (Finnish time)."""
    cleaned = text.strip().lower()
    match = _EVERY.match(cleaned)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if amount < 1:
            raise ScheduleError(f"{text!r}: the interval must be at least 1")
        unit_name = {"s": "seconds", "m": "minutes", "h": "hours"}[unit]
        return every(**{unit_name: amount})
    try:
        return CronTrigger.from_crontab(cleaned, timezone=HELSINKI)
    except ValueError as error:
        raise ScheduleError(f"{text!r} is neither 'every N s/m/h' nor a crontab line: {error}") from error


def with_overrides(jobs: tuple[Job, ...], overrides: Mapping[str, str]) -> tuple[Job, ...]:
    """The jobs with the schedules an operator set in KIERTO_SCHEDULE; unknown names are refused."""
    known = {job.name for job in jobs}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ScheduleError(f"KIERTO_SCHEDULE names unknown jobs: {', '.join(unknown)}")
    return tuple(
        Job(job.name, parse_schedule(overrides[job.name]), job.run, job.description)
        if job.name in overrides
        else job
        for job in jobs
    )


def describe_trigger(trigger: BaseTrigger) -> str:
    """A short, stable description of a trigger for people and the API."""
    if isinstance(trigger, IntervalTrigger):
        seconds = int(trigger.interval.total_seconds())
        for unit, size in (("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f"every {seconds // size}{unit}"
        return f"every {seconds}s"
    if isinstance(trigger, CronTrigger):
        fields = {f.name: str(f) for f in trigger.fields}
        return " ".join(fields[name] for name in ("minute", "hour", "day", "month", "day_of_week"))
    return str(trigger)


def next_fire_time(trigger: BaseTrigger, after: dt.datetime) -> dt.datetime | None:
    """When the trigger fires next after a moment (interval triggers: counted from that moment)."""
    result: Any = trigger.get_next_fire_time(None, after)
    return result if isinstance(result, dt.datetime) else None
