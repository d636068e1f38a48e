"""SQLite: copy a live database with the online backup API, check the copy, restore it the same way."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

PAGES_PER_STEP = 4096


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why in plain words."""


def _integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a database that may be in use into `target` (written beside it first, then renamed)."""
    if not source.exists():
        raise BackupError(f"There is no database file at {source}.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source, timeout=30)) as live,
        contextlib.closing(sqlite3.connect(partial)) as copy,
    ):
        # In steps, so writers are not held up for the whole copy.
        live.backup(copy, pages=PAGES_PER_STEP)
    partial.chmod(0o600)
    result = _integrity(partial)
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy of {source} failed its integrity check: {result}")
    partial.replace(target)


def table_names(path: Path) -> list[str]:
    """The user tables of a database file."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    return [str(row[0]) for row in rows]


def has_data(path: Path, tables: tuple[str, ...]) -> bool:
    """Whether any of these tables exists in the file and has a row."""
    if not path.exists():
        return False
    existing = set(table_names(path))
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return any(
            connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None  # noqa: S608 - names from sqlite_master
            for name in tables
            if name in existing
        )


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the contents of `target` with the backup (the backup API writes it as one transaction)."""
    if not backup.exists():
        raise BackupError(f"There is no backup file at {backup}.")
    result = _integrity(backup)
    if result != "ok":
        raise BackupError(f"{backup} is not a sound SQLite database: {result}")
    if "migration" not in table_names(backup):
        raise BackupError(f"{backup} is not a Kierto backup: it has no migration table.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(backup)) as source,
        contextlib.closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        source.backup(live)
