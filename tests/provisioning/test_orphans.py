"""After a dead server: what Ansible left running for a job is stopped and the job's data dirs removed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from provisioning.datadir import run_dir_prefix
from provisioning.leftovers import stop_orphans

SLEEPER = "import sys, time; time.sleep(120)"


def _started_in(directory: Path) -> subprocess.Popen[bytes]:
    # Forked Ansible workers carry the private data dir in their command line, as this sleeper does.
    playbook = str(directory / "project" / "wipe.yml")
    process = subprocess.Popen([sys.executable, "-c", SLEEPER, playbook])
    for _ in range(100):  # until it has exec'd and shows its own command line
        if playbook in psutil.Process(process.pid).cmdline():
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
    orphan, other = _started_in(orphan_dir), _started_in(other_dir)
    try:
        assert stop_orphans("a" * 32, tmp_path) == 1
        # stop_orphans waits for what it kills (and reaps it here, where it is our own child).
        assert not psutil.pid_exists(orphan.pid), "the orphan was killed"
        assert not orphan_dir.exists()
        assert other.poll() is None, "another job's process runs on"
        assert other_dir.exists()
        assert stop_orphans("a" * 32, tmp_path) == 0
    finally:
        for process in (orphan, other):
            process.kill()
            process.wait()
