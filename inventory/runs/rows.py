"""The rows the run queries return (`runs/queries.py`), typed: what a reader and mypy may expect of each.

A run's events need no row type of their own: `run_events` returns the API's `RunEventOut`, field for field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict


class RunRow(TypedDict):
    """A run as `RUN_COLUMNS` selects it."""

    id: int
    kind: str
    site_code: str
    site: int
    profile_slug: str | None
    state: str
    executor: str
    job_ident: str
    worker_name: str | None
    started_by_label: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    explanation: str


class RunTargetRow(TypedDict):
    """One device's part in a run as `TARGET_COLUMNS` selects it."""

    id: int
    run: int
    host: str
    state: str
    percent: int
    current_task: str
    message: str
    result: dict[str, Any]
    updated_at: dt.datetime
    finished_at: dt.datetime | None


class RunWithTargets(RunRow):
    """A run with its devices, in the order they were added."""

    targets: list[RunTargetRow]


class DeviceProgressRow(RunTargetRow):
    """A device's part in its latest run, with that run's kind, state and executor."""

    kind: str
    run_state: str
    executor: str


class WorkerRow(TypedDict):
    """A bench worker with whether it is online and the runs it is running."""

    id: int
    site: int
    token: int
    name: str
    version: str
    ssh_key_path: str | None
    address: str
    registered_at: dt.datetime
    last_heartbeat_at: dt.datetime
    online: bool
    running_runs: list[int]


class SiteWorkersRow(TypedDict):
    """A site with where its runs go, its bench workers and the runs waiting for one."""

    id: int
    code: str
    name: str
    executor: str
    workers: list[WorkerRow]
    waiting_runs: list[int]


class RunDeviceRow(TypedDict):
    """A device a run is asked to take (`starting._devices`)."""

    id: int
    asset_tag: str
    state: str
    site: int
    cycle: int


class WipeTarget(TypedDict):
    """One disk a wipe erases: its device path and serial as the latest scan named them, and its id here."""

    device: str
    serial: str
    disk_id: int


class BenchMachineRow(TypedDict):
    """A machine that checked in from the bench, as `connections_for` reads it: how to reach it."""

    id: int
    site: int
    device: int | None
    connection: str
    dmi_serial: str | None
    mac: str
    address: str
    ssh_port: int
    ssh_user: str
    host_key: str | None
    hostname: str
    checked_in_at: dt.datetime
    paired_at: dt.datetime | None
    paired_by: str
    paired_how: str | None


class SerialMatch(TypedDict):
    """The one device in the workshop whose serial a checking-in machine reported."""

    id: int
    asset_tag: str
    state: str


class FinishedRun(TypedDict):
    """A run whose devices are taken to their next step (`outcomes.apply_outcomes`)."""

    id: int
    kind: str
    state: str
    profile: int | None
    job_ident: str
    job: dict[str, Any]
    started_by: int | None


class OpenTarget(TypedDict):
    """A device of a finished run that has no outcome yet."""

    id: int
    device: int
    host: str
    message: str
