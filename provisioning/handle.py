"""The asyncio side of a run: typed events from ansible-runner's thread, cancel, and the final outcome."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from provisioning.events import Event, RunFinished, RunStatus, StatusChanged, parse_event, parse_status


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """How a run ended."""

    ident: str
    status: RunStatus
    rc: int | None

    @property
    def successful(self) -> bool:
        """True when every host ran the playbook to its end without a failure."""
        return self.status is RunStatus.SUCCESSFUL


class RunHandle:
    """One run seen from the event loop: iterate `events()`, call `cancel()`, await `wait()`.

    The runner's callbacks run on its own thread; they hand each event to the loop with
    `call_soon_threadsafe`, so they never block Ansible and the loop never waits for the thread.
    """

    def __init__(self, ident: str, loop: asyncio.AbstractEventLoop) -> None:
        """Create the handle on the loop that will consume its events."""
        self.ident = ident
        self._loop = loop
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._outcome: asyncio.Future[RunOutcome] = loop.create_future()
        self._cancel = threading.Event()
        self._consumed = False
        self.status = RunStatus.STARTING

    # Called on the runner's thread ------------------------------------------------------------
    def cancel_requested(self) -> bool:
        """ansible-runner's cancel_callback: True once cancel() was called."""
        return self._cancel.is_set()

    def on_event(self, raw: Mapping[str, Any]) -> bool:
        """ansible-runner's event_handler; returning False keeps it from writing the event to disk."""
        for event in parse_event(raw):
            self._loop.call_soon_threadsafe(self._queue.put_nowait, event)
        return False

    def on_status(self, raw: Mapping[str, Any], runner_config: Any = None) -> None:  # noqa: ARG002
        """ansible-runner's status_handler."""
        event = parse_status(raw)
        self._loop.call_soon_threadsafe(self._set_status, event)

    def finish(self, status: RunStatus, rc: int | None, explanation: str | None = None) -> None:
        """Post the last event and settle the outcome; called once when the run is over."""
        if explanation:
            broken = StatusChanged(
                counter=None,
                uuid=None,
                created=None,
                raw={"status": status.value, "job_explanation": explanation},
                status=status,
                explanation=explanation,
            )
            self._loop.call_soon_threadsafe(self._set_status, broken)
        finished = RunFinished(
            counter=None,
            uuid=None,
            created=None,
            raw={"status": status.value, "rc": rc, "ident": self.ident},
            status=status,
            rc=rc,
        )
        self._loop.call_soon_threadsafe(self._finish, finished)

    # Called on the loop -------------------------------------------------------------------------
    def _set_status(self, event: StatusChanged) -> None:
        self.status = event.status
        self._queue.put_nowait(event)

    def _finish(self, event: RunFinished) -> None:
        self.status = event.status
        self._queue.put_nowait(event)
        self._queue.put_nowait(None)
        if not self._outcome.done():
            self._outcome.set_result(RunOutcome(self.ident, event.status, event.rc))

    def cancel(self) -> None:
        """Ask the run to stop; it ends with the status "canceled"."""
        self._cancel.set()

    async def events(self) -> AsyncIterator[Event]:
        """Every event of the run in order, ending with RunFinished; one consumer only."""
        if self._consumed:
            raise RuntimeError("The events of a run can be iterated only once.")
        self._consumed = True
        while (event := await self._queue.get()) is not None:
            yield event

    async def wait(self) -> RunOutcome:
        """Wait for the run to end and return its outcome."""
        return await asyncio.shield(self._outcome)


def start_thread(name: str, target: Callable[[], None]) -> threading.Thread:
    """Start a daemon thread that runs the blocking part of a run."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
