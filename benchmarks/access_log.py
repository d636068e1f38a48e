"""Benchmark of the access log: a chained append against the same row written without the chain, and
verifying the chain against reading the rows back. Run as `python -m benchmarks.access_log [rows]`; it uses a
throw-away SQLite file unless KIERTO_DATABASE_URL names a (scratch) PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
WRITERS = 10

SCRATCH: Path | None = None
if not os.environ.get("KIERTO_DATABASE_URL"):
    SCRATCH = Path(tempfile.mkdtemp(prefix="kierto-bench-"))  # removed at the end of the run
    os.environ["KIERTO_DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ.setdefault("PICCOLO_CONF", "inventory.piccolo_conf")


async def _timed(work: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await work()
    return time.perf_counter() - start


async def main() -> None:
    """Print the timings and their ratios."""
    from piccolo.engine.postgres import PostgresEngine

    from benchmarks.serving import load_average
    from inventory.actors import Actor
    from inventory.clock import now
    from inventory.database import write_transaction
    from inventory.migrations import apply_migrations
    from inventory.piccolo_conf import DB
    from inventory.privacy.access_log import log_access, verify_chain
    from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
    from inventory.privacy.tables import AccessLogEntry, AccessLogHead

    if isinstance(DB, PostgresEngine):
        await DB.start_connection_pool(max_size=WRITERS)
    await apply_migrations(DB)
    await AccessLogEntry.delete(force=True)
    await AccessLogHead.delete(force=True)
    actor = Actor.system("bench")

    async def plain_rows() -> None:
        # Baseline: the same row, one transaction each, without the head row and the hash.
        for n in range(ROWS):
            async with write_transaction(DB):
                await AccessLogEntry.insert(
                    AccessLogEntry(
                        seq=-(n + 1),
                        at=now(),
                        actor=actor.label,
                        action=AccessAction.READ.value,
                        client_id=n,
                        purpose=Purpose.CLIENT_RECORD.value,
                        outcome=AccessOutcome.SUCCESS.value,
                        previous_hash="",
                        hash=f"plain-{n}",
                    )
                )

    async def chained_rows() -> None:
        for n in range(ROWS):
            await log_access(DB, actor, AccessAction.READ, [n], Purpose.CLIENT_RECORD)

    async def concurrent_chained_rows() -> None:
        async def writer(w: int) -> None:
            for n in range(ROWS // WRITERS):
                await log_access(DB, actor, AccessAction.READ, [w * ROWS + n], Purpose.CLIENT_RECORD)

        await asyncio.gather(*(writer(w) for w in range(WRITERS)))

    plain = await _timed(plain_rows)
    await AccessLogEntry.delete().where(AccessLogEntry.seq < 0)
    chained = await _timed(chained_rows)
    concurrent = await _timed(concurrent_chained_rows)
    total = await AccessLogEntry.count()

    async def read_back() -> None:
        await AccessLogEntry.select().order_by(AccessLogEntry.seq)

    read = await _timed(read_back)
    verify = await _timed(verify_chain)
    report = await verify_chain()
    engine = "PostgreSQL" if isinstance(DB, PostgresEngine) else "SQLite"
    print(f"access log on {engine}, {ROWS} appends, each in its own transaction; {load_average()}")
    print(f"  plain row                {plain / ROWS * 1000:7.2f} ms/row   1.00")
    print(f"  chained row              {chained / ROWS * 1000:7.2f} ms/row  {chained / plain:5.2f}x")
    print(
        f"  chained, {WRITERS} writers at once {concurrent / ROWS * 1000:7.2f} ms/row  {concurrent / plain:5.2f}x"
    )
    print(
        f"verify {total} rows: {verify:.3f} s, {verify / read:5.2f}x reading them back; intact={report.intact}"
    )
    if isinstance(DB, PostgresEngine):
        await DB.close_connection_pool()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    finally:
        if SCRATCH is not None:
            shutil.rmtree(SCRATCH, ignore_errors=True)
