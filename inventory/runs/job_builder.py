"""Runs as jobs: the job data kept with a run (no secrets), and the provisioning Job built from it."""

from __future__ import annotations

from typing import Any

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
