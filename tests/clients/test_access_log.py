"""The access log: written by the services on every read and change, chained by HMAC-SHA256 with a key
outside the database, verified (also against an outside copy of the head), tampering detected, rows from
before the key still verified, and safe with many writers at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.actors import Actor
from inventory.app import create_app
from inventory.clients.tables import Client
from inventory.permissions import Role
from inventory.privacy.access_log import (
    GENESIS_HASH,
    HEAD_NAME,
    SWITCH_NAME,
    HeadCopy,
    chain_key,
    current_head,
    log_access,
    parse_head_copy,
    plain_row_hash,
    record_switch_over,
    row_hash,
    verify_chain,
)
from inventory.privacy.choices import AccessAction, Purpose
from inventory.privacy.tables import AccessLogEntry, AccessLogHead
from tests.clients.helpers import bearer, log_rows, new_client, person, ready_device

WRITERS = 40


def _verify_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inventory.cli", "verify-access-log", *args],
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
        assert row["hash"] == row_hash(row, previous, chain_key())
        assert row["hash"] != plain_row_hash(row, previous)
        previous = row["hash"]
    report = await verify_chain()
    assert (report.intact, report.rows, report.head_hash) == (True, 6, previous)
    head = await AccessLogHead.select().where(AccessLogHead.name == HEAD_NAME).first()
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
        {
            AccessLogEntry.client_id: 99,
            AccessLogEntry.hash: row_hash(forged, rows[2]["previous_hash"], chain_key()),
        }
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


async def _rechain(from_seq: int, digest: Any, changes: dict[str, Any] | None = None) -> None:
    """What someone with write access to the database but not the key can do: change a row, then
    recompute every hash from there to the head with `digest(row, previous)` and move the head."""
    if changes:
        await AccessLogEntry.update({getattr(AccessLogEntry, k): v for k, v in changes.items()}).where(
            AccessLogEntry.seq == from_seq
        )
    rows = await log_rows()
    previous = rows[from_seq - 2]["hash"] if from_seq > 1 else GENESIS_HASH
    for row in rows[from_seq - 1 :]:
        fresh = digest(row, previous)
        await AccessLogEntry.update(
            {AccessLogEntry.previous_hash: previous, AccessLogEntry.hash: fresh}
        ).where(AccessLogEntry.seq == row["seq"])
        previous = fresh
    await AccessLogHead.update(
        {AccessLogHead.last_seq: rows[-1]["seq"], AccessLogHead.last_hash: previous}
    ).where(AccessLogHead.name == HEAD_NAME)


async def test_a_row_rewritten_and_the_chain_recomputed_with_plain_sha256_is_caught(db: Any) -> None:
    await _six_rows(db)
    await _rechain(3, plain_row_hash, {"client_id": 99})
    report = await verify_chain()
    assert (report.intact, report.bad_seq) == (False, 3)
    assert "row 3 was changed" in (report.problem or "")
    # Nor does a guessed key help: only the installation's key makes the chain verify.
    await _rechain(3, lambda row, prev: row_hash(row, prev, b"another key"))
    assert not (await verify_chain()).intact
    await _rechain(3, lambda row, prev: row_hash(row, prev, chain_key()))
    assert (await verify_chain()).intact  # the key holder (the test) can: the key is the secret


async def test_a_cut_tail_with_a_rewritten_head_is_caught_against_the_outside_copy(
    db: Any, tmp_path: Path
) -> None:
    await _six_rows(db)
    outside = await current_head()
    assert outside.seq == 6
    copy = tmp_path / "kierto.access-log-head"
    copy.write_text(f"2026-12-04 00:05 INFO {outside.line()}\n", encoding="utf-8")
    assert _verify_command("--head", str(copy)).returncode == 0
    await AccessLogEntry.delete().where(AccessLogEntry.seq >= 5)
    row4 = (await log_rows())[-1]
    await AccessLogHead.update({AccessLogHead.last_seq: 4, AccessLogHead.last_hash: row4["hash"]}).where(
        AccessLogHead.name == HEAD_NAME
    )
    assert (await verify_chain()).intact  # the database alone cannot tell
    report = await verify_chain(outside=outside)
    assert (report.intact, report.bad_seq) == (False, 5)
    assert "names row 6, but the log ends at row 4" in (report.problem or "")
    caught = _verify_command("--head", str(copy))
    assert caught.returncode == 1
    assert "outside copy" in caught.stderr
    # An outside copy of an earlier head is still held by a longer log; a different hash is not.
    assert (await verify_chain(outside=HeadCopy(3, (await log_rows())[2]["hash"]))).intact
    assert not (await verify_chain(outside=HeadCopy(3, "f" * 64))).intact
    assert _verify_command("--head", "no head here").returncode == 2


def test_the_head_line_reads_back() -> None:
    head = HeadCopy(12, "ab" * 32)
    assert parse_head_copy(f"x\n{HeadCopy(1, 'cd' * 32).line()}\n{head.line()} trailing\n") == head
    assert parse_head_copy("nothing") is None


async def test_rows_from_before_the_key_still_verify_and_the_switch_over_cannot_be_moved(db: Any) -> None:
    # Three rows as the previous version wrote them: plain SHA-256, no switch-over recorded.
    previous = GENESIS_HASH
    moment = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for seq in (1, 2, 3):
        row = {
            "seq": seq,
            "at": moment,
            "actor": "user:old",
            "user_id": 1,
            "role": "counsellor",
            "action": "read",
            "client_id": seq,
            "purpose": "client_record",
            "outcome": "success",
            "detail": "",
        }
        digest = plain_row_hash(row, previous)
        await AccessLogEntry.insert(AccessLogEntry(**row, previous_hash=previous, hash=digest))
        previous = digest
    await AccessLogHead.insert(AccessLogHead(name=HEAD_NAME, last_seq=3, last_hash=previous))
    missing = await verify_chain()
    assert "keyed hashes start is missing" in (missing.problem or "")
    assert await record_switch_over(db) == 4  # `kierto migrate` at the upgrade
    assert await record_switch_over(db) == 4  # and again: it never moves
    await log_access(db, Actor.system("tests"), AccessAction.READ, [4, 5], Purpose.CLIENT_LIST)
    report = await verify_chain()
    assert (report.intact, report.rows, report.keyed_from) == (True, 5, 4)
    # A changed old row recomputed with plain SHA-256 up to the switch breaks the first keyed row's link.
    rows = await log_rows()
    forged = {**rows[1], "client_id": 77}
    forged_hash = plain_row_hash(forged, rows[0]["hash"])
    third = {**rows[2]}
    third_hash = plain_row_hash(third, forged_hash)
    await AccessLogEntry.update({AccessLogEntry.client_id: 77, AccessLogEntry.hash: forged_hash}).where(
        AccessLogEntry.seq == 2
    )
    await AccessLogEntry.update(
        {AccessLogEntry.previous_hash: forged_hash, AccessLogEntry.hash: third_hash}
    ).where(AccessLogEntry.seq == 3)
    assert (await verify_chain()).bad_seq == 4
    # Moving the switch-over past the end (to pass everything off as plain SHA-256) is caught.
    await _rechain(1, plain_row_hash)
    await AccessLogHead.update({AccessLogHead.last_seq: 6}).where(AccessLogHead.name == SWITCH_NAME)
    assert "was altered" in ((await verify_chain()).problem or "")
    await AccessLogHead.delete().where(AccessLogHead.name == SWITCH_NAME)
    assert "is missing" in ((await verify_chain()).problem or "")


async def test_the_daily_job_writes_the_head_to_the_server_log(
    db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from inventory.operations.scheduled_jobs import JOBS
    from inventory.operations.settings import get_operations_settings
    from inventory.settings import get_settings

    await _six_rows(db)
    job = next(j for j in JOBS if j.name == "access_log_head")
    with caplog.at_level(logging.INFO, logger="kierto.access_log_head"):
        summary = await job.run(job.context(db, get_settings(), get_operations_settings()))
    head = await current_head()
    assert summary == head.line()
    assert parse_head_copy(caplog.text) == head
    assert (await verify_chain(outside=parse_head_copy(caplog.text))).intact


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


async def test_every_response_showing_a_clients_code_logs_the_read(db: Any, api: httpx.AsyncClient) -> None:
    from inventory.clients.choices import HandoverKind
    from inventory.clients.handovers import HandoverRequest, hand_over
    from inventory.clients.reservations import reserve_device
    from inventory.clock import today
    from inventory.devices.tables import Device
    from inventory.settings import get_settings

    counsellor = await person()
    reserved_for, lent_to = await new_client(db, counsellor), await new_client(db, counsellor)
    reserved, lent = await ready_device(db), await ready_device(db)
    await reserve_device(db, reserved_for, reserved, counsellor, get_settings())
    await reserve_device(db, lent_to, lent, counsellor, get_settings())
    due = today() + dt.timedelta(days=3)
    await hand_over(
        db, lent_to, HandoverRequest(lent, HandoverKind.LOAN, due, ()), counsellor, get_settings()
    )
    overdue = today() - dt.timedelta(days=3)  # so that the dashboard lists it
    await Device.update({Device.loan_due_on: overdue}).where(Device.asset_tag == lent)
    headers = await bearer(counsellor)
    for tag, client_id, purpose in ((reserved, reserved_for, "reservation"), (lent, lent_to, "handover")):
        before = len(await log_rows(client_id))
        for path in (f"/api/v1/devices/{tag}", f"/devices/{tag}"):
            response = await api.get(path, headers=headers)
            assert response.status_code == 200
            code = (await Client.select(Client.code).where(Client.id == client_id).first() or {})["code"]
            assert code in response.text
        shown = (await log_rows(client_id))[before:]
        assert [(r["action"], r["purpose"], r["detail"]) for r in shown] == [
            ("read", purpose, f"device {tag}")
        ] * 2
    # A trainee is shown no code, and nothing is logged for them.
    trainee = await bearer(await person(Role.TRAINEE))
    before = len(await log_rows(reserved_for))
    assert (await api.get(f"/api/v1/devices/{reserved}", headers=trainee)).json()["client"] is None
    assert len(await log_rows(reserved_for)) == before
    coordinator = await person(Role.COORDINATOR)
    before = len(await log_rows(lent_to))
    assert (await api.get("/dashboard", headers=await bearer(coordinator))).status_code == 200
    [row] = (await log_rows(lent_to))[before:]
    assert (row["purpose"], row["detail"], row["user_id"]) == (
        "loan_follow_up",
        "dashboard",
        coordinator.user_id,
    )
    assert (await verify_chain()).intact


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
