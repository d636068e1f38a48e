"""`kierto backup` / `kierto restore` and the nightly backup job: one file per backup, the newest N kept."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import anyio

from inventory.clock import now
from inventory.operations.backup.postgres import backup_postgres, restore_postgres, user_tables
from inventory.operations.backup.sqlite import BackupError, backup_sqlite, has_data, restore_sqlite
from inventory.operations.scheduling.job_definition import JobContext
from inventory.operations.settings import OperationsSettings
from inventory.privacy.access_log import current_head, head_copy_path, write_head_copy
from inventory.settings import Settings

BACKUP_NAME = re.compile(r"^kierto-\d{8}T\d{6}Z\.(sqlite3|pgdump)$")
# Tables whose rows mean "this database is in use": restoring over them needs --force.
DATA_TABLES = ("kierto_user", "device", "client")

__all__ = [
    "BackupError",
    "BackupMade",
    "backup_with_head",
    "make_backup",
    "nightly_backup",
    "prune_backups",
    "restore_backup",
]


@dataclass(frozen=True)
class BackupMade:
    """A backup file and its size."""

    path: Path
    size: int


def sqlite_path(url: str) -> Path | None:
    """The file of an sqlite:/// URL, or None for PostgreSQL."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite":
        return None
    return Path(parsed.path if parsed.netloc == "" else parsed.netloc + parsed.path)


def backup_name(url: str, moment: dt.datetime) -> str:
    """kierto-20261124T021500Z.sqlite3 or .pgdump: sortable by time."""
    suffix = "sqlite3" if sqlite_path(url) else "pgdump"
    return f"kierto-{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.{suffix}"


async def make_backup(
    url: str, directory: Path, operations: OperationsSettings, target: Path | None = None
) -> BackupMade:
    """Back the database up into `target`, or a new timestamped file in `directory` (kept private: 0700/0600)."""
    if target is None:
        target = directory / backup_name(url, now())
        await anyio.to_thread.run_sync(_private_directory, directory)
    else:
        await anyio.Path(target.parent).mkdir(parents=True, exist_ok=True)
    source = sqlite_path(url)
    if source is not None:
        await anyio.to_thread.run_sync(backup_sqlite, source, target)
    else:
        await backup_postgres(url, target, operations.pg_bin_dir)
    return BackupMade(target, (await anyio.Path(target).stat()).st_size)


async def backup_with_head(
    url: str, directory: Path, operations: OperationsSettings, target: Path | None = None
) -> BackupMade:
    """A backup of the running database, with the access log's head copied beside it (`<file>.access-log-head`).

    The head is read before the backup starts, so the backup holds at least that row; after a restore,
    `kierto verify-access-log --head <file>.access-log-head` shows that no row was cut off its end.
    """
    head = await current_head()
    made = await make_backup(url, directory, operations, target)
    await anyio.to_thread.run_sync(write_head_copy, head_copy_path(made.path), head)
    return made


def _private_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups made by Kierto (and their head copies); returns the deleted ones."""
    if not directory.exists():
        return []
    ours = sorted(path for path in directory.iterdir() if BACKUP_NAME.match(path.name))
    doomed = ours[: max(0, len(ours) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
        head_copy_path(path).unlink(missing_ok=True)
    return doomed


async def restore_backup(backup: Path, url: str, operations: OperationsSettings, force: bool = False) -> None:
    """Restore a backup into the database at `url`; refuses a database in use unless `force`."""
    target = sqlite_path(url)
    if target is not None:
        if backup.suffix != ".sqlite3" and not force:
            raise BackupError(f"{backup.name} does not look like an SQLite backup (.sqlite3).")
        if not force and await anyio.to_thread.run_sync(has_data, target, DATA_TABLES):
            raise BackupError(f"{target} already holds data: stop Kierto and add --force to replace it.")
        await anyio.to_thread.run_sync(restore_sqlite, backup, target)
        return
    existing = await user_tables(url)
    if existing and not force:
        raise BackupError(
            "The database is not empty: restore into a new, empty database, or stop Kierto and add --force."
        )
    await restore_postgres(backup, url, replace=bool(existing), bin_dir=operations.pg_bin_dir)


async def nightly_backup(context: JobContext) -> str:
    """The job: a new backup in the backup directory, then only the newest KIERTO_BACKUP_KEEP are kept."""
    directory = context.operations.resolved_backup_dir(context.settings.data_dir)
    made = await backup_with_head(context.settings.resolved_database_url, directory, context.operations)
    pruned = prune_backups(directory, context.operations.backup_keep)
    return f"{made.path.name} {made.size} bytes; {len(pruned)} old removed"


def backup_dir_for(settings: Settings, operations: OperationsSettings) -> Path:
    """The configured backup directory, made absolute."""
    return Path(os.path.abspath(operations.resolved_backup_dir(settings.data_dir)))
