"""A person's work by day: the steps they took on devices (from the history) and the hours they logged."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from inventory.clock import HELSINKI
from inventory.devices.tables import DeviceEvent
from inventory.worklog.tables import WorkLog

MAX_SPAN_DAYS = 366


@dataclass(frozen=True)
class Task:
    """One kind of step taken on a day, and the devices it was taken on."""

    action: str
    asset_tags: tuple[str, ...]


@dataclass(frozen=True)
class LoggedTime:
    """One work log entry."""

    id: int
    minutes: int
    note: str


@dataclass(frozen=True)
class WorkDay:
    """Everything a person did on one day."""

    day: dt.date
    tasks: tuple[Task, ...]
    logged: tuple[LoggedTime, ...]

    @property
    def minutes(self) -> int:
        """The time logged on the day."""
        return sum(entry.minutes for entry in self.logged)

    @property
    def task_count(self) -> int:
        """How many steps were taken on the day."""
        return sum(len(task.asset_tags) for task in self.tasks)


@dataclass(frozen=True)
class WorkReport:
    """A person's work over a period, day by day."""

    start: dt.date
    end: dt.date
    days: tuple[WorkDay, ...]

    @property
    def minutes(self) -> int:
        """The time logged over the period."""
        return sum(day.minutes for day in self.days)

    @property
    def task_count(self) -> int:
        """The steps taken over the period."""
        return sum(day.task_count for day in self.days)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI)


async def work_report(user_id: int, start: dt.date, end: dt.date) -> WorkReport:
    """The person's tasks and logged hours from `start` to `end` (both included, Finnish days)."""
    rows: list[dict[str, Any]] = (
        await DeviceEvent.select(
            DeviceEvent.action, DeviceEvent.at, DeviceEvent.device.asset_tag.as_alias("tag")
        )
        .where(
            (DeviceEvent.actor_user == user_id)
            & (DeviceEvent.at >= _local_midnight(start))
            & (DeviceEvent.at < _local_midnight(end + dt.timedelta(days=1)))
        )
        .order_by(DeviceEvent.id)
    )
    tasks: dict[dt.date, dict[str, list[str]]] = defaultdict(dict)
    for row in rows:
        day = row["at"].astimezone(HELSINKI).date()
        tags = tasks[day].setdefault(row["action"], [])
        if row["tag"] not in tags:
            tags.append(row["tag"])
    entries = (
        await WorkLog.select(WorkLog.id, WorkLog.day, WorkLog.minutes, WorkLog.note)
        .where((WorkLog.user == user_id) & (WorkLog.day >= start) & (WorkLog.day <= end))
        .order_by(WorkLog.id)
    )
    logged: dict[dt.date, list[LoggedTime]] = defaultdict(list)
    for entry in entries:
        logged[entry["day"]].append(LoggedTime(entry["id"], entry["minutes"], entry["note"]))
    days = sorted(set(tasks) | set(logged))
    return WorkReport(
        start=start,
        end=end,
        days=tuple(
            WorkDay(
                day=day,
                tasks=tuple(Task(action, tuple(tags)) for action, tags in tasks.get(day, {}).items()),
                logged=tuple(logged.get(day, ())),
            )
            for day in days
        ),
    )
