"""Load test (run: python -m benchmarks.load [--users 50 --seconds 30 --workers 2 --database postgresql]): a
realistic mix against a Kierto server it starts on loopback, for a fixed time; prints throughput,
p50/p99 and errors per kind of request and in all.

The mix, per virtual user: scans 40 %, device pages 20 %, list pages 15 % (HTML and API), label PDFs
5 % (one device's label, `POST /api/v1/labels/pdf`, noted in its history), lifecycle steps 15 %
(hold / release on the user's own ten devices, so steps never race each other), device API 5 %.
Target: zero errors and p99 under 100 ms at 50 concurrent users on 2 cores with PostgreSQL.

Fifty concurrent users are fifty people: each pauses between requests (`--think`, exponential, mean
1 s: a busy person; scanning and reading a page take longer), so the server is loaded but not
saturated. `--think 0` turns the users into a closed loop that keeps it saturated, which measures
throughput; its p99 is then the queue of 50 requests, whatever the server does.

Figures, quiet machine, 2026-12-03 (the 50 clients run on the same 2 cores):
- PostgreSQL, 1 s think time: 45 req/s, p50 7.6-8.5 ms, p99 29-33 ms, 0 errors (two runs); 0.5 s:
  91 req/s, p99 29 ms; 0.25 s: 181 req/s, p99 71 ms. SQLite, 1 s: 45 req/s, p99 35 ms.
- PostgreSQL saturated (`--think 0`): 190 req/s, p50 187 ms, p99 1.1 s, 0 errors.

Earlier, on 2 cores shared with other test runs at load average 6-8, saturated only: before
(4d0297c, this mix without label PDFs, lifecycle steps 20 %) 26-41 req/s, p99 5.3-8.4 s, 0 and 3
transport errors in two runs; after (label PDFs in; no PostgreSQL pool reset query after each query,
the scan's select written out) 69-89 req/s, p99 2.7-3.5 s, 0-3 transport errors in four runs. The
transport errors were client-side httpx errors with nothing in the server log; they are reported under
their exception's name.
"""

from __future__ import annotations

import argparse
import asyncio
import random

import httpx

from benchmarks.serving import (
    Database,
    Results,
    Step,
    drive,
    fill,
    free_port,
    load_average,
    log_tail,
    serve,
    wait_for,
)

DEVICES = 20_000
DEVICES_PER_USER = 10
ACCOUNTS = 5
# A person at the bench or a desk sends a request every few seconds at most; a second is a busy user.
THINK_SECONDS = 1.0
# Kinds of request and where each one's share ends (cumulative): see the docstring.
MIX = (
    (0.40, "scan"),
    (0.60, "device page"),
    (0.675, "list page"),
    (0.75, "list api"),
    (0.80, "label pdf"),
    (0.95, "transition"),
    (1.0, "device api"),
)


def _tag(number: int) -> str:
    from inventory.devices.asset_tags import format_tag

    return format_tag("JNS", number)


def step_for(tokens: list[str]) -> object:
    """The step function of virtual user `index`."""

    def make(index: int) -> Step:
        headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
        html = {**headers, "Accept": "text/html"}
        own = [_tag(DEVICES - index * DEVICES_PER_USER - n) for n in range(DEVICES_PER_USER)]
        on_hold: set[str] = set()

        async def transition(http: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            mine = rng.choice(own)
            action = "release_hold" if mine in on_hold else "hold"
            response = await http.post(
                f"/api/v1/devices/{mine}/transitions/{action}", json={"reason": "load test"}, headers=headers
            )
            if response.status_code == 200:
                on_hold.symmetric_difference_update({mine})
            return response

        async def step(http: httpx.AsyncClient, rng: random.Random) -> tuple[str, httpx.Response]:
            roll = rng.random()
            kind = next(name for share, name in MIX if roll < share)
            tag = _tag(rng.randint(1, DEVICES))
            if kind == "transition":
                return kind, await transition(http, rng)
            if kind == "label pdf":
                return kind, await http.post("/api/v1/labels/pdf", json={"tags": [tag]}, headers=headers)
            page = rng.randint(1, 40)
            url, params, sent = {
                "scan": (f"/api/v1/scan/{tag}", {}, headers),
                "device page": (f"/devices/{tag}", {}, html),
                "list page": ("/devices", {"page": page}, html),
                "list api": ("/api/v1/devices", {"page": page, "per_page": 50}, headers),
                "device api": (f"/api/v1/devices/{tag}", {}, headers),
            }[kind]
            return kind, await http.get(url, params=params, headers=sent)

        return step

    return make


def main() -> None:
    """Fill, serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=THINK_SECONDS,
        help="mean pause between one user's requests, in seconds (0: back to back, the server saturated)",
    )
    args = parser.parse_args()
    with Database.create(args.database) as database:
        tokens = fill(database, DEVICES, [(f"coordinator{n}", "coordinator") for n in range(ACCOUNTS)])
        port = free_port()
        server = serve(database, port, args.workers, database.log("server"))
        try:
            wait_for(port, server)
            results: Results = asyncio.run(
                drive(
                    f"http://127.0.0.1:{port}", args.users, args.seconds, step_for(tokens), think=args.think
                )
            )  # type: ignore[arg-type]
            load = load_average()
        finally:
            server.terminate()
            server.wait(timeout=30)
        if any(results.errors.values()):
            print(log_tail(database.log("server")))
    print(
        f"\n{args.database}, {args.workers} workers started as `kierto serve` (access log on), "
        f"{args.users} concurrent users thinking {args.think:g} s on average, {args.seconds:.0f} s, "
        f"{DEVICES:,} devices; {load} (at the end of the run)"
    )
    for kind in sorted(results.latencies):
        print("  " + results.line(kind))
    print("  " + results.line())
    print("  target: zero errors, p99 < 100 ms")


if __name__ == "__main__":
    main()
