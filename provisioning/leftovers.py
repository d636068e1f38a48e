"""Stop what a run leaves behind: Ansible's forked workers live in sessions of their own, so when
ansible-runner kills ansible-playbook's process group (on cancel or timeout) the workers and the modules
they run (a disk erase writing zeros, an apt install) would go on. Every run ends with a sweep."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psutil

from provisioning.datadir import run_dir_prefix

GRACE_SECONDS = 5.0


def _started_for(run_dir: str) -> list[psutil.Process]:
    """ansible-playbook and its forked workers: their command line names the run's data dir."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info.get("cmdline") or []
        if any(run_dir in part for part in cmdline):
            found.append(process)
    return found


def stop_leftovers(run_dir: Path) -> int:
    """Kill every process still running for the run in `run_dir` (or in any dir whose path begins with
    it), with all its children; returns how many.
    """
    victims: dict[int, psutil.Process] = {}
    for process in _started_for(str(run_dir)):
        try:
            victims[process.pid] = process
            victims.update((child.pid, child) for child in process.children(recursive=True))
        except psutil.NoSuchProcess:
            continue
    victims.pop(os.getpid(), None)
    for process in victims.values():
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(list(victims.values()), timeout=GRACE_SECONDS)
    return len(victims)


def stop_orphans(ident: str, parent: Path | None = None) -> int:
    """After the process that ran job `ident` died: kill what Ansible left running for it on this host
    and remove the job's private data dirs, which that process could not remove. Returns how many
    processes were killed.
    """
    prefix = run_dir_prefix(ident, parent)
    killed = stop_leftovers(prefix)
    for leftover in prefix.parent.glob(f"{prefix.name}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return killed
