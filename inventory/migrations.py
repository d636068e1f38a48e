"""Applying Piccolo migrations and telling whether the database is current."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from inventory.database import AnyEngine, is_sqlite
from inventory.piccolo_app import APP_CONFIG


class MigrationFailed(RuntimeError):
    """A migration did not apply; the message says which and why."""


async def apply_migrations(engine: AnyEngine) -> list[str]:
    """Apply every pending migration (SQLite: switch the file to WAL first) and return their ids."""
    if is_sqlite(engine):
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    pending = await pending_migrations()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(APP_CONFIG.app_name)
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{output.getvalue()}")
    return pending


async def pending_migrations() -> list[str]:
    """Ids of migrations that exist in the code but have not been applied."""
    manager = BaseMigrationManager()
    modules = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    known = set(manager.get_migration_ids(modules))
    if not await Migration.table_exists():
        return sorted(known)
    ran = set(await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name))
    return sorted(known - ran)
