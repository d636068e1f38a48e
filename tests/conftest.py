"""Suite-wide fixtures: the test database (SQLite or PostgreSQL), a clean slate per test, a live server."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

TEST_DATABASE = os.environ.get("KIERTO_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_DSN = os.environ.get("KIERTO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
_RUN_ID = uuid.uuid4().hex[:10]
_STATE: dict[str, Any] = {}


def _postgres_url(name: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}"


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def pytest_configure(config: pytest.Config) -> None:
    """Point the settings at a fresh test database before anything imports them."""
    data_dir = Path(tempfile.mkdtemp(prefix="kierto-test-"))
    _STATE["data_dir"] = data_dir
    if TEST_DATABASE == "postgresql":
        name = f"kierto_test_{_RUN_ID}"
        try:
            asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
        except OSError as error:
            raise pytest.UsageError(
                f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN}: {error}"
            ) from error
        _STATE["postgres_database"] = name
        url = _postgres_url(name)
    elif TEST_DATABASE == "sqlite":
        url = f"sqlite:///{data_dir / 'kierto-test.sqlite3'}"
    else:
        raise pytest.UsageError("KIERTO_TEST_DATABASE must be sqlite or postgresql.")
    os.environ["KIERTO_DATABASE_URL"] = url
    os.environ["KIERTO_DATA_DIR"] = str(data_dir)
    os.environ["KIERTO_SECRET_KEY"] = "test-secret-key-not-for-production"
    # Servers started by tests run no scheduler unless a test starts one on purpose.
    os.environ["KIERTO_SCHEDULER"] = "off"
    os.environ.setdefault("PICCOLO_CONF", "inventory.piccolo_conf")
    _STATE["database_url"] = url


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the PostgreSQL test database."""
    name = _STATE.get("postgres_database")
    if name:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# Tests that share something of the machine run one after another on one worker when the suite runs
# in parallel (`make test` uses pytest-xdist; see pytest_xdist_make_scheduler): loop devices (a
# hardware scan on a test bench reports every loop device attached, and a wipe erases what the scan
# found), the Debian chroot, Ansible runs; and the CUPS scheduler, which the printing tests start/stop.
# The virtual laptops ("vms") boot under QEMU from image files and the bench network's namespace: no loop
# device, no chroot, so they run beside the machines group on the other worker. The first prefix that
# matches names the group.
SERIAL_GROUPS = {
    "tests/provisioning/test_live_boot.py": "vms",
    "tests/provisioning/test_netboot.py": "vms",
    "tests/provisioning/test_laptop_journey.py": "vms",
    "tests/runs/": "machines",
    "tests/provisioning/": "machines",
    "tests/ui/test_journey.py": "machines",
    "tests/documents/test_printing.py": "cups",
}
# Files in those folders that touch nothing the group shares: no loop device, chroot, golden or live image,
# QEMU, or scan that reports loop devices (a local scan does so only with `bench_loop_devices`, which
# these leave off). They go to whichever worker is free. A new file in the folders joins the group.
UNGROUPED = {
    "tests/runs/test_bench_api.py",  # the app in-process; its one scan runs here without loop devices
    "tests/runs/test_bench_screen.py",  # the app in-process, no runs
    "tests/runs/test_evidence.py",  # the app in-process, no runs
    "tests/runs/test_install_start.py",  # a dispatcher that runs nothing
    "tests/runs/test_pages.py",  # runs wait for a bench worker that never comes
    "tests/runs/test_run_lifecycle.py",  # the transition table and the database
    "tests/provisioning/test_apt_sources.py",  # apt sources in temporary dirs
    "tests/provisioning/test_nwipe_log.py",  # parsing
    "tests/provisioning/test_orphans.py",  # processes and dirs of its own, under tmp_path
    "tests/provisioning/test_playbooks_lint.py",  # ansible-lint and syntax checks
    "tests/provisioning/test_profiles.py",  # data
    "tests/provisioning/test_streaming.py",  # local scans without loop devices, over pipes and sockets
}


def _serial_group(path: str) -> str | None:
    """The group of a test file given relative to the repository (tests/…), or None."""
    if path in UNGROUPED:
        return None
    return next((name for prefix, name in SERIAL_GROUPS.items() if path.startswith(prefix)), None)


def _group_of(item: pytest.Item) -> str | None:
    return _serial_group(item.path.resolve().relative_to(Path(__file__).resolve().parent.parent).as_posix())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Tests spread over the workers one by one, except that each group above is one unit of work.

    (xdist's own `--dist loadgroup` marks groups by renaming node ids, which pytest 9 no longer allows.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class SerialGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _serial_group(nodeid.split("::", 1)[0]) or nodeid

    return SerialGroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the database is marked `db`, so the PostgreSQL run picks it up."""
    if os.environ.get("PYTEST_XDIST_WORKER") and len({item.nodeid for item in items}) < len(items):
        raise pytest.UsageError(
            "Some tests share a node id (schemathesis' cases do): xdist would run only one of them. "
            "Run those files without -n, as the Makefile does."
        )
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
    # The longest group first, so that one worker starts on it while the other takes everything else.
    items.sort(key=lambda item: _group_of(item) != "machines")


@pytest.fixture(scope="session")
def database_url() -> str:
    """The URL of this run's test database."""
    return str(_STATE["database_url"])


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """This run's data directory."""
    return Path(_STATE["data_dir"])


@pytest.fixture(scope="session")
def _migrated(database_url: str) -> None:
    from inventory.migrations import apply_migrations
    from inventory.piccolo_conf import DB

    asyncio.run(apply_migrations(DB))


async def truncate(statement: str, attempts: int = 5) -> None:
    """Run a TRUNCATE on PostgreSQL, again if it ends in a deadlock.

    TRUNCATE takes each table's strongest lock in turn. A server an earlier test started may still be
    answering a page's poll, holding one of those tables and waiting for another. PostgreSQL then ends one
    side with a deadlock error, and trying again is the way out it documents.
    """
    import asyncpg

    from inventory.piccolo_conf import DB

    for attempt in range(1, attempts + 1):
        try:
            await DB.run_ddl(statement)
            return
        except asyncpg.exceptions.DeadlockDetectedError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.2 * attempt)


async def _truncate_all() -> None:
    from inventory.database import is_sqlite
    from inventory.piccolo_app import TABLES
    from inventory.piccolo_conf import DB

    names = [table._meta.tablename for table in TABLES]
    if is_sqlite(DB):
        async with DB.transaction():
            for name in reversed(names):
                await DB.run_ddl(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{name}"' for name in names)
        await truncate(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
async def db(_migrated: None) -> AsyncIterator[Any]:
    """The migrated test database, emptied before the test; yields the Piccolo engine."""
    from piccolo.engine.postgres import PostgresEngine

    from inventory.piccolo_conf import DB

    pooled = isinstance(DB, PostgresEngine)
    if pooled:
        await DB.start_connection_pool(min_size=1, max_size=10)
    try:
        await _truncate_all()
        yield DB
    finally:
        if pooled:
            await DB.close_connection_pool()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], timeout: float = 30.0, host: str = "127.0.0.1"
) -> None:
    """Wait until a server accepts connections, or fail with its output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"The server exited early:\n{output}")
        with socket.socket() as sock:
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("The server did not start in time.")


@pytest.fixture(scope="session")
def live_server(_migrated: None, data_dir: Path) -> Iterator[str]:
    """The real application served by uvicorn with two worker processes; yields its base URL."""
    port = free_port()
    env = {**os.environ, "KIERTO_BASE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "inventory.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# Machines for real runs (loop devices, the Debian root built once per session), for every test package.
from tests.golden import golden_image  # noqa: E402
from tests.live_system import bench_key, live_cache, live_image  # noqa: E402
from tests.machines import bench_chroot, debian_rootfs, make_disks  # noqa: E402

__all__ = [
    "bench_chroot",
    "bench_key",
    "debian_rootfs",
    "golden_image",
    "live_cache",
    "live_image",
    "make_disks",
]
