"""The database engine chosen from the settings, and write transactions that work on both engines."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, closing
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlparse

from piccolo.columns.base import Column
from piccolo.columns.combination import Where
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

SQLITE_BUSY_TIMEOUT_SECONDS = 30
SQLITE_QUERY_THREADS = 8


AnyEngine: TypeAlias = Engine[Any]
"""Piccolo's engine, SQLite or PostgreSQL: callers never depend on its transaction type."""


class DatabaseURLError(ValueError):
    """The database URL is neither an sqlite:/// nor a postgresql:// address."""


def engine_from_url(url: str) -> AnyEngine:
    """Build the Piccolo engine for a `sqlite:///path` or `postgresql://…` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path if parsed.netloc == "" else parsed.netloc + parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return KiertoSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if parsed.scheme in {"postgresql", "postgres"}:
        return PostgresEngine(config={"dsn": url}, extra_nodes={}, log_queries=False)
    raise DatabaseURLError(
        f"KIERTO_DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme or url!r}."
    )


class KiertoSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, but a query outside a transaction reuses a connection.

    Piccolo opens a new aiosqlite connection (a new thread, the file opened, the schema parsed) for
    every such query: about 1.5 ms on a quiet machine, most of a scan look-up (benchmarks/scan.py). Here a
    few threads each keep one connection per database file and run the query exactly as Piccolo does
    (foreign keys on, autocommit, every row fetched, so no read transaction is left open). A
    connection whose file was replaced or removed (device and inode changed) is opened again.
    Transactions and batches still get a connection of their own from Piccolo.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid = 0
        self._local = threading.local()

    def _query_executor(self) -> ThreadPoolExecutor:
        if self._executor is None or self._executor_pid != os.getpid():
            self._executor = ThreadPoolExecutor(SQLITE_QUERY_THREADS, thread_name_prefix="kierto-sqlite")
            self._executor_pid = os.getpid()
        return self._executor

    def _kept_connection(self) -> sqlite3.Connection:
        path = self.connection_kwargs["database"]
        try:
            stat = os.stat(path)
            identity: tuple[Any, ...] = (path, stat.st_dev, stat.st_ino)
        except OSError:
            identity = (path, None, None)
        kept: tuple[tuple[Any, ...], sqlite3.Connection] | None = getattr(self._local, "kept", None)
        if kept is not None and kept[0] == identity and identity[1] is not None:
            reused: sqlite3.Connection = kept[1]
            return reused
        if kept is not None:
            kept[1].close()
            self._local.kept = None
        connection: sqlite3.Connection = sqlite3.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        if identity[1] is None:  # the file did not exist before this connection made it
            stat = os.stat(path)
            identity = (path, stat.st_dev, stat.st_ino)
        self._local.kept = (identity, connection)
        return connection

    def _run_kept(self, query: str, args: list[Any], query_type: str, table: Any) -> list[dict[str, Any]]:
        connection = self._kept_connection()
        connection.execute("PRAGMA foreign_keys = 1")
        with closing(connection.execute(query, args)) as cursor:
            rows = cursor.fetchall()
            if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING before 3.35
                column = table._meta.primary_key._meta.db_column_name
                cursor.execute(
                    f"SELECT {column} FROM {table._meta.tablename} WHERE ROWID = {cursor.lastrowid}"  # noqa: S608 - Piccolo's own names
                )
                return [{column: cursor.fetchone()[column]}]
            return rows

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._query_executor(), self._run_kept, query, list(args or []), query_type, table
        )


async def keep_session(connection: Any) -> None:
    """The pool's reset when a connection comes back: nothing more to send to the server.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;` on
    every release, a second round trip for each query run outside a transaction. Connections of the
    request pool carry no session state: nothing sets session variables, listens, keeps cursors or
    takes session-level advisory locks on them (the scheduler's lock has a connection of its own, see
    `operations/scheduling/leadership.py`; documents take transaction-level locks). An open
    transaction is still rolled back by asyncpg before this runs.
    """


async def start_pool(engine: PostgresEngine, max_size: int) -> None:
    """The connection pool of a process: at most `max_size` connections, no reset query on release."""
    await engine.start_connection_pool(min_size=1, max_size=max_size, reset=keep_session)


def is_sqlite(engine: AnyEngine) -> bool:
    """Whether the engine is the embedded SQLite one."""
    return isinstance(engine, SQLiteEngine)


def contains_text(column: Column, text: str) -> Where:
    """A case-insensitive substring match: ILIKE on PostgreSQL, LIKE (already case-insensitive) on SQLite."""
    pattern = f"%{text}%"
    if column._meta.engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


def write_transaction(engine: AnyEngine) -> AbstractAsyncContextManager[Any]:
    """A transaction for read-then-write work: IMMEDIATE on SQLite so writers queue instead of failing."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()  # type: ignore[no-any-return]
