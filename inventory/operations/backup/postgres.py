"""PostgreSQL: pg_dump in the custom format, pg_restore into an empty database; client tools must be at
least as new as the server (Debian: postgresql-client-<server major>)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

import anyio
import asyncpg

from inventory.operations.backup.sqlite import BackupError

TOOL_TIMEOUT_SECONDS = 6 * 3600


def split_password(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that passes the password instead.

    A password on the command line would be visible to every user of the machine in `ps`.
    """
    parsed = urlparse(url)
    env: dict[str, str] = {}
    if parsed.password is not None:
        env["PGPASSWORD"] = unquote(parsed.password)
        host = parsed.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        user = parsed.username or ""
        netloc = f"{user}@{host}" if user else host
        if parsed.port:
            netloc += f":{parsed.port}"
        parsed = parsed._replace(netloc=netloc)
    return urlunparse(parsed._replace(scheme="postgresql")), env


def tool(name: str, bin_dir: Path | None) -> str:
    """The path of pg_dump or pg_restore (from KIERTO_PG_BIN_DIR when set)."""
    if bin_dir is not None:
        candidate = bin_dir / name
        if not candidate.exists():
            raise BackupError(f"{candidate} does not exist: check KIERTO_PG_BIN_DIR.")
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the Debian package postgresql-client.")
    return found


def tool_major(path: str) -> int:
    """The major version of a PostgreSQL client tool."""
    command = [path, "--version"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30).stdout  # noqa: S603
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if match is None:
        raise BackupError(f"Cannot tell the version of {path} from {output!r}.")
    return int(match.group(1))


async def server_major(url: str) -> int:
    """The major version of the server behind a URL."""
    connection = await asyncpg.connect(url, timeout=30)
    try:
        return int(await connection.fetchval("SHOW server_version_num")) // 10000
    finally:
        await connection.close()


async def check_versions(path: str, url: str) -> None:
    """Refuse a client tool older than the server: its dump could be incomplete."""
    client, server = await anyio.to_thread.run_sync(tool_major, path), await server_major(url)
    if client < server:
        raise BackupError(
            f"{Path(path).name} is version {client} but the server is PostgreSQL {server}: install "
            f"postgresql-client-{server} or point KIERTO_PG_BIN_DIR at its bin directory."
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool and arguments built here, no shell
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


async def backup_postgres(url: str, target: Path, bin_dir: Path | None = None) -> None:
    """Dump the database into `target` (custom format, written beside it first, then renamed)."""
    pg_dump = tool("pg_dump", bin_dir)
    await check_versions(pg_dump, url)
    dsn, env = split_password(url)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", f"--dbname={dsn}"],
        env,
    )
    partial.chmod(0o600)
    partial.replace(target)


async def user_tables(url: str) -> list[str]:
    """The tables in the database's public schema."""
    connection = await asyncpg.connect(url, timeout=30)
    try:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    finally:
        await connection.close()
    return [str(row["tablename"]) for row in rows]


async def restore_postgres(backup: Path, url: str, replace: bool, bin_dir: Path | None = None) -> None:
    """Load a dump into the database in one transaction; `replace` drops what is there first."""
    if not await anyio.Path(backup).exists():
        raise BackupError(f"There is no backup file at {backup}.")
    pg_restore = tool("pg_restore", bin_dir)
    await check_versions(pg_restore, url)
    dsn, env = split_password(url)
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if replace:
        command += ["--clean", "--if-exists"]
    await anyio.to_thread.run_sync(_run, [*command, f"--dbname={dsn}", str(backup)], env)
