"""Helpers for the operations tests: settings for a test, waiting for a condition, starting servers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from inventory.operations.settings import OperationsSettings

ROOT = Path(__file__).resolve().parents[2]


def operations(**values: Any) -> OperationsSettings:
    """Operations settings for one test, independent of the environment."""
    return OperationsSettings(**values)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0, every: float = 0.1) -> None:
    """Wait until an async check holds, or fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(every)


def kierto(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the `kierto` command."""
    return subprocess.run(
        [sys.executable, "-m", "inventory.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment with the given KIERTO_* values."""
    return {**os.environ, **values}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a process whose output goes to a file (read it when the test fails)."""
    handle = log.open("wb")
    return subprocess.Popen(args, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a process started by a test: SIGTERM, then SIGKILL."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def assert_no_tracebacks(directory: Path) -> None:
    """The logs of the processes a test started show no unexpected error."""
    for log in directory.glob("*.log"):
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, f"{log.name}:\n{text[-3000:]}"
