"""Exactly one scheduler acts, however many run: two `kierto scheduler` processes and a two-worker web
server (each worker with its in-app scheduler) compete; the job runs are counted, then the leader is
killed with SIGKILL and another takes over."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from inventory.operations.scheduling.tables import JobRun
from tests.conftest import free_port
from tests.operations.helpers import assert_no_tracebacks, clean_env, eventually, start, stop

JOB = "statistics_snapshot"


async def _runs() -> list[dict[str, Any]]:
    return list(
        await JobRun.select(JobRun.runner, JobRun.started_at, JobRun.outcome, JobRun.scheduled_for)
        .where(JobRun.job == JOB)
        .order_by(JobRun.started_at)
    )


def _runner_sequence(runs: list[dict[str, Any]]) -> list[str]:
    """The runners in the order they ran, repeats collapsed: [A, B] means A alone, then B alone."""
    sequence: list[str] = []
    for run in runs:
        if not sequence or sequence[-1] != run["runner"]:
            sequence.append(run["runner"])
    return sequence


async def test_one_scheduler_acts_among_five_and_another_takes_over_when_it_is_killed(
    db: Any, tmp_path: Path
) -> None:
    env = clean_env(
        KIERTO_SCHEDULER="app",
        KIERTO_SCHEDULE=json.dumps({JOB: "every 1s", "email_delivery": "every 1h"}),
        KIERTO_SCHEDULER_HEARTBEAT_SECONDS="0.5",
        KIERTO_SCHEDULER_STANDBY_SECONDS="0.3",
        KIERTO_LOG_FORMAT="json",
    )
    port = free_port()
    processes = [
        start([sys.executable, "-m", "inventory.cli", "scheduler"], env, tmp_path / "scheduler-1.log"),
        start([sys.executable, "-m", "inventory.cli", "scheduler"], env, tmp_path / "scheduler-2.log"),
        start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "inventory.app:create_app",
                "--factory",
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-access-log",
            ],
            env,
            tmp_path / "web.log",
        ),
    ]
    try:

        async def enough_runs() -> bool:
            return len(await _runs()) >= 5

        await eventually(enough_runs, within=60)
        before = await _runs()
        assert len(_runner_sequence(before)) == 1, _runner_sequence(before)
        span = (before[-1]["started_at"] - before[0]["started_at"]).total_seconds()
        # One run a second from one scheduler; five competitors would make about five times as many.
        assert len(before) <= span + 2, (len(before), span)

        leader = before[0]["runner"]
        os.kill(int(leader.rsplit(":", 1)[1]), signal.SIGKILL)
        killed_at = time.monotonic()

        async def taken_over() -> bool:
            runs = await _runs()
            return len([r for r in runs if r["runner"] != leader]) >= 3

        await eventually(taken_over, within=60)
        after = await _runs()
        sequence = _runner_sequence(after)
        assert len(sequence) == 2, sequence
        assert sequence[0] == leader
        assert len({r["scheduled_for"] for r in after}) == len(after)
        assert time.monotonic() - killed_at < 60
    finally:
        for process in processes:
            stop(process)
    assert_no_tracebacks(tmp_path)
