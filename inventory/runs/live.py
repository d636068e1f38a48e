"""Live progress as server-sent events: a run's devices, or one device's latest run, as they move."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
from litestar.response import ServerSentEventMessage

from inventory.clock import now
from inventory.runs.choices import RunState, TargetState
from inventory.runs.presenters import progress_out, run_out
from inventory.runs.queries import device_progress, get_run
from inventory.runs.rows import RunWithTargets
from inventory.runs.screen import device_screen
from inventory.runs.supervisor import RunSupervisor
from inventory.settings import Settings

POLL_SECONDS = 0.5
PING_SECONDS = 15.0
# A run that has ended but whose devices were not moved on within this time is reported as it is.
SETTLE_SECONDS = 30


def _message(event: str, payload: Any) -> ServerSentEventMessage:
    return ServerSentEventMessage(
        event=event, data=json.dumps(msgspec.to_builtins(payload), separators=(",", ":"))
    )


def settled(run: RunWithTargets) -> bool:
    """Whether a run has ended and its devices have their outcomes (or waited long enough for them)."""
    if not RunState(run["state"]).finished:
        return False
    if all(TargetState(t["state"]).finished for t in run["targets"]):
        return True
    ended = run["finished_at"] or now()
    return now() - ended > dt.timedelta(seconds=SETTLE_SECONDS)


async def run_stream(
    run_id: int, settings: Settings, runs: RunSupervisor
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """`progress` whenever a device of the run moves, then `finished` once every device has its outcome."""
    last: Any = None
    quiet = 0.0
    while True:
        run = await get_run(run_id)
        snapshot = msgspec.to_builtins(await run_out(run, settings))
        if settled(run):
            yield _message("finished", snapshot)
            return
        if snapshot != last:
            yield _message("progress", snapshot)
            last, quiet = snapshot, 0.0
        elif quiet >= PING_SECONDS:
            yield ServerSentEventMessage(comment="ping", data=None)
            quiet = 0.0
        await runs.wait_changed(run_id, POLL_SECONDS)
        quiet += POLL_SECONDS


async def _device_snapshot(asset_tag: str, progress: Any) -> dict[str, Any]:
    """The device's bar and the line saying what its machine's own screen shows now."""
    screen = await device_screen(asset_tag)
    return {
        **msgspec.to_builtins(progress),
        "screen": {"title": screen.title, "detail": screen.detail, "tone": screen.tone.value},
    }


async def device_stream(asset_tag: str, runs: RunSupervisor) -> AsyncGenerator[ServerSentEventMessage, None]:
    """`progress` whenever the device's latest run moves it or its machine's screen changes; `finished`
    when that run is over for it."""
    last: Any = None
    quiet = 0.0
    while True:
        row = await device_progress(asset_tag)
        if row is None:
            yield ServerSentEventMessage(event="finished", data="null")
            return
        snapshot = await _device_snapshot(asset_tag, progress_out(row))
        if snapshot != last:
            finished = TargetState(row["state"]).finished
            yield _message("finished" if finished else "progress", snapshot)
            if finished:
                return
            last, quiet = snapshot, 0.0
        elif quiet >= PING_SECONDS:
            yield ServerSentEventMessage(comment="ping", data=None)
            quiet = 0.0
        await runs.wait_changed(int(row["run"]), POLL_SECONDS)
        quiet += POLL_SECONDS
