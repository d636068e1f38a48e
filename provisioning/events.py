"""Typed run events made from ansible-runner's raw events, each keeping the raw event as evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

_MAX_MESSAGE = 600
_GENERIC_MESSAGES = {
    "non-zero return code",
    "one or more items failed",
    "all items completed",
    "module failure",
    "module failure\nsee stdout/stderr for the exact error",
}


class RunStatus(StrEnum):
    """ansible-runner's run statuses, plus "error" for a broken stream."""

    STARTING = "starting"
    RUNNING = "running"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    CANCELED = "canceled"
    TIMEOUT = "timeout"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        """True for the statuses that end a run."""
        return self not in (RunStatus.STARTING, RunStatus.RUNNING)


class TaskOutcome(StrEnum):
    """How a task ended on one host."""

    OK = "ok"
    CHANGED = "changed"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunEvent:
    """Fields every event has; `raw` is the event exactly as ansible-runner delivered it."""

    counter: int | None
    uuid: str | None
    created: datetime | None
    raw: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskStarted(RunEvent):
    """A task started on one host."""

    host: str
    play: str
    task: str
    role: str | None
    action: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskResult(RunEvent):
    """A task (or one loop item of it, when `item` is set) ended on one host."""

    host: str
    play: str
    task: str
    role: str | None
    action: str
    outcome: TaskOutcome
    item: str | None
    ignored: bool
    message: str | None
    result: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class HostRecap(RunEvent):
    """The play recap of one host at the end of the playbook."""

    host: str
    ok: int
    changed: int
    failed: int
    unreachable: int
    skipped: int
    rescued: int
    ignored: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChanged(RunEvent):
    """The run's status changed; `explanation` says why when the stream broke."""

    status: RunStatus
    explanation: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunFinished(RunEvent):
    """The run is over: the last event of every run."""

    status: RunStatus
    rc: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherEvent(RunEvent):
    """Any other runner event (playbook and play start, warnings, verbose output), kept as evidence."""

    name: str
    stdout: str


Event = TaskStarted | TaskResult | HostRecap | StatusChanged | RunFinished | OtherEvent

_RESULT_EVENTS = {
    "runner_on_ok": TaskOutcome.OK,
    "runner_on_failed": TaskOutcome.FAILED,
    "runner_on_skipped": TaskOutcome.SKIPPED,
    "runner_on_unreachable": TaskOutcome.UNREACHABLE,
    "runner_item_on_ok": TaskOutcome.OK,
    "runner_item_on_failed": TaskOutcome.FAILED,
    "runner_item_on_skipped": TaskOutcome.SKIPPED,
}


def iso_moment(value: Any) -> datetime | None:
    """An ISO 8601 moment as Ansible writes it, or None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _item_label(result: Mapping[str, Any]) -> str | None:
    label = result.get("_ansible_item_label", result.get("item"))
    if label is None:
        return None
    if isinstance(label, Mapping):
        for key in ("device", "name", "path"):
            if key in label:
                return str(label[key])
    return str(label)


def describe_failure(result: Mapping[str, Any], outcome: TaskOutcome) -> str | None:  # noqa: PLR0911
    """The failure in plain words: the module's message, or the command's error output and exit code."""
    if outcome not in (TaskOutcome.FAILED, TaskOutcome.UNREACHABLE):
        return None
    message = str(result.get("msg") or "").strip()
    if outcome is TaskOutcome.UNREACHABLE:
        return _shorten(f"The machine could not be reached: {message or 'no answer'}.")
    items = result.get("results")
    if isinstance(items, list):
        failed = [
            describe_failure(item, TaskOutcome.FAILED)
            for item in items
            if isinstance(item, Mapping) and item.get("failed")
        ]
        failed_messages = [text for text in failed if text]
        if failed_messages:
            return _shorten(" ".join(failed_messages))
    if message and message.lower() not in _GENERIC_MESSAGES:
        return _shorten(message)
    stderr = str(result.get("stderr") or result.get("module_stderr") or "").strip()
    rc = result.get("rc")
    if stderr:
        last_lines = " ".join(stderr.splitlines()[-3:])
        prefix = f"The command failed with exit code {rc}: " if rc is not None else "The task failed: "
        return _shorten(prefix + last_lines)
    if rc is not None:
        return f"The command failed with exit code {rc}."
    return _shorten(message) if message else "The task failed without saying why."


def parse_event(raw: Mapping[str, Any]) -> list[Event]:
    """Turn one raw ansible-runner event into typed events (a play recap gives one per host)."""
    name = str(raw.get("event", ""))
    data: Mapping[str, Any] = raw.get("event_data") or {}
    common: dict[str, Any] = {
        "counter": raw.get("counter"),
        "uuid": raw.get("uuid"),
        "created": iso_moment(raw.get("created")),
        "raw": raw,
    }
    if name == "runner_on_start":
        return [
            TaskStarted(
                host=str(data.get("host", "")),
                play=str(data.get("play", "")),
                task=str(data.get("task", "")),
                role=data.get("role") or None,
                action=str(data.get("task_action", "")),
                **common,
            )
        ]
    if name in _RESULT_EVENTS:
        result: Mapping[str, Any] = data.get("res") or {}
        outcome = _RESULT_EVENTS[name]
        if outcome is TaskOutcome.OK and result.get("changed"):
            outcome = TaskOutcome.CHANGED
        return [
            TaskResult(
                host=str(data.get("host", "")),
                play=str(data.get("play", "")),
                task=str(data.get("task", "")),
                role=data.get("role") or None,
                action=str(data.get("task_action", "")),
                outcome=outcome,
                item=_item_label(result) if name.startswith("runner_item_") else None,
                ignored=bool(data.get("ignore_errors")),
                message=describe_failure(result, outcome),
                result=result,
                **common,
            )
        ]
    if name == "playbook_on_stats":
        hosts: set[str] = set()
        for key in ("ok", "changed", "failures", "dark", "skipped", "rescued", "ignored", "processed"):
            hosts.update((data.get(key) or {}).keys())

        def count(key: str, host: str) -> int:
            return int((data.get(key) or {}).get(host, 0))

        return [
            HostRecap(
                host=host,
                ok=count("ok", host),
                changed=count("changed", host),
                failed=count("failures", host),
                unreachable=count("dark", host),
                skipped=count("skipped", host),
                rescued=count("rescued", host),
                ignored=count("ignored", host),
                **common,
            )
            for host in sorted(hosts)
        ]
    return [OtherEvent(name=name, stdout=str(raw.get("stdout", "")), **common)]


def parse_status(raw: Mapping[str, Any]) -> StatusChanged:
    """Turn an ansible-runner status update into a typed event."""
    try:
        status = RunStatus(str(raw.get("status")))
    except ValueError:
        status = RunStatus.ERROR
    explanation = raw.get("job_explanation")
    # The "starting" update carries the whole process environment: never keep it.
    kept = {key: value for key, value in raw.items() if key != "env"}
    return StatusChanged(
        counter=None,
        uuid=None,
        created=None,
        raw=kept,
        status=status,
        explanation=str(explanation) if explanation else None,
    )
