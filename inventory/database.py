"""The database engine chosen from the settings, and write transactions that work on both engines."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.columns.base import Column
from piccolo.columns.combination import Where
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

SQLITE_BUSY_TIMEOUT_SECONDS = 30


class DatabaseURLError(ValueError):
    """The database URL is neither an sqlite:/// nor a postgresql:// address."""


def engine_from_url(url: str) -> Engine:  # type: ignore[type-arg]
    """Build the Piccolo engine for a `sqlite:///path` or `postgresql://…` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path if parsed.netloc == "" else parsed.netloc + parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if parsed.scheme in {"postgresql", "postgres"}:
        return PostgresEngine(config={"dsn": url}, extra_nodes={}, log_queries=False)
    raise DatabaseURLError(
        f"KIERTO_DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme or url!r}."
    )


def is_sqlite(engine: Engine) -> bool:  # type: ignore[type-arg]
    """Whether the engine is the embedded SQLite one."""
    return isinstance(engine, SQLiteEngine)


def contains_text(column: Column, text: str) -> Where:
    """A case-insensitive substring match: ILIKE on PostgreSQL, LIKE (already case-insensitive) on SQLite."""
    pattern = f"%{text}%"
    if column._meta.engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


def write_transaction(engine: Engine) -> AbstractAsyncContextManager[Any]:  # type: ignore[type-arg]
    """A transaction for read-then-write work: IMMEDIATE on SQLite so writers queue instead of failing."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()  # type: ignore[no-any-return]
