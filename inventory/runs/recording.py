"""Storing a run's events as they come: each one kept as it came, and each device's progress moved on."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.clock import now
from inventory.database import write_transaction
from inventory.runs.choices import TargetState
from inventory.runs.run_lifecycle import RunStep
from inventory.runs.run_states import move_run
from inventory.runs.tables import Run, RunEvent, RunTarget
from provisioning.events import (
    Event,
    HostRecap,
    OtherEvent,
    RunFinished,
    RunStatus,
    StatusChanged,
    TaskOutcome,
    TaskResult,
    TaskStarted,
)

# Password hashes never reach the evidence, even where a module would echo one.
_CRYPT_HASH = re.compile(r"\$(6|5|y|2[aby])\$[^\s\"']{8,200}")
REDACTED = "********"


def redact(raw: Any) -> Any:
    """The raw event with every crypt hash replaced."""
    text = json.dumps(raw, default=str)
    if "$" not in text:
        return json.loads(text)
    return json.loads(_CRYPT_HASH.sub(REDACTED, text))


def event_key(run_id: int, event: Event) -> str:
    """The key that keeps an event once, however often it is delivered."""
    if isinstance(event, RunFinished):
        return f"{run_id}:finished"
    if isinstance(event, StatusChanged):
        return f"{run_id}:status:{event.status.value}"
    host = getattr(event, "host", "")
    marker = event.uuid or f"c{event.counter}"
    return f"{run_id}:{marker}:{host}"[:160]


def _row(run_id: int, event: Event) -> RunEvent:
    kind, host, task, role, outcome, message = "other", "", "", "", "", ""
    if isinstance(event, TaskStarted):
        kind, host, task, role = "task_started", event.host, event.task, event.role or ""
    elif isinstance(event, TaskResult):
        kind, host, task, role = "task_result", event.host, event.task, event.role or ""
        outcome, message = event.outcome.value, event.message or ""
    elif isinstance(event, HostRecap):
        kind, host = "host_recap", event.host
    elif isinstance(event, StatusChanged):
        kind, outcome, message = "status", event.status.value, event.explanation or ""
    elif isinstance(event, RunFinished):
        kind, outcome = "finished", event.status.value
    elif isinstance(event, OtherEvent):
        task = event.name
    return RunEvent(
        run=run_id,
        key=event_key(run_id, event),
        kind=kind,
        counter=event.counter if isinstance(event.counter, int) and 0 <= event.counter < 2**31 else None,
        host=host[:64],
        task=task[:300],
        role=role[:100],
        outcome=outcome[:12],
        message=message,
        runner_event=redact(dict(event.raw)),
        created_at=event.created,
        received_at=now(),
    )


def _progress(event: Event, target: dict[str, Any]) -> dict[Any, Any]:
    """How an event moves a device's progress bar on."""
    changes: dict[Any, Any] = {}
    if isinstance(event, TaskStarted):
        done = target["tasks_done"] + 1
        changes = {
            RunTarget.tasks_done: done,
            RunTarget.percent: max(
                target["percent"], min(99, done * 100 // max(target["tasks_expected"], 1))
            ),
            RunTarget.current_task: event.task[:300],
            RunTarget.state: TargetState.RUNNING.value,
        }
    elif isinstance(event, TaskResult):
        if event.item is not None:
            changes[RunTarget.current_task] = f"{event.task}: {event.item}"[:300]
        if (
            event.outcome in (TaskOutcome.FAILED, TaskOutcome.UNREACHABLE)
            and not event.ignored
            and not target["message"]
        ):
            changes[RunTarget.message] = event.message or ""
    elif isinstance(event, HostRecap):
        changes = {RunTarget.percent: 100, RunTarget.current_task: ""}
    if changes:
        changes[RunTarget.updated_at] = now()
    return changes


@dataclass
class Recorder:
    """Stores one run's events and progress; `changed` is called after each stored event."""

    engine: Engine[Any]
    run_id: int
    changed: Callable[[int], None]

    async def store(self, event: Event) -> None:
        """Store one event (a repeated one is kept once) and move the progress on."""
        async with write_transaction(self.engine):
            inserted = (
                await RunEvent.insert(_row(self.run_id, event))
                .on_conflict(target=RunEvent.key, action="DO NOTHING")
                .returning(RunEvent.id)
            )
            if not inserted:
                return
            if isinstance(event, StatusChanged) and event.status is RunStatus.RUNNING:
                await move_run(self.run_id, RunStep.START, {Run.started_at: now()})
            if isinstance(event, StatusChanged) and event.explanation:
                await Run.update({Run.explanation: event.explanation}).where(Run.id == self.run_id)
            host = getattr(event, "host", None)
            if host:
                target = (
                    await RunTarget.select(
                        RunTarget.id,
                        RunTarget.tasks_done,
                        RunTarget.tasks_expected,
                        RunTarget.percent,
                        RunTarget.message,
                    )
                    .where((RunTarget.run == self.run_id) & (RunTarget.host == host))
                    .first()
                )
                if target is not None and (changes := _progress(event, target)):
                    await RunTarget.update(changes).where(RunTarget.id == target["id"])
        self.changed(self.run_id)

    async def consume(self, events: AsyncIterator[Event]) -> RunFinished | None:
        """Store every event of a run until its end; returns the last event."""
        last: RunFinished | None = None
        async for event in events:
            await self.store(event)
            if isinstance(event, RunFinished):
                last = event
        return last


async def finish_run(run_id: int, finished: RunFinished | None, explanation: str | None = None) -> bool:
    """Record how a run ended, unless it was already ended (e.g. interrupted); True if this call ended it."""
    status = finished.status if finished else RunStatus.ERROR
    values: dict[Any, Any] = {Run.finished_at: now(), Run.rc: finished.rc if finished else None}
    if explanation:
        values[Run.explanation] = explanation
    return await move_run(run_id, RunStep.FINISH, values, status=status)


async def stored_events(run_id: int) -> list[Event]:
    """The run's typed events back from storage, in the order they came."""
    from provisioning.events import parse_event, parse_status

    rows = (
        await RunEvent.select(RunEvent.kind, RunEvent.host, RunEvent.runner_event)
        .where(RunEvent.run == run_id)
        .order_by(RunEvent.id)
        .output(load_json=True)
    )
    events: list[Event] = []
    for row in rows:
        if row["kind"] in ("status", "finished"):
            if row["kind"] == "status":
                events.append(parse_status(row["runner_event"]))
            continue
        for event in parse_event(row["runner_event"]):
            if not isinstance(event, HostRecap) or event.host == row["host"]:
                events.append(event)
    return events
