"""A private ansible-runner data dir per run (project, inventory, variables), removed with its secrets."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from provisioning.playbook_job import Job

# How often (seconds) ansible-runner looks at the cancel flag and the timeout while Ansible is quiet.
PEXPECT_TIMEOUT = 0.5
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ansible", "*.retry")


def _write_private(path: Path, text: str) -> None:
    """Write a file readable only by its owner."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def populate(job: Job, root: Path) -> None:
    """Fill an empty private data dir with the job's project, inventory and variables."""
    shutil.copytree(job.playbooks_dir, root / "project", ignore=_IGNORED)
    _write_private(root / "inventory" / "hosts.json", json.dumps(job.inventory()))
    if job.extravars:
        _write_private(root / "env" / "extravars", json.dumps(dict(job.extravars)))
    settings: dict[str, Any] = {"pexpect_timeout": PEXPECT_TIMEOUT}
    _write_private(root / "env" / "settings", json.dumps(settings))
    known_hosts = [line for host in job.hosts if (line := host.known_hosts_line())]
    _write_private(root / "project" / "kierto_known_hosts", "".join(f"{line}\n" for line in known_hosts))


def ansible_environment() -> dict[str, str]:
    """Environment for the Ansible process: PATH leads to this Python's ansible-playbook (a virtualenv)."""
    bin_dir = Path(sys.executable).parent
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    if (bin_dir / "ansible-playbook").is_file() and str(bin_dir) not in path.split(os.pathsep):
        path = f"{bin_dir}{os.pathsep}{path}"
    return {"PATH": path}


def runner_arguments(job: Job, root: Path) -> dict[str, Any]:
    """The ansible-runner keyword arguments for the job in the data dir at root."""
    arguments: dict[str, Any] = {
        "private_data_dir": str(root),
        "playbook": job.playbook.value,
        "inventory": str(root / "inventory" / "hosts.json"),
        "ident": job.ident,
        "forks": job.forks,
        "quiet": True,
    }
    if job.timeout_seconds is not None:
        arguments["timeout"] = job.timeout_seconds
    return arguments


def run_dir_prefix(ident: str, parent: Path | None = None) -> Path:
    """Where the private data dirs of job `ident` begin: each one's name goes on with a random suffix."""
    return Path(parent or tempfile.gettempdir()) / f"kierto-run-{ident[:12]}-"


@contextmanager
def private_data_dir(job: Job, parent: Path | None = None) -> Iterator[Path]:
    """A fresh private data dir for the job, readable only by us, removed with everything in it afterwards."""
    root = Path(tempfile.mkdtemp(prefix=run_dir_prefix(job.ident, parent).name, dir=parent))
    try:
        populate(job, root)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def scratch_dir(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """An empty private directory (a worker's or processor's data dir), removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)
