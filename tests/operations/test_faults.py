"""Faults: the database going away answers 503 with a clear message and recovers when it is back (PostgreSQL
stopped hard mid-load, an SQLite file that cannot be opened); a server killed mid-transition leaves the
transition and its event both written or neither."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from inventory.devices.tables import Device, DeviceEvent
from inventory.exception_handlers import is_database_outage
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.conftest import free_port, wait_for_port
from tests.operations.faults import PASSWORD, Cluster, sign_in
from tests.operations.helpers import clean_env, eventually, kierto, start, stop

UNAVAILABLE_FI = "Tietokantaan ei juuri nyt saada yhteyttä. Odota hetki ja yritä uudelleen."


def test_outages_are_told_apart_from_bugs() -> None:
    assert is_database_outage(sqlite3.OperationalError("database is locked"))
    assert is_database_outage(sqlite3.OperationalError("unable to open database file"))
    assert not is_database_outage(sqlite3.OperationalError("no such table: device"))
    assert is_database_outage(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"))
    assert is_database_outage(asyncpg.exceptions.CannotConnectNowError("the database system is starting up"))
    assert is_database_outage(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert is_database_outage(asyncpg.exceptions.TooManyConnectionsError("too many clients"))
    assert not is_database_outage(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    assert not is_database_outage(FileNotFoundError("template.html"))  # an OSError, but not the database's
    assert not is_database_outage(ValueError("bug"))
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = sqlite3.OperationalError("disk I/O error")
    assert is_database_outage(wrapped)


def _server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    return start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "inventory.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--no-access-log",
        ],
        env,
        log,
    )


def _prepare(env: dict[str, str]) -> None:
    for args, stdin in (
        (["migrate"], ""),
        (["create-user", "--username", "hanna", "--name", "Hanna", "--role", "coordinator"], PASSWORD + "\n"),
    ):
        result = kierto(args, env, stdin)
        assert result.returncode == 0, result.stderr


async def _check_unavailable(http: httpx.AsyncClient) -> None:
    api = await http.get("/api/v1/devices")
    assert api.status_code == 503
    assert api.json() == {"status": 503, "code": "unavailable", "detail": UNAVAILABLE_FI}
    assert api.headers["retry-after"] == "5"
    page = await http.get("/devices", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert UNAVAILABLE_FI in page.text


async def test_postgresql_stopped_mid_load_answers_503_then_recovers(tmp_path: Path) -> None:
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        connection = await asyncpg.connect(cluster.admin_url)
        await connection.execute("CREATE DATABASE kierto")
        await connection.close()
        env = clean_env(KIERTO_DATABASE_URL=cluster.url("kierto"), KIERTO_DATA_DIR=str(tmp_path / "var"))
        _prepare(env)
        port = free_port()
        server = _server(env, port, tmp_path / "server.log")
        wait_for_port(port, server)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await sign_in(http, "hanna")
            assert (await http.get("/api/v1/devices")).status_code == 200
            statuses: list[int] = []
            stopping = asyncio.Event()

            async def load() -> None:
                while not stopping.is_set() or len(statuses) < 40:
                    statuses.extend(
                        r.status_code
                        for r in await asyncio.gather(*(http.get("/api/v1/devices") for _ in range(4)))
                    )
                    if len(statuses) > 2000:
                        break

            worker = asyncio.create_task(load())
            await asyncio.sleep(0.3)
            await asyncio.to_thread(cluster.stop, "immediate")  # like a crash: open connections die
            stopping.set()
            await worker
            assert set(statuses) <= {200, 503}, sorted(set(statuses))
            assert 503 in statuses
            await _check_unavailable(http)
            await asyncio.to_thread(cluster.start)

            async def recovered() -> bool:
                return (await http.get("/api/v1/devices")).status_code == 200

            await eventually(recovered, within=30)
            assert (await http.get("/devices", headers={"Accept": "text/html"})).status_code == 200
    finally:
        if server is not None:
            stop(server)
        cluster.remove()
    log = (tmp_path / "server.log").read_text()
    assert "unexpected error" not in log


async def test_an_sqlite_file_that_cannot_be_opened_answers_503_then_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    env = clean_env(
        KIERTO_DATABASE_URL=f"sqlite:///{folder / 'kierto.sqlite3'}", KIERTO_DATA_DIR=str(tmp_path / "var")
    )
    _prepare(env)
    port = free_port()
    server = _server(env, port, tmp_path / "server.log")
    try:
        wait_for_port(port, server)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await sign_in(http, "hanna")
            assert (await http.get("/api/v1/devices")).status_code == 200
            away = tmp_path / "unmounted"
            folder.rename(away)  # as when the disk holding the file is gone
            try:
                await _check_unavailable(http)
            finally:
                away.rename(folder)
            assert (await http.get("/api/v1/devices")).status_code == 200
    finally:
        stop(server)


async def _consistent(tags: list[str]) -> None:
    """Each device's state is the state its last event led to, and its hold/release events pair up."""
    for tag in tags:
        device = await Device.select(Device.id, Device.state).where(Device.asset_tag == tag).first()
        assert device is not None
        events = (
            await DeviceEvent.select(DeviceEvent.action, DeviceEvent.to_state)
            .where(DeviceEvent.device == device["id"])
            .order_by(DeviceEvent.id)
        )
        assert events[-1]["to_state"] == device["state"], (tag, device, events[-1])
        holds = sum(1 for e in events if e["action"] == "hold")
        releases = sum(1 for e in events if e["action"] == "release_hold")
        assert holds - releases == (1 if device["state"] == State.ON_HOLD else 0), (tag, holds, releases)


async def test_a_server_killed_mid_transition_leaves_both_or_neither(db: Any, tmp_path: Path) -> None:
    tags = list((await factories.donation(db, devices=6)).asset_tags)
    token = await factories.token(await factories.user(Role.COORDINATOR))
    headers = {"Authorization": f"Bearer {token}"}
    port = free_port()
    env = clean_env()
    if "postgresql" in get_settings().resolved_database_url:
        await _killed_while_waiting_for_the_event_insert(tags[0], headers, env, port, tmp_path)
    else:
        await _killed_under_load(tags, headers, env, port, tmp_path)
    await _consistent(tags)
    # After a restart the interrupted step can be taken as if nothing had happened.
    server = _server(env, port, tmp_path / "restarted.log")
    try:
        wait_for_port(port, server)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30
        ) as http:
            device = await Device.select(Device.state).where(Device.asset_tag == tags[0]).first()
            assert device is not None
            step = "release_hold" if device["state"] == State.ON_HOLD else "hold"
            answer = await http.post(
                f"/api/v1/devices/{tags[0]}/transitions/{step}", json={"reason": "after restart"}
            )
            assert answer.status_code == 200, answer.text
    finally:
        stop(server)
    await _consistent(tags)


async def _killed_while_waiting_for_the_event_insert(
    tag: str, headers: dict[str, str], env: dict[str, str], port: int, tmp_path: Path
) -> None:
    """PostgreSQL: hold the event table so the server's transaction stops between the state change and
    the event, kill the server there, and look."""
    url = get_settings().resolved_database_url
    blocker = await asyncpg.connect(url)
    server = _server(env, port, tmp_path / "server.log")
    try:
        wait_for_port(port, server)
        await blocker.execute("BEGIN")
        await blocker.execute("LOCK TABLE device_event IN SHARE MODE")
        http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60)
        request = asyncio.create_task(
            http.post(f"/api/v1/devices/{tag}/transitions/hold", json={"reason": "kill test"})
        )
        waiting: list[int] = []

        async def stuck_at_the_event() -> bool:
            # The server's INSERT waits for a lock on device_event (taken when the statement is parsed).
            rows = await blocker.fetch(
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = 'device_event'::regclass"
            )
            waiting[:] = [row["pid"] for row in rows]
            return bool(waiting)

        await eventually(stuck_at_the_event, within=30)
        # The device row is already updated (and so locked) inside that transaction; now the server dies.
        await blocker.execute("SAVEPOINT probe")
        with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
            await blocker.execute("SELECT 1 FROM device WHERE asset_tag = $1 FOR UPDATE NOWAIT", tag)
        await blocker.execute("ROLLBACK TO SAVEPOINT probe")
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        with contextlib.suppress(httpx.HTTPError):
            await request
        await http.aclose()
        await blocker.execute("ROLLBACK")

        async def backend_gone() -> bool:
            return not await blocker.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", waiting
            )

        await eventually(backend_gone, within=30)
    finally:
        stop(server)
        await blocker.close()
    device = await Device.select(Device.state).where(Device.asset_tag == tag).first()
    assert device is not None
    assert device["state"] == State.RECEIVED
    assert not await DeviceEvent.exists().where(DeviceEvent.action == "hold")


async def _killed_under_load(
    tags: list[str], headers: dict[str, str], env: dict[str, str], port: int, tmp_path: Path
) -> None:
    """SQLite: transitions back and forth on six devices, the server killed three times in the middle."""
    rounds = 3
    rng = random.Random(uuid.uuid4().int)
    for number in range(rounds):
        server = _server(env, port, tmp_path / f"server-{number}.log")
        wait_for_port(port, server)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60
        ) as http:

            async def flip(tag: str) -> None:
                with contextlib.suppress(httpx.HTTPError):
                    while True:
                        device = await http.get(f"/api/v1/devices/{tag}")
                        step = "release_hold" if device.json()["state"] == State.ON_HOLD else "hold"
                        await http.post(f"/api/v1/devices/{tag}/transitions/{step}", json={"reason": "load"})

            workers = [asyncio.create_task(flip(tag)) for tag in tags]
            await asyncio.sleep(rng.uniform(0.4, 0.9))
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            await asyncio.wait(workers, timeout=30)
        path = Path(get_settings().resolved_database_url.removeprefix("sqlite:///"))
        with contextlib.closing(sqlite3.connect(path)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        await _consistent(tags)
