"""`kierto backup` / `kierto restore`: a backup restored into an empty database has the same contents,
on SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore); the nightly job keeps N."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import anyio
import asyncpg
import pytest

from inventory.operations.backup.postgres import split_password
from inventory.operations.backup.services import BackupError, make_backup, prune_backups, restore_backup
from inventory.privacy.access_log import HEAD_COPY_SUFFIX, current_head, parse_head_copy, verify_chain
from tests.conftest import POSTGRES_ADMIN_DSN
from tests.operations.helpers import clean_env, kierto, operations
from tests.support import require_tool


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    return clean_env(KIERTO_DATABASE_URL=url, KIERTO_DATA_DIR=str(tmp_path / "var"))


def _sqlite_contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names
        }


async def _postgres_contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    connection = await asyncpg.connect(url)
    try:
        names = [
            row["tablename"]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        contents = {}
        for name in names:
            rows = await connection.fetch(f'SELECT * FROM "{name}"')
            contents[name] = sorted((tuple(row.values()) for row in rows), key=repr)
        return contents
    finally:
        await connection.close()


def _filled(env: dict[str, str]) -> None:
    for args in (["migrate"], ["demo-data"]):
        result = kierto(args, env)
        assert result.returncode == 0, result.stderr


def test_sqlite_backup_restores_into_an_empty_file_with_the_same_contents(tmp_path: Path) -> None:
    source = tmp_path / "live" / "kierto.sqlite3"
    env = _env(tmp_path, f"sqlite:///{source}")
    _filled(env)
    made = kierto(["backup"], env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.split(" (")[0])
    assert backup.parent == tmp_path / "var" / "backups"
    assert backup.name.startswith("kierto-")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # holds personal data: owner only
    empty = tmp_path / "restored" / "kierto.sqlite3"
    restored = kierto(["restore", str(backup), "--database-url", f"sqlite:///{empty}"], env)
    assert restored.returncode == 0, restored.stderr
    original = _sqlite_contents(source)
    assert original["kierto_user"], "the demo data should have users"
    assert original["device"], "the demo data should have devices"
    assert _sqlite_contents(empty) == original
    # The restored copy is a working Kierto database, whose access log holds the head copied beside the backup.
    check = kierto(["check"], _env(tmp_path, f"sqlite:///{empty}"))
    assert check.returncode == 0, check.stderr
    head_copy = backup.with_name(backup.name + HEAD_COPY_SUFFIX)
    assert oct(head_copy.stat().st_mode & 0o777) == "0o600"
    verified = kierto(["verify-access-log", "--head", str(head_copy)], _env(tmp_path, f"sqlite:///{empty}"))
    assert verified.returncode == 0, verified.stderr
    assert "it holds row" in verified.stdout
    # Restoring over a database in use needs --force.
    refused = kierto(["restore", str(backup), "--database-url", f"sqlite:///{empty}"], env)
    assert refused.returncode == 1
    assert "--force" in refused.stderr


def test_postgresql_backup_restores_into_an_empty_database_with_the_same_contents(tmp_path: Path) -> None:
    require_tool("pg_dump", "Debian package postgresql-client")
    require_tool("pg_restore", "Debian package postgresql-client")
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    source, target = f"kierto_bk_{uuid.uuid4().hex[:8]}", f"kierto_rs_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{source}"'))
    asyncio.run(admin(f'CREATE DATABASE "{target}"'))
    try:
        env = _env(tmp_path, f"{base}/{source}")
        _filled(env)
        output = tmp_path / "nightly.pgdump"
        made = kierto(["backup", "--output", str(output)], env)
        assert made.returncode == 0, made.stderr
        restored = kierto(["restore", str(output), "--database-url", f"{base}/{target}"], env)
        assert restored.returncode == 0, restored.stderr
        original = asyncio.run(_postgres_contents(f"{base}/{source}"))
        assert original["device"]
        assert asyncio.run(_postgres_contents(f"{base}/{target}")) == original
        refused = kierto(["restore", str(output), "--database-url", f"{base}/{target}"], env)
        assert refused.returncode == 1
        assert "not empty" in refused.stderr
        forced = kierto(["restore", str(output), "--database-url", f"{base}/{target}", "--force"], env)
        assert forced.returncode == 0, forced.stderr
        assert asyncio.run(_postgres_contents(f"{base}/{target}")) == original
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)'))
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))


def test_the_password_never_goes_on_the_command_line() -> None:
    dsn, env = split_password("postgresql://kierto:s%40cret@db.example:5433/kierto")
    assert dsn == "postgresql://kierto@db.example:5433/kierto"
    assert env == {"PGPASSWORD": "s@cret"}
    assert split_password("postgresql://postgres@127.0.0.1/x") == ("postgresql://postgres@127.0.0.1/x", {})


def test_only_the_newest_backups_are_kept_and_other_files_are_left_alone(tmp_path: Path) -> None:
    names = [f"kierto-2026010{day}T020000Z.sqlite3" for day in range(1, 10)]
    for name in [*names, "notes.txt", "kierto-manual.sqlite3"]:
        (tmp_path / name).write_text("x")
    removed = prune_backups(tmp_path, keep=3)
    assert sorted(p.name for p in removed) == names[:6]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[6:], "kierto-manual.sqlite3", "notes.txt"]
    )


async def test_the_nightly_job_backs_up_the_running_database(db: Any, tmp_path: Path) -> None:
    from inventory.operations.backup.services import nightly_backup
    from inventory.operations.scheduled_jobs import JOBS
    from inventory.settings import get_settings

    if "postgresql" in get_settings().resolved_database_url:
        require_tool("pg_dump", "Debian package postgresql-client")
    job = next(j for j in JOBS if j.name == "backup")
    context = job.context(db, get_settings(), operations(backup_dir=tmp_path, backup_keep=2))
    for _ in range(3):
        summary = await nightly_backup(context)
        await asyncio.sleep(1.01)  # backups are named by the second
    assert "bytes" in summary
    every = [path async for path in anyio.Path(tmp_path).iterdir()]
    kept = [path for path in every if not path.name.endswith(HEAD_COPY_SUFFIX)]
    assert len(kept) == 2
    sizes = [(await path.stat()).st_size for path in kept]
    assert all(size > 0 for size in sizes)
    # Beside each backup, the access log's head as it was when the backup began (pruned with it).
    heads = sorted(path.name for path in every if path.name.endswith(HEAD_COPY_SUFFIX))
    assert heads == sorted(path.name + HEAD_COPY_SUFFIX for path in kept)
    copy = parse_head_copy(await (anyio.Path(tmp_path) / heads[-1]).read_text())
    assert copy == await current_head()
    assert (await verify_chain(outside=copy)).intact


async def test_a_missing_backup_is_explained(db: Any, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no backup file"):
        await restore_backup(
            tmp_path / "nothing.sqlite3", f"sqlite:///{tmp_path / 'x.sqlite3'}", operations()
        )
    with pytest.raises(BackupError, match="There is no database file"):
        await make_backup(f"sqlite:///{tmp_path / 'absent.sqlite3'}", tmp_path, operations())
