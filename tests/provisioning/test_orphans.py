"""After a dead server or bench worker: what Ansible left running for it is stopped and its dirs removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from provisioning.datadir import run_dir_prefix
from provisioning.leftovers import WORKER_DIR_STEM, stop_dead_workers_leftovers, stop_orphans

SLEEPER = "import sys, time; time.sleep(120)"


def _started_in(directory: Path, *, by_environment: bool = False) -> subprocess.Popen[bytes]:
    """A sleeper that names the run dir as Ansible's processes do: forked workers in their command line,
    the modules they start only in their environment (ansible-runner's artifact dir).
    """
    playbook = str(directory / "project" / "wipe.yml")
    arguments, environment = (
        [sys.executable, "-c", SLEEPER],
        {"AWX_ISOLATED_DATA_DIR": str(directory / "artifacts")},
    )
    process = subprocess.Popen(arguments if by_environment else [*arguments, playbook], env=environment)
    for _ in range(100):  # until it has exec'd and shows its own command line
        if psutil.Process(process.pid).cmdline()[:3] == arguments:
            return process
        time.sleep(0.05)
    raise RuntimeError("the sleeper did not start")


def test_an_orphaned_job_is_stopped_and_its_dirs_removed_and_other_jobs_are_left_alone(
    tmp_path: Path,
) -> None:
    orphan_dir = Path(f"{run_dir_prefix('a' * 32, tmp_path)}x1y2z3")
    other_dir = Path(f"{run_dir_prefix('b' * 32, tmp_path)}q9w8e7")
    for directory in (orphan_dir, other_dir):
        (directory / "project").mkdir(parents=True)
    orphan, module, other = (
        _started_in(orphan_dir),
        _started_in(orphan_dir, by_environment=True),
        _started_in(other_dir),
    )
    try:
        assert stop_orphans("a" * 32, tmp_path) == 2
        # stop_orphans waits for what it kills (and reaps it here, where it is our own child).
        assert not psutil.pid_exists(orphan.pid), "the orphan was killed"
        assert not psutil.pid_exists(module.pid), "the module, known only by its environment, was killed"
        assert not orphan_dir.exists()
        assert other.poll() is None, "another job's process runs on"
        assert other_dir.exists()
        assert stop_orphans("a" * 32, tmp_path) == 0
    finally:
        for process in (orphan, module, other):
            process.kill()
            process.wait()


def test_a_bench_worker_stops_what_dead_workers_left_and_leaves_living_ones_alone(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    dead_dir = tmp_path / f"{WORKER_DIR_STEM}{dead.pid}-abc123"
    living_dir = tmp_path / f"{WORKER_DIR_STEM}{os.getpid()}-def456"
    for directory in (dead_dir, living_dir):
        (directory / "project").mkdir(parents=True)
    left, running = _started_in(dead_dir, by_environment=True), _started_in(living_dir)
    try:
        assert stop_dead_workers_leftovers(tmp_path) == 1
        assert not psutil.pid_exists(left.pid)
        assert not dead_dir.exists()
        assert running.poll() is None, "a living worker's run goes on"
        assert living_dir.exists()
    finally:
        for process in (left, running):
            process.kill()
            process.wait()
