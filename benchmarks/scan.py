"""Benchmark (run: python -m benchmarks.scan [--database sqlite|postgresql|both]): scan look-ups among 100,000
devices, one uvicorn worker, against a bare Litestar JSON endpoint measured in the same run.

Targets: throughput at least half the bare endpoint's, p99 under 20 ms.

Throughput is measured saturated (8 clients back to back, for the bare endpoint and then the scan).
Latency is measured under load rather than at saturation: one scanner at a time, and 200 scans a second
arriving at random (forty times what fifty benches scanning every ten seconds send); the target is
compared with the latter. Saturated, a closed loop's p99 is mostly its own queue, and on 2 cores the
client, the server and the database (or SQLite's query threads) take turns on the CPU: that p99 is
printed too.

Device reads (issue 14.5), 2026-12-04, SQLite, 100,000 devices each with its disk and intake event,
1 worker started as `kierto serve` (access log on), on a machine shared with seven other sessions
(load average 9-16 on 2 cores: absolute times are several times a quiet machine's; compare rows of
one run). Saturated, 8 clients back to back, req/s and p99:
- before: scan 282 req/s, p99 93 ms; device API 29 req/s, p99 746 ms; device page 13 req/s, p99 1.3 s.
- after: scan 141 req/s, p99 158 ms; device API 182 req/s, p99 256 ms; device page 34 req/s, p99
  451 ms (one client at a time: scan p50 5.5 ms, API 7.3 ms, page 48 ms).
What took the time: with 100,000 disks and events, every read scanned the disk table and the history
(no index on disk.device, device_event.device, erasure.device, erasure_disk.disk, run_target.device);
before that, three Piccolo selects with joins built per request (CPU in process, interleaved with the
scan: API 2.46x the scan's, after the written-out queries 1.36x); the page also looked the device up
twice more and ran its dozen queries one after the other (now at once: 8.4x the scan's CPU, 6.7x after;
the rest is its template). The < 20 ms p99 at 8 clients could not be shown on this machine.

Figures, quiet machine, 2026-12-03 (the client runs on the same 2 cores):
- SQLite: 0.61-0.67 of the bare endpoint (1,024-1,109 req/s against 1,647-1,667); p99 at 200/s 8.8 ms
  (p50 3.4 ms); one scanner p50 1.7 ms, p99 2.5 ms; saturated p99 33-34 ms.
- PostgreSQL: 0.69-0.78 (1,091-1,140 req/s against 1,460-1,574); p99 at 200/s 6.8 ms (p50 2.8 ms);
  one scanner p50 1.5 ms, p99 2.3 ms; saturated p99 41 ms.

Earlier figures, on a busy machine (load average 6-8, so the spread is wide), three runs each:
- before (4d0297c): SQLite ratio 0.19-0.35 (123-172 req/s, p99 128-181 ms); PostgreSQL 0.40-0.57
  (137-219 req/s, p99 126-162 ms).
- after (a kept SQLite connection per query thread, no pool reset query on PostgreSQL, the scan's
  select written out): SQLite 0.48-0.61 (208-246 req/s, p99 111-220 ms); PostgreSQL 0.25-0.49
  (86-239 req/s, p99 114-485 ms).
- in one process, without the network (1,000 scans, three times): CPU per scan on SQLite 5.0-6.9 ms
  before, 1.0-1.4 ms after; on PostgreSQL 1.6-2.1 ms before, 0.9-1.5 ms after. Round trips per scan:
  the token with its user, then the device (the token's last use is written at most every 5 minutes);
  PostgreSQL sent a reset query after each of them before.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
from dataclasses import dataclass

import httpx

from benchmarks.serving import (
    Database,
    Results,
    drive,
    drive_rate,
    fill,
    free_port,
    load_average,
    log_tail,
    percentile,
    serve,
    serve_app,
    wait_for,
)

DEVICES = 100_000
CONCURRENCY = 8
# The load for the latency target: scans arriving at random, far more than a region's benches send
# (fifty benches scanning every ten seconds is five a second), and well below what one worker can serve.
RATE = 200.0
# What a scan leads to: the device read through the API and as the page, measured the same way.
READS = ("scan", "device api", "device page")
RATE_HEADROOM = 1.5


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


def _device_step(token: str, kind: str) -> object:
    """The device read a scan leads to: the API's device (with disks) or the device page."""
    headers = {"Authorization": f"Bearer {token}"}
    if kind == "device page":
        headers["Accept"] = "text/html"

    async def step(http: httpx.AsyncClient, rng: random.Random) -> tuple[str, httpx.Response]:
        tag = _tag(rng.randint(1, DEVICES))
        url = f"/devices/{tag}" if kind == "device page" else f"/api/v1/devices/{tag}"
        return kind, await http.get(url, headers=headers)

    return step


def _step(token: str, kind: str) -> object:
    return _scan_step(token) if kind == "scan" else _device_step(token, kind)


async def _measure(port: int, step: object, seconds: float) -> Results:
    return await drive(f"http://127.0.0.1:{port}", CONCURRENCY, seconds, lambda _: step)  # type: ignore[arg-type,return-value]


@dataclass
class Figures:
    """One engine's run: the bare endpoint saturated, then each read saturated, alone and at a rate."""

    bare: Results
    saturated: dict[str, Results]
    one_client: dict[str, Results]
    at_rate: dict[str, Results]
    load: str


def run(engine: str, seconds: float, kinds: tuple[str, ...]) -> Figures:
    """Fill a database, then measure the bare endpoint and Kierto's reads, one after the other."""
    with Database.create(engine) as database:
        [token] = fill(database, DEVICES, [("scanner", "trainee")])
        bare_port, kierto_port = free_port(), free_port()
        bare = serve_app(database, bare_port, database.log("bare"), "benchmarks.bare:create_app")
        kierto = serve(database, kierto_port, 1, database.log("kierto"))
        url = f"http://127.0.0.1:{kierto_port}"
        saturated: dict[str, Results] = {}
        one_client: dict[str, Results] = {}
        at_rate: dict[str, Results] = {}
        try:
            wait_for(bare_port, bare)
            wait_for(kierto_port, kierto)
            baseline = asyncio.run(_measure(bare_port, _scan_step(token), seconds))
            for kind in kinds:
                saturated[kind] = asyncio.run(_measure(kierto_port, _step(token, kind), seconds))
                one_client[kind] = asyncio.run(drive(url, 1, seconds, lambda _, k=kind: _step(token, k)))  # type: ignore[misc]
                # At a rate the server cannot keep up with, the queue only grows: skip, and say so.
                if saturated[kind].total / saturated[kind].seconds > RATE * RATE_HEADROOM:
                    at_rate[kind] = asyncio.run(drive_rate(url, RATE, seconds, _step(token, kind)))  # type: ignore[arg-type]
            load = load_average()
        finally:
            for process in (bare, kierto):
                process.terminate()
                process.wait(timeout=20)
        if any(r.errors for r in (*saturated.values(), *at_rate.values())):
            print(log_tail(database.log("kierto")))
        return Figures(baseline, saturated, one_client, at_rate, load)


def _p99(results: Results) -> float:
    return percentile(sorted(x for v in results.latencies.values() for x in v), 99) * 1000


def report(engine: str, figures: Figures) -> None:
    """Print the figures, the ratio and the latencies compared with the targets, and the load average."""
    print(f"\n{engine}: {DEVICES:,} devices, 1 worker started as `kierto serve` (access log on)")
    print(f"  {figures.load} (at the end of the run)")
    print(f"  saturated, {CONCURRENCY} clients back to back:")
    print("    bare         " + figures.bare.line())
    for kind, results in figures.saturated.items():
        print(f"    {kind:<12} " + results.line())
    print("  latency, one client at a time:")
    for kind, results in figures.one_client.items():
        print(f"    {kind:<12} " + results.line())
    print(f"  latency, {RATE:.0f} requests a second arriving at random:")
    for kind in figures.saturated:
        if kind in figures.at_rate:
            print(f"    {kind:<12} " + figures.at_rate[kind].line())
        else:
            print(f"    {kind:<12} not run: saturated throughput below {RATE * RATE_HEADROOM:.0f} req/s")
    bare = figures.bare
    if "scan" in figures.at_rate:
        scan = figures.saturated["scan"]
        ratio = (scan.total / scan.seconds) / (bare.total / bare.seconds)
        print(
            f"  scan: ratio {ratio:.2f} of the bare endpoint (target >= 0.5); "
            f"p99 at {RATE:.0f}/s {_p99(figures.at_rate['scan']):.1f} ms (target < 20 ms)"
        )
    for kind in ("scan", "device api", "device page"):
        if kind in figures.saturated:
            rate = (
                f", at {RATE:.0f}/s {_p99(figures.at_rate[kind]):.1f} ms" if kind in figures.at_rate else ""
            )
            print(
                f"  {kind}: p99 at {CONCURRENCY} clients {_p99(figures.saturated[kind]):.1f} ms "
                f"(device reads: target < 20 ms){rate}"
            )


def main() -> None:
    """Parse arguments, run each engine in its own process (settings are read at import)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--reads", default=",".join(READS), help=f"which reads to measure, of {', '.join(READS)}"
    )
    args = parser.parse_args()
    kinds = tuple(k.strip() for k in args.reads.split(",") if k.strip() in READS)
    if args.database == "both":
        for engine in ("sqlite", "postgresql"):
            subprocess.run(
                [sys.executable, "-m", "benchmarks.scan", "--database", engine, "--seconds", str(args.seconds),
                 "--reads", ",".join(kinds)],
                check=True,
            )  # fmt: skip
        return
    report(args.database, run(args.database, args.seconds, kinds))


if __name__ == "__main__":
    main()
