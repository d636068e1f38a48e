"""Benchmark (run: python -m bench.scan [--database sqlite|postgresql|both]): scan look-ups among 100,000
devices, one uvicorn worker, against a bare Litestar JSON endpoint measured in the same run.

Targets: throughput at least half the bare endpoint's, p99 under 20 ms.

Figures (2 cores shared with other test runs, load average 6-8, so the spread is wide; the client runs
on the same cores and limits the bare endpoint too). Three runs each, December 2026:

- before (4d0297c): SQLite ratio 0.19-0.35 (123-172 req/s, p99 128-181 ms); PostgreSQL 0.40-0.57
  (137-219 req/s, p99 126-162 ms).
- after (a kept SQLite connection per query thread, no pool reset query on PostgreSQL, the scan's
  select written out): SQLite 0.48-0.61 (208-246 req/s, p99 111-220 ms); PostgreSQL 0.25-0.49
  (86-239 req/s, p99 114-485 ms).
- in one process, without the network (1,000 scans, three times): CPU per scan on SQLite 5.0-6.9 ms
  before, 1.0-1.4 ms after; on PostgreSQL 1.6-2.1 ms before, 0.9-1.5 ms after. Round trips per scan:
  the token with its user, then the device (the token's last use is written at most every 5 minutes);
  PostgreSQL sent a reset query after each of them before.

The p99 target is not met on this machine: the bare endpoint's own p99 was 52-218 ms in these runs.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.serving import Database, Results, drive, fill, free_port, serve, wait_for

DEVICES = 100_000
CONCURRENCY = 8


def _tag(number: int) -> str:
    from inventory.devices.asset_tags import format_tag

    return format_tag("JNS", number)


def _scan_step(token: str) -> object:
    headers = {"Authorization": f"Bearer {token}"}

    async def step(http: httpx.AsyncClient, rng: random.Random) -> tuple[str, httpx.Response]:
        tag = _tag(rng.randint(1, DEVICES))
        # Scanners send the tag as printed; people type it in lower case without the check character.
        code = tag if rng.random() < 0.8 else tag.rsplit("-", 1)[0].lower()
        return "scan", await http.get(f"/api/v1/scan/{code}", headers=headers)

    return step


async def _measure(port: int, token: str, seconds: float) -> Results:
    return await drive(f"http://127.0.0.1:{port}", CONCURRENCY, seconds, lambda _: _scan_step(token))  # type: ignore[arg-type,return-value]


def run(engine: str, seconds: float) -> tuple[Results, Results]:
    """Fill a database, then measure the bare endpoint and Kierto's scan, one after the other."""
    database = Database.create(engine)
    logs = Path(tempfile.mkdtemp(prefix="kierto-bench-logs-"))
    try:
        [token] = fill(database, DEVICES, [("scanner", "trainee")])
        bare_port, kierto_port = free_port(), free_port()
        bare = serve(database, bare_port, 1, logs / "bare.log", app="bench.bare:create_app")
        kierto = serve(database, kierto_port, 1, logs / "kierto.log")
        try:
            wait_for(bare_port, bare)
            wait_for(kierto_port, kierto)
            baseline = asyncio.run(_measure(bare_port, token, seconds))
            measured = asyncio.run(_measure(kierto_port, token, seconds))
        finally:
            for process in (bare, kierto):
                process.terminate()
                process.wait(timeout=20)
        return baseline, measured
    finally:
        database.drop()


def report(engine: str, baseline: Results, measured: Results) -> None:
    """Print the figures and the ratio."""
    print(f"\n{engine}: {DEVICES:,} devices, 1 worker, {CONCURRENCY} concurrent clients")
    print("  bare   " + baseline.line())
    print("  kierto " + measured.line())
    ratio = (measured.total / measured.seconds) / (baseline.total / baseline.seconds)
    p99 = sorted(measured.latencies["scan"])[int(len(measured.latencies["scan"]) * 0.99) - 1] * 1000
    print(f"  ratio {ratio:.2f} of the bare endpoint (target >= 0.5); p99 {p99:.1f} ms (target < 20 ms)")


def main() -> None:
    """Parse arguments, run each engine in its own process (settings are read at import)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database == "both":
        for engine in ("sqlite", "postgresql"):
            subprocess.run(
                [sys.executable, "-m", "bench.scan", "--database", engine, "--seconds", str(args.seconds)],
                check=True,
            )
        return
    baseline, measured = run(args.database, args.seconds)
    report(args.database, baseline, measured)


if __name__ == "__main__":
    main()
