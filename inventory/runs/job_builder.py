"""Runs as jobs: the job data kept with a run (no secrets), and the provisioning Job built from it."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from inventory.runs.choices import RunKind
from inventory.runs.connections import host_from_spec
from inventory.runs.passwords import password_hash_for
from inventory.settings import Settings
from provisioning.playbook_job import Job, Playbook

PLAYBOOKS = {RunKind.SCAN: Playbook.SCAN, RunKind.WIPE: Playbook.WIPE, RunKind.PROVISION: Playbook.PROVISION}
TIMEOUTS = {RunKind.SCAN: 15 * 60, RunKind.WIPE: 24 * 3600, RunKind.PROVISION: 3 * 3600}
MAX_FORKS = 10


async def build_job(run: dict[str, Any], settings: Settings, ssh_key_path: str | None) -> Job:
    """The Job for a run's data, with each device's password hash added now (it is never stored)."""
    spec = run["job"]
    host_vars: dict[str, dict[str, Any]] = {
        name: dict(values) for name, values in spec.get("host_vars", {}).items()
    }
    for host, device_id in spec.get("password_hosts", {}).items():
        host_vars.setdefault(host, {})["client_account_password_hash"] = await password_hash_for(
            run["id"], int(device_id), settings
        )
    return Job(
        Playbook(spec["playbook"]),
        tuple(host_from_spec(host, ssh_key_path) for host in spec["hosts"]),
        extravars=spec.get("extravars", {}),
        host_vars=host_vars,
        forks=int(spec.get("forks", 1)),
        timeout_seconds=spec.get("timeout_seconds"),
        ident=run["job_ident"],
    )


def _count_tasks(tasks: list[Any], base: Path) -> int:
    count = 0
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        if "block" in task:
            count += _count_tasks(task["block"], base) + _count_tasks(task.get("always", []), base)
            continue
        included = task.get("ansible.builtin.import_tasks") or task.get("ansible.builtin.include_tasks")
        if isinstance(included, str) and (base / included).is_file():
            count += _count_tasks(yaml.safe_load((base / included).read_text(encoding="utf-8")), base)
            continue
        count += 1
    return count


@functools.cache
def expected_tasks(playbooks_dir: Path, playbook: str) -> int:
    """About how many tasks a host goes through in a playbook: the measure of its progress bar."""
    plays = yaml.safe_load((playbooks_dir / playbook).read_text(encoding="utf-8")) or []
    total = 0
    for play in plays:
        if play.get("gather_facts", True):
            total += 1
        for entry in play.get("roles", []):
            role = entry["role"] if isinstance(entry, dict) else str(entry)
            tasks_dir = playbooks_dir / "roles" / role / "tasks"
            main = tasks_dir / "main.yml"
            if main.is_file():
                total += _count_tasks(yaml.safe_load(main.read_text(encoding="utf-8")), tasks_dir)
        total += _count_tasks(play.get("tasks", []), playbooks_dir)
    return max(total, 1)
