"""Stop what a run leaves behind: Ansible's forked workers live in sessions of their own, so when
ansible-runner kills ansible-playbook's process group (on cancel or timeout) the workers and the modules
they run (a disk erase writing zeros, an apt install) would go on. Every run ends with a sweep; a
restarted server sweeps for the runs of its dead predecessor, a restarted bench worker for those of
dead workers."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import psutil

from provisioning.datadir import run_dir_prefix

GRACE_SECONDS = 5.0
WORKER_DIR_STEM = "kierto-worker-"


def _started_for(marker: str) -> list[psutil.Process]:
    """ansible-playbook, its forked workers and the modules they started: the command line or the
    environment (ansible-runner's artifact dir, the working directory) names the run's data dir. A
    module started just as its worker was killed is found only by its environment.
    """
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        cmdline = process.info.get("cmdline") or []
        environment = process.info.get("environ") or {}
        if any(marker in part for part in cmdline) or any(marker in value for value in environment.values()):
            found.append(process)
    return found


def stop_leftovers(run_dir: Path) -> int:
    """Kill every process still running for the run in `run_dir`, with all its children; returns how many."""
    return _stop_processes_naming(str(run_dir))


def _stop_processes_naming(marker: str) -> int:
    victims: dict[int, psutil.Process] = {}
    for process in _started_for(marker):
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
    # By the dir's name, not its path: the dead process may have kept its runs somewhere else.
    killed = _stop_processes_naming(prefix.name)
    for leftover in prefix.parent.glob(f"{prefix.name}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return killed


def worker_dir_prefix() -> str:
    """The name this bench worker process's run dirs begin with: the pid tells a later worker whether it died."""
    return f"{WORKER_DIR_STEM}{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop_dead_workers_leftovers(parent: Path | None = None) -> int:
    """At a bench worker's start: kill what earlier worker processes on this host, now dead, left running
    in their run dirs under `parent` (their Ansible outlives them), and remove those dirs. A dir whose
    pid is alive again, even as another program, is left alone. Returns how many processes were killed.
    """
    killed = 0
    for directory in Path(parent or tempfile.gettempdir()).glob(f"{WORKER_DIR_STEM}*-*"):
        pid_text = directory.name.removeprefix(WORKER_DIR_STEM).partition("-")[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        killed += _stop_processes_naming(directory.name)
        shutil.rmtree(directory, ignore_errors=True)
    return killed
