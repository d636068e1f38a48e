"""The access log: written by the services on every read and change, chained by SHA-256, verified,
tampering detected, and safe with many writers at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.app import create_app
from inventory.clients.access_log import GENESIS_HASH, log_access, row_hash, verify_chain
from inventory.clients.choices import AccessAction, Purpose
from inventory.clients.tables import AccessLogEntry, AccessLogHead
from inventory.permissions import Role
from tests.clients.helpers import bearer, log_rows, new_client, person

WRITERS = 40


def _verify_command() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inventory.cli", "verify-access-log"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_every_read_and_change_is_written_with_who_when_what_and_why(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor, oriented=False)
    headers = await bearer(counsellor)
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=headers)).status_code == 200
    assert (
        await api.patch(f"/api/v1/clients/{client_id}", json={"language": "sv"}, headers=headers)
    ).status_code == 200
    rows = await log_rows(client_id)
    assert [(r["action"], r["purpose"], r["outcome"]) for r in rows] == [
        ("create", "client_register", "success"),
        ("read", "client_record", "success"),
        ("update", "client_record", "success"),
        ("read", "client_record", "success"),
    ]
    last = rows[-1]
    assert last["actor"] == counsellor.label
    assert last["user_id"] == counsellor.user_id
    assert last["role"] == "counsellor"
    assert last["at"].utcoffset().total_seconds() == 0
    # The log names the client by number only: no name anywhere in it.
    assert all("Zyxwvut" not in str(value) for r in rows for value in r.values())


async def test_the_rows_form_an_unbroken_chain_that_verifies(db: Any) -> None:
    actor = await person()
    for client_id in (1, 2, 3):
        await log_access(db, actor, AccessAction.READ, [client_id], Purpose.CLIENT_RECORD)
    await log_access(db, actor, AccessAction.READ, [4, 5, 6], Purpose.CLIENT_LIST)
    rows = await log_rows()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    previous = GENESIS_HASH
    for row in rows:
        assert row["previous_hash"] == previous
        assert row["hash"] == row_hash(row, previous)
        previous = row["hash"]
    report = await verify_chain()
    assert (report.intact, report.rows, report.head_hash) == (True, 6, previous)
    head = await AccessLogHead.select().first()
    assert head is not None
    assert (head["last_seq"], head["last_hash"]) == (6, previous)


async def _six_rows(db: Any) -> list[dict[str, Any]]:
    actor = Actor.system("tests")
    await log_access(db, actor, AccessAction.READ, [1, 2, 3, 4, 5, 6], Purpose.CLIENT_LIST)
    assert (await verify_chain()).intact
    return await log_rows()


async def test_a_changed_row_is_detected(db: Any) -> None:
    rows = await _six_rows(db)
    await AccessLogEntry.update({AccessLogEntry.user_id: 999}).where(AccessLogEntry.seq == 3)
    report = await verify_chain()
    assert not report.intact
    assert report.bad_seq == 3
    assert "changed" in (report.problem or "")
    await AccessLogEntry.update({AccessLogEntry.user_id: rows[2]["user_id"]}).where(AccessLogEntry.seq == 3)
    assert (await verify_chain()).intact


async def test_a_removed_row_is_detected(db: Any) -> None:
    await _six_rows(db)
    await AccessLogEntry.delete().where(AccessLogEntry.seq == 4)
    report = await verify_chain()
    assert not report.intact
    assert (report.bad_seq, report.rows) == (5, 3)


async def test_a_rewritten_row_with_a_fresh_hash_breaks_the_link_to_the_next(db: Any) -> None:
    rows = await _six_rows(db)
    forged = {**rows[2], "client_id": 99}
    await AccessLogEntry.update(
        {AccessLogEntry.client_id: 99, AccessLogEntry.hash: row_hash(forged, rows[2]["previous_hash"])}
    ).where(AccessLogEntry.seq == 3)
    report = await verify_chain()
    assert not report.intact
    assert report.bad_seq == 4
    assert "does not follow" in (report.problem or "")


async def test_rows_cut_off_the_end_are_detected_by_the_head(db: Any) -> None:
    await _six_rows(db)
    await AccessLogEntry.delete().where(AccessLogEntry.seq >= 5)
    report = await verify_chain()
    assert not report.intact
    assert report.rows == 4
    assert "head" in (report.problem or "")


async def test_the_command_verifies_the_chain_and_fails_when_tampered_with(db: Any) -> None:
    await _six_rows(db)
    intact = _verify_command()
    assert intact.returncode == 0, intact.stderr
    assert "intact: 6 row(s)" in intact.stdout
    await AccessLogEntry.update({AccessLogEntry.purpose: Purpose.DATA_EXPORT.value}).where(
        AccessLogEntry.seq == 2
    )
    broken = _verify_command()
    assert broken.returncode == 1
    assert "row 2 was changed" in broken.stderr


async def test_many_writers_at_once_keep_one_gapless_chain(db: Any) -> None:
    actors = [Actor.system(f"writer-{n}") for n in range(WRITERS)]
    results = await asyncio.gather(
        *(
            log_access(db, actor, AccessAction.READ, [n, n + 1000], Purpose.CLIENT_RECORD)
            for n, actor in enumerate(actors)
        )
    )
    assert results == [2] * WRITERS
    report = await verify_chain()
    assert report.intact, report.problem
    assert report.rows == 2 * WRITERS
    rows = await log_rows()
    # Each writer's two rows are next to each other: appends never interleave.
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        assert (first["actor"], first["client_id"] + 1000) == (second["actor"], second["client_id"])


async def test_a_refused_role_is_logged_at_the_route(db: Any, api: httpx.AsyncClient) -> None:
    trainee = await person(Role.TRAINEE)
    response = await api.get("/api/v1/clients/42/orientation", headers=await bearer(trainee))
    assert response.status_code == 403
    [row] = await log_rows(42)
    assert (row["outcome"], row["purpose"], row["role"], row["detail"]) == (
        "refused",
        "orientation",
        "trainee",
        "role",
    )


def test_every_client_route_declares_its_purpose() -> None:
    prefixes = (
        "/api/v1/clients",
        "/api/v1/reservations",
        "/api/v1/handovers",
        "/api/v1/loans",
        "/clients",
        "/handovers",
        "/loans",
    )
    checked = 0
    for route in create_app().routes:
        if not route.path.startswith(prefixes):
            continue
        for handler in getattr(route, "route_handlers", []):
            if handler.http_methods == {"OPTIONS"}:
                continue  # Litestar's own answer to OPTIONS
            assert isinstance(handler.opt.get("purpose"), Purpose), route.path
            checked += 1
    assert checked >= 45
