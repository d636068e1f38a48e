"""A typed Ansible job: which playbook, on which hosts, with which documented variables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from provisioning.hosts import Host
from provisioning.variables import documented_variables

PLAYBOOKS_ENV = "KIERTO_PLAYBOOKS_DIR"


def default_playbooks_dir() -> Path:
    """The playbooks directory: $KIERTO_PLAYBOOKS_DIR, or playbooks/ next to this package."""
    configured = os.environ.get(PLAYBOOKS_ENV)
    if configured:
        return Path(configured).resolve()
    return (Path(__file__).resolve().parent.parent / "playbooks").resolve()


class Playbook(StrEnum):
    """The playbooks Kierto runs."""

    SCAN = "scan.yml"
    WIPE = "wipe.yml"
    PROVISION = "provision.yml"
    IMAGE = "image.yml"
    INSTALL = "install.yml"


@dataclass(frozen=True, slots=True)
class Job:
    """One run of a playbook against one or more hosts.

    `extravars` apply to every host; `host_vars` hold per-host variables (each device's disks to
    erase, each client's account). Both may hold only the documented variables of the playbook's
    roles. `forks` bounds how many hosts run in parallel; `timeout_seconds` ends the run with the
    status "timeout".
    """

    playbook: Playbook
    hosts: tuple[Host, ...]
    extravars: Mapping[str, Any] = field(default_factory=dict)
    host_vars: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    forks: int = 5
    timeout_seconds: int | None = None
    ident: str = field(default_factory=lambda: uuid.uuid4().hex)
    playbooks_dir: Path = field(default_factory=default_playbooks_dir)

    def __post_init__(self) -> None:
        """Refuse a job that Ansible would run differently from what was asked."""
        if not self.hosts:
            raise ValueError("A job needs at least one host.")
        names = [host.name for host in self.hosts]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"Each host may appear once in a job; repeated: {', '.join(duplicates)}.")
        unknown_hosts = sorted(set(self.host_vars) - set(names))
        if unknown_hosts:
            listed = ", ".join(unknown_hosts)
            raise ValueError(f"Host variables were given for hosts not in the job: {listed}.")
        if not 1 <= self.forks <= 100:
            raise ValueError(f"forks must be between 1 and 100, not {self.forks}.")
        if self.timeout_seconds is not None and self.timeout_seconds <= 0:
            raise ValueError("The timeout must be a positive number of seconds.")
        if not (self.playbooks_dir / self.playbook.value).is_file():
            raise ValueError(f"The playbook {self.playbook.value} was not found in {self.playbooks_dir}.")
        allowed = documented_variables(self.playbooks_dir, self.playbook.value)
        given = set(self.extravars).union(*(set(v) for v in self.host_vars.values()))
        undocumented = sorted(given - allowed)
        if undocumented:
            raise ValueError(
                f"{self.playbook.value} does not document the variables {', '.join(undocumented)}; "
                "only the role variables in the roles' READMEs can be passed."
            )

    def inventory(self) -> dict[str, Any]:
        """The job's inventory as ansible-runner's JSON inventory."""
        hosts: dict[str, Any] = {}
        for host in self.hosts:
            variables = host.inventory_vars()
            variables.update(self.host_vars.get(host.name, {}))
            hosts[host.name] = variables
        return {"all": {"hosts": hosts}}
