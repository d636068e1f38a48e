"""Small helpers the provisioning tests share: running a job to its end and summarising its events."""

from __future__ import annotations

import asyncio

from provisioning.events import Event, HostRecap, RunFinished, TaskResult, TaskStarted
from provisioning.local_runner import start_local_run
from provisioning.playbook_job import Job


def run_job(job: Job) -> list[Event]:
    """Run a job in-process and return every event it produced."""

    async def collect() -> list[Event]:
        handle = start_local_run(job)
        return [event async for event in handle.events()]

    return asyncio.run(collect())


def final_status(events: list[Event]) -> str:
    """The status of the RunFinished event, which must be the last event."""
    last = events[-1]
    assert isinstance(last, RunFinished), f"the last event is {last!r}"
    return last.status.value


def signature(events: list[Event]) -> dict[str, list[tuple[str, str, str]]]:
    """Per host, the sequence of (event type, task, outcome) — what must match between two runs."""
    per_host: dict[str, list[tuple[str, str, str]]] = {}
    for event in events:
        if isinstance(event, TaskStarted):
            per_host.setdefault(event.host, []).append(("started", event.task, ""))
        elif isinstance(event, TaskResult):
            per_host.setdefault(event.host, []).append(
                ("result", event.task, f"{event.outcome}:{event.item}")
            )
        elif isinstance(event, HostRecap):
            per_host.setdefault(event.host, []).append(
                ("recap", "", f"{event.ok}/{event.changed}/{event.failed}")
            )
    return per_host
