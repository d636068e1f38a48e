"""Fault-test plumbing: a throw-away PostgreSQL cluster on loopback that a test can stop and start, and a
signed-in session on a server started by the test."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx

from tests.conftest import free_port
from tests.support import require

PASSWORD = "fault-test-password-1"


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster of our own (initdb, trust on loopback) that can be stopped hard and started again."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        require(bool(found), "PostgreSQL server binaries are missing (Debian package postgresql)")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kierto-cluster-", dir="/tmp"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def admin_url(self) -> str:
        """The postgres database of this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, name: str) -> str:
        """A database of this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop it (immediate: as if the machine lost power)."""
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False,
            capture_output=True,
            timeout=120,
        )

    def remove(self) -> None:
        """Stop and delete it."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


async def sign_in(http: httpx.AsyncClient, username: str) -> None:
    """Log in through the login form; the client keeps the session and CSRF cookies."""
    await http.get("/login")
    answer = await http.post(
        "/login",
        data={"username": username, "password": PASSWORD, "next": "/"},
        headers={"x-csrftoken": http.cookies["kierto_csrf"]},
    )
    assert answer.status_code == 303, answer.text
