"""Connection data for the machines a run reaches: SSH on the bench network, a chroot, or this machine."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_KNOWN_HOSTS = "{{ playbook_dir }}/kierto_known_hosts"


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"The host name {name!r} cannot be used in an inventory: use letters, digits, '.', '_' and '-' "
            "(an asset tag such as JNS-000042-7 works)."
        )


@dataclass(frozen=True, slots=True)
class SshHost:
    """A machine on the bench network, reached over SSH as the bench user with sudo.

    `key_path` is the bench private key's path on the machine that runs Ansible (the server in the
    one-machine shape, the bench worker in the region shape); the key itself never travels in a job.
    `host_key` is the machine's public host key line (e.g. "ssh-ed25519 AAAA...") when check-in
    reported one; without it the first key seen in the run is accepted.
    """

    name: str
    address: str
    user: str = "kierto-bench"
    port: int = 22
    key_path: PurePosixPath | None = None
    host_key: str | None = None

    def __post_init__(self) -> None:
        """Refuse connection data that cannot work."""
        _check_name(self.name)
        if not self.address or any(char.isspace() for char in self.address):
            raise ValueError(f"The address of {self.name} is empty or contains spaces.")
        if not 0 < self.port < 65536:
            raise ValueError(f"The SSH port of {self.name} must be between 1 and 65535, not {self.port}.")
        if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", self.user):
            raise ValueError(f"The SSH user {self.user!r} of {self.name} is not a valid login name.")
        if self.key_path is not None and not self.key_path.is_absolute():
            raise ValueError(f"The SSH key path of {self.name} must be absolute, not {self.key_path}.")

    def inventory_vars(self) -> dict[str, Any]:
        """Inventory variables for this host."""
        checking = "yes" if self.host_key else "accept-new"
        variables: dict[str, Any] = {
            "ansible_connection": "ssh",
            "ansible_host": self.address,
            "ansible_port": self.port,
            "ansible_user": self.user,
            "ansible_become": True,
            "ansible_ssh_common_args": (
                f"-o UserKnownHostsFile={_KNOWN_HOSTS} -o StrictHostKeyChecking={checking} "
                # A machine busy erasing or unpacking may not answer for a while: two minutes before giving up.
                "-o ServerAliveInterval=15 -o ServerAliveCountMax=8"
            ),
        }
        if self.key_path is not None:
            variables["ansible_ssh_private_key_file"] = str(self.key_path)
        return variables

    def known_hosts_line(self) -> str | None:
        """The known_hosts line for this host, when its host key is known."""
        if not self.host_key:
            return None
        target = self.address if self.port == 22 else f"[{self.address}]:{self.port}"
        return f"{target} {self.host_key.strip()}"


@dataclass(frozen=True, slots=True)
class ChrootHost:
    """A root file system on the machine that runs Ansible (tests, image building); needs root."""

    name: str
    path: Path

    def __post_init__(self) -> None:
        """Refuse a relative chroot path."""
        _check_name(self.name)
        if not self.path.is_absolute():
            raise ValueError(f"The chroot path of {self.name} must be absolute, not {self.path}.")

    def inventory_vars(self) -> dict[str, Any]:
        """Inventory variables for this host."""
        return {
            "ansible_connection": "community.general.chroot",
            "ansible_host": str(self.path),
            "ansible_become": False,
            "ansible_python_interpreter": "/usr/bin/python3",
        }

    def known_hosts_line(self) -> str | None:
        """Chroots have no host key."""
        return None


@dataclass(frozen=True, slots=True)
class LocalHost:
    """The machine that runs Ansible itself (a bench worker scanning itself, benchmarks, tests)."""

    name: str
    python_interpreter: str = sys.executable

    def __post_init__(self) -> None:
        """Refuse a host name that cannot be used in an inventory."""
        _check_name(self.name)

    def inventory_vars(self) -> dict[str, Any]:
        """Inventory variables for this host."""
        return {
            "ansible_connection": "local",
            "ansible_become": False,
            "ansible_python_interpreter": self.python_interpreter,
        }

    def known_hosts_line(self) -> str | None:
        """The local machine needs no host key."""
        return None


Host = SshHost | ChrootHost | LocalHost
