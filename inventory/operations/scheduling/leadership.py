"""Who may run the scheduler: the holder of a PostgreSQL advisory lock, or of a file lock beside the SQLite file.

A PostgreSQL session-level advisory lock belongs to one database connection and is released by the
server when that connection ends, however the process ends (kill -9, power cut, network loss), so a
standby on any host takes over. SQLite is one machine by design, and `flock` on a file next to the
database does the same between processes there: the kernel drops the lock with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Protocol, TypeVar
from urllib.parse import urlparse

import asyncpg

T = TypeVar("T")

# "Kierto" in ASCII: the advisory lock key; advisory locks are per database, so installs never clash.
ADVISORY_LOCK_KEY = 0x4B6965_72746F
CHECK_TIMEOUT_SECONDS = 10.0


def holder_name() -> str:
    """host:pid of this process, written into heartbeats and job runs."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class LeadershipLock(Protocol):
    """A lock at most one scheduler holds at a time, anywhere."""

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits."""

    async def still_held(self) -> bool:
        """Whether this process still holds the lock (False once it is lost)."""

    async def release(self) -> None:
        """Give the lock up (also done by the system when the process dies)."""


class PostgresAdvisoryLock:
    """A session-level advisory lock on a connection of its own, outside the request pool.

    One asyncpg connection runs one statement at a time: two tasks asking it at once get "another
    operation is in progress", and a task cancelled in the middle of a statement leaves the protocol
    out of step ("got result for unknown protocol state"), both of which read as a lost lock. So every
    use of the connection goes through `_guard` (one statement at a time), and is shielded from the
    caller's cancellation so a statement always completes before the next one starts. The scheduler
    also asks from one task only (`SchedulerService._lead`).
    """

    def __init__(self, dsn: str, key: int = ADVISORY_LOCK_KEY) -> None:
        self.dsn = dsn
        self.key = key
        self._connection: asyncpg.Connection | None = None
        self._held = False
        self._guard = asyncio.Lock()

    async def _connect(self) -> asyncpg.Connection:
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(
                self.dsn,
                timeout=CHECK_TIMEOUT_SECONDS,
                server_settings={"application_name": "kierto-scheduler"},
            )
        return self._connection

    async def try_acquire(self) -> bool:
        """`pg_try_advisory_lock` on our own connection."""
        return await asyncio.shield(self._serialised(self._try_acquire))

    async def still_held(self) -> bool:
        """The lock lives as long as its session: ask the server whether our session still has it."""
        return await asyncio.shield(self._serialised(self._still_held))

    async def release(self) -> None:
        """Close the connection: the server drops the lock with it."""
        await asyncio.shield(self._serialised(self._release))

    async def _serialised(self, work: Callable[[], Awaitable[T]]) -> T:
        async with self._guard:
            return await work()

    async def _try_acquire(self) -> bool:
        connection = await self._connect()
        self._held = bool(
            await connection.fetchval(
                "SELECT pg_try_advisory_lock($1)", self.key, timeout=CHECK_TIMEOUT_SECONDS
            )
        )
        return self._held

    async def _still_held(self) -> bool:
        if not self._held or self._connection is None or self._connection.is_closed():
            self._held = False
            return False
        try:
            granted = await self._connection.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid = $1 AND objid = $2",
                (self.key >> 32) & 0xFFFFFFFF,
                self.key & 0xFFFFFFFF,
                timeout=CHECK_TIMEOUT_SECONDS,
            )
        except Exception:  # whatever went wrong, we cannot vouch for the lock: give it up honestly
            granted = 0
        self._held = bool(granted)
        if not self._held:
            await self._close()
        return self._held

    async def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), CHECK_TIMEOUT_SECONDS)
            self._connection = None

    async def _release(self) -> bool:
        self._held = False
        await self._close()
        return False


class FileLock:
    """An exclusive `flock` on a file; the kernel releases it when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    async def try_acquire(self) -> bool:
        """Take the lock without waiting."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(holder_name() + "\n")
        handle.flush()
        self._file = handle
        return True

    async def still_held(self) -> bool:
        """A held flock cannot be taken away while the file stays open."""
        return self._file is not None

    async def release(self) -> None:
        """Unlock and close."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def lock_for(database_url: str) -> LeadershipLock:
    """The lock that fits the database: advisory lock on PostgreSQL, a file lock beside the SQLite file."""
    parsed = urlparse(database_url)
    if parsed.scheme == "sqlite":
        path = Path(parsed.path if parsed.netloc == "" else parsed.netloc + parsed.path)
        return FileLock(path.with_name(path.name + ".scheduler.lock"))
    return PostgresAdvisoryLock(database_url)
