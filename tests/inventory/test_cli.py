"""The `kierto` command as `make run` uses it: migrate, demo data once, check, create a user."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from tests.conftest import POSTGRES_ADMIN_DSN

KIERTO = [sys.executable, "-m", "inventory.cli"]


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KIERTO, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIERTO_")}
    env.update({"KIERTO_DATA_DIR": str(tmp_path / "var"), "KIERTO_DATABASE_URL": database_url})
    return env


def test_one_machine_install_from_empty(tmp_path: Path) -> None:
    env = _env(tmp_path, "")
    env.pop("KIERTO_DATABASE_URL")
    unmigrated = _run(["check"], env)
    assert unmigrated.returncode == 1
    assert "kierto migrate" in unmigrated.stderr
    assert _run(["migrate"], env).returncode == 0
    assert (tmp_path / "var" / "kierto.sqlite3").exists()
    first = _run(["demo-data", "--if-empty"], env)
    assert first.returncode == 0, first.stderr
    assert "loaded" in first.stdout
    logins = (tmp_path / "var" / "demo-logins.txt").read_text().splitlines()
    assert {"trainee", "counsellor", "coordinator", "admin"} == {line.split("\t")[2] for line in logins}
    with contextlib.closing(sqlite3.connect(tmp_path / "var" / "kierto.sqlite3")) as database:
        clients = database.execute(
            "SELECT count(*) FROM client JOIN kierto_user AS u ON u.id = client.counsellor WHERE u.role = 'counsellor'"
        ).fetchone()[0]
    assert clients >= 2, "the demo counsellor has clients to work with"
    second = _run(["demo-data", "--if-empty"], env)
    assert second.returncode == 0
    assert "not loaded" in second.stdout
    assert (tmp_path / "var" / "demo-logins.txt").read_text().splitlines() == logins
    assert _run(["demo-data"], env).returncode == 1
    check = _run(["check"], env)
    assert check.returncode == 0, check.stderr
    created = _run(
        ["create-user", "--username", "Maija", "--name", "Maija M", "--role", "counsellor", "--site", "JNS"],
        env,
        "long-enough-secret\n",
    )
    assert created.returncode == 0, created.stderr
    weak = _run(
        ["create-user", "--username", "pekka", "--name", "Pekka", "--role", "trainee"], env, "short\n"
    )
    assert weak.returncode == 2
    assert "12" in weak.stderr


def test_postgresql_by_url(tmp_path: Path) -> None:
    name = f"kierto_cli_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        env = _env(tmp_path, POSTGRES_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
        assert _run(["migrate"], env).returncode == 0
        assert _run(["demo-data", "--if-empty"], env).returncode == 0
        assert _run(["check"], env).returncode == 0
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_a_bad_database_url_is_explained(tmp_path: Path) -> None:
    result = _run(["check"], _env(tmp_path, "mysql://nope"))
    assert result.returncode == 2
    assert "sqlite:///" in result.stderr
    assert "Traceback" not in result.stderr
