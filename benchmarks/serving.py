"""Shared by the benches: a fresh database filled fast (removed afterwards, with its directory), the
server started as `kierto serve` starts it (access log on), a timed load, and the load average."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN = os.environ.get("KIERTO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-123"


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until a server accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("server did not start")


@dataclass
class Database:
    """A throw-away database for one bench run."""

    engine: str
    url: str
    data_dir: Path
    _name: str = ""

    @classmethod
    def create(cls, engine: str) -> Database:
        """A new empty SQLite file or PostgreSQL database."""
        data_dir = Path(tempfile.mkdtemp(prefix="kierto-bench-"))
        if engine == "sqlite":
            return cls(engine, f"sqlite:///{data_dir / 'kierto.sqlite3'}", data_dir)
        name = f"kierto_bench_{uuid.uuid4().hex[:8]}"
        _psql(f'CREATE DATABASE "{name}"')
        return cls(engine, POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}", data_dir, name)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a Kierto process on this database."""
        return {
            **os.environ,
            "KIERTO_DATABASE_URL": self.url,
            "KIERTO_DATA_DIR": str(self.data_dir),
            "KIERTO_SECRET_KEY": "bench-secret-key",
            "KIERTO_SCHEDULER": "off",
            **extra,
        }

    def drop(self) -> None:
        """Remove the database, and the directory of its file and the servers' logs."""
        try:
            if self._name:
                _psql(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_: object) -> None:
        self.drop()

    def log(self, name: str) -> Path:
        """Where a server's log goes: inside the bench's directory, removed with it."""
        return self.data_dir / f"{name}.log"


def load_average() -> str:
    """The machine's load average, printed beside the figures: a busy machine explains wide spreads."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def log_tail(path: Path, lines: int = 20) -> str:
    """The end of a server's log, printed when requests failed (the log itself is removed)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _psql(statement: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def kierto(database: Database, *args: str, stdin: str = "") -> str:
    """Run the kierto command on the bench database."""
    result = subprocess.run(
        [sys.executable, "-m", "inventory.cli", *args],
        env=database.env(),
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


FILL_SCRIPT = """
import asyncio, sys, datetime as dt
from inventory.piccolo_conf import DB
from piccolo.engine.postgres import PostgresEngine
from inventory.accounts.api_tokens import issue_token
from inventory.accounts.users import authenticate
from inventory.choices import TokenScope
from inventory.devices.asset_tags import format_tag
from inventory.devices.tables import Device, DeviceEvent, Disk
from inventory.sites.services import create_site
from inventory.clock import now

async def _insert(devices, moment):
    # What intake writes: the device, its disk and its intake event (ids follow the tag numbers).
    await Device.insert(*devices)
    await Disk.insert(*(Disk(device=d.tag_number, model="Samsung PM981", serial=f"S4E{d.tag_number:07d}",
                             size_bytes=256 * 10**9, kind="nvme", created_at=moment) for d in devices))
    await DeviceEvent.insert(*(DeviceEvent(device=d.tag_number, action="intake", to_state="received",
                                           actor="user:bench", at=moment, details={}) for d in devices))

async def main(count, usernames):
    if isinstance(DB, PostgresEngine):
        await DB.start_connection_pool(min_size=1, max_size=4)
    site = await create_site("JNS", "Joensuu")
    moment = now()
    changed = moment - dt.timedelta(days=int(sys.argv[4]))
    batch = []
    for number in range(1, count + 1):
        batch.append(Device(asset_tag=format_tag("JNS", number), site=site, tag_number=number, make="Lenovo",
                            model="ThinkPad T480", serial=f"PF{number:07d}", cpu="i5-8250U", ram_mb=8192,
                            state="received", state_changed_at=changed, created_at=changed))
        if len(batch) == 1000:
            await _insert(batch, changed)
            batch = []
    if batch:
        await _insert(batch, changed)
    from inventory.sites.tables import Site
    await Site.update({Site.tag_counter: count}).where(Site.id == site)
    for username in usernames:
        actor = await authenticate(username, sys.argv[3])
        print((await issue_token(actor.user_id, "bench", TokenScope.READ_WRITE)).secret)

asyncio.run(main(int(sys.argv[1]), sys.argv[2].split(",")))
"""


def fill(
    database: Database, devices: int, users: list[tuple[str, str]], received_days_ago: int = 0
) -> list[str]:
    """Migrate, create users (username, role) and `devices` laptops received `received_days_ago`;
    returns a token per user.

    Devices are inserted in bulk (1,000 a statement) rather than through intake, which would take
    minutes for 100,000; their rows are what intake writes.
    """
    kierto(database, "migrate")
    # One script: the site, then the users (who belong to it), the devices, and a token per user.
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            _with_users(FILL_SCRIPT, users),
            str(devices),
            ",".join(u for u, _ in users),
            PASSWORD,
            str(received_days_ago),
        ],
        env=database.env(),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return process.stdout.split()


def _with_users(script: str, users: list[tuple[str, str]]) -> str:
    creation = "".join(
        f"    await create_user(NewUser(username={u!r}, display_name={u.title()!r}, role=Role({r!r}), "
        f"password=sys.argv[3], site_code='JNS'))\n"
        for u, r in users
    )
    return script.replace(
        "    moment = now()\n",
        "    from inventory.accounts.users import NewUser, create_user\n    from inventory.permissions import Role\n"
        + creation
        + "    moment = now()\n",
        1,
    )


def serve(database: Database, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """Kierto on loopback, started as `kierto serve` (its logging, one access log line per request)."""
    return _popen(
        [
            "-m",
            "inventory.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        database,
        log,
    )


def serve_app(database: Database, port: int, log: Path, app: str) -> subprocess.Popen[bytes]:
    """Another ASGI app (a baseline such as benchmarks/bare.py) under uvicorn on loopback, one worker."""
    return _popen(
        ["-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        database,
        log,
    )


def _popen(arguments: list[str], database: Database, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, *arguments],
            env=database.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


@dataclass
class Results:
    """Latencies (seconds) and errors per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def record(self, kind: str, seconds: float, ok: bool) -> None:
        """One answered request (or transport error) of `kind`."""
        self.latencies[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1

    @property
    def total(self) -> int:
        """Requests answered."""
        return sum(len(v) for v in self.latencies.values())

    def line(self, kind: str | None = None) -> str:
        """Throughput, p50, p99 and errors, for one kind or all."""
        values = sorted(self.latencies[kind] if kind else [x for v in self.latencies.values() for x in v])
        errors = self.errors[kind] if kind else sum(self.errors.values())
        if not values:
            return f"{kind or 'all':<14} no requests, errors {errors}"
        return (
            f"{kind or 'all':<14} {len(values) / self.seconds:8.1f} req/s  p50 {percentile(values, 50) * 1000:6.1f} ms"
            f"  p99 {percentile(values, 99) * 1000:6.1f} ms  errors {errors}"
        )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile of sorted values (nearest rank)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if q < 100 else values[-1]


Step = Callable[[httpx.AsyncClient, random.Random], Awaitable[tuple[str, httpx.Response]]]


async def _attempt(step: Step, http: httpx.AsyncClient, rng: random.Random) -> tuple[str, bool]:
    """Run one step: its kind and whether it was answered without an error status."""
    try:
        kind, response = await step(http, rng)
    except httpx.HTTPError as error:
        # Named in the report: a timeout is not a dropped connection.
        return f"transport {type(error).__name__}", False
    return kind, response.status_code < 400


async def drive(
    base_url: str,
    users: int,
    seconds: float,
    step_for: Callable[[int], Step],
    warmup: float = 2.0,
    think: float = 0.0,
) -> Results:
    """`users` concurrent clients, each repeating its step for `seconds` (after a warm-up not counted),
    pausing a random think time (exponential, mean `think` seconds) between steps, as people do; with
    no think time the users are a closed loop that keeps the server saturated.
    """
    results = Results()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:
        measuring = False
        stop_at = time.monotonic() + warmup + seconds

        async def user(index: int) -> None:
            rng = random.Random(index)
            step = step_for(index)
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                kind, ok = await _attempt(step, http, rng)
                if measuring:
                    results.record(kind, time.perf_counter() - started, ok)
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1 / think))

        tasks = [asyncio.create_task(user(i)) for i in range(users)]
        await asyncio.sleep(warmup)
        measuring = True
        began = time.monotonic()
        await asyncio.gather(*tasks)
        results.seconds = time.monotonic() - began
    return results


async def drive_rate(base_url: str, rate: float, seconds: float, step: Step, warmup: float = 1.0) -> Results:
    """Requests arriving `rate` times a second at random (Poisson), whatever the pace of the answers:
    latency at a given load rather than at saturation. Each latency counts from when the request was due,
    so a client that falls behind adds to the figures instead of hiding the delay.
    """
    results = Results()
    rng = random.Random(0)
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:
        began = time.monotonic()
        measure_from, stop_at = began + warmup, began + warmup + seconds
        pending: set[asyncio.Task[None]] = set()

        async def one(due: float) -> None:
            kind, ok = await _attempt(step, http, rng)
            if due >= measure_from:
                results.record(kind, time.monotonic() - due, ok)

        due = began
        while due < stop_at:
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(due))
            pending.add(task)
            task.add_done_callback(pending.discard)
            due += rng.expovariate(rate)
        await asyncio.gather(*pending)
        results.seconds = seconds
    return results
