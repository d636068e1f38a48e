"""The access log of client data: who read or changed which client's data, when, why, and with what outcome.

Rows are only ever appended, by the service layer. Each row carries the SHA-256 of its own fields and
of the previous row's hash, so changing, removing or inserting a row breaks the chain, and the head
row (the last sequence number and hash) shows rows cut off the end. `verify_chain` walks it all;
`kierto verify-access-log` runs it from the command line.

Appends serialise on the head row: `UPDATE … RETURNING` takes its row lock on PostgreSQL (held until
commit) and SQLite runs write transactions one at a time. Write the log as the last step of a
transaction, so the head row is always the last lock a transaction takes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clients.choices import AccessAction, AccessOutcome, Purpose
from inventory.clients.tables import AccessLogEntry, AccessLogHead
from inventory.clock import now
from inventory.database import write_transaction

GENESIS_HASH = "0" * 64
HEAD_NAME = "access_log"
DETAIL_MAX = 200
VERIFY_BATCH = 2000


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: dict[str, Any], previous_hash: str) -> str:
    """The SHA-256 (hex) of a log row's fields and the previous row's hash, in a canonical JSON form."""
    payload = {
        "seq": row["seq"],
        "at": _utc_text(row["at"]),
        "actor": row["actor"],
        "user_id": row["user_id"],
        "role": row["role"],
        "action": row["action"],
        "client_id": row["client_id"],
        "purpose": row["purpose"],
        "outcome": row["outcome"],
        "detail": row["detail"],
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def _take_head() -> tuple[int, str]:
    """Lock the chain's head and return its last sequence number and hash."""
    await AccessLogHead.raw(
        "INSERT INTO access_log_head (name, last_seq, last_hash) VALUES ({}, 0, {}) "
        "ON CONFLICT (name) DO NOTHING",
        HEAD_NAME,
        GENESIS_HASH,
    )
    rows = (
        await AccessLogHead.update({AccessLogHead.last_seq: AccessLogHead.last_seq + 0})
        .where(AccessLogHead.name == HEAD_NAME)
        .returning(AccessLogHead.last_seq, AccessLogHead.last_hash)
    )
    return int(rows[0]["last_seq"]), str(rows[0]["last_hash"])


async def record_access(
    actor: Actor,
    action: AccessAction,
    client_ids: Iterable[int | None],
    purpose: Purpose,
    outcome: AccessOutcome = AccessOutcome.SUCCESS,
    detail: str = "",
) -> int:
    """Append one row per client to the log, inside the caller's write transaction; returns the rows written.

    Call it as the last step of the transaction (see the module's docstring).
    """
    targets = list(dict.fromkeys(client_ids))
    if not targets:
        return 0
    last_seq, previous = await _take_head()
    moment = now()
    entries = []
    for client_id in targets:
        last_seq += 1
        row: dict[str, Any] = {
            "seq": last_seq,
            "at": moment,
            "actor": actor.label[:100],
            "user_id": actor.user_id,
            "role": actor.role.value if actor.role else "",
            "action": action.value,
            "client_id": client_id,
            "purpose": purpose.value,
            "outcome": outcome.value,
            "detail": detail[:DETAIL_MAX],
        }
        digest = row_hash(row, previous)
        entries.append(AccessLogEntry(**row, previous_hash=previous, hash=digest))
        previous = digest
    await AccessLogEntry.insert(*entries)
    await AccessLogHead.update({AccessLogHead.last_seq: last_seq, AccessLogHead.last_hash: previous}).where(
        AccessLogHead.name == HEAD_NAME
    )
    return len(entries)


async def log_access(
    engine: Engine,  # type: ignore[type-arg]
    actor: Actor,
    action: AccessAction,
    client_ids: Iterable[int | None],
    purpose: Purpose,
    outcome: AccessOutcome = AccessOutcome.SUCCESS,
    detail: str = "",
) -> int:
    """Append to the log in a transaction of its own (for reads, and for refusals after a rollback)."""
    async with write_transaction(engine):
        return await record_access(actor, action, client_ids, purpose, outcome, detail)


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the chain: how many rows, the head hash, and the first problem found."""

    rows: int
    head_hash: str
    problem: str | None = None
    bad_seq: int | None = None

    @property
    def intact(self) -> bool:
        """Whether no problem was found."""
        return self.problem is None


async def verify_chain() -> ChainReport:
    """Recompute every row's hash in order and compare the end with the head row."""
    expected_seq = 1
    previous = GENESIS_HASH
    after = 0
    while True:
        batch = (
            await AccessLogEntry.select()
            .where(AccessLogEntry.seq > after)
            .order_by(AccessLogEntry.seq)
            .limit(VERIFY_BATCH)
        )
        if not batch:
            break
        for row in batch:
            seq = int(row["seq"])
            if seq != expected_seq:
                return ChainReport(
                    expected_seq - 1, previous, f"row {expected_seq} is missing (found {seq} next)", seq
                )
            if row["previous_hash"] != previous:
                return ChainReport(seq - 1, previous, f"row {seq} does not follow row {seq - 1}", seq)
            if row_hash(row, previous) != row["hash"]:
                return ChainReport(seq - 1, previous, f"row {seq} was changed after it was written", seq)
            previous = row["hash"]
            expected_seq += 1
        after = int(batch[-1]["seq"])
    rows = expected_seq - 1
    head = await AccessLogHead.select().where(AccessLogHead.name == HEAD_NAME).first()
    head_seq = int(head["last_seq"]) if head else 0
    head_hash = str(head["last_hash"]) if head else GENESIS_HASH
    if head_seq != rows or (rows and head_hash != previous):
        return ChainReport(
            rows, previous, f"the log ends at row {rows} but its head says {head_seq}", rows + 1
        )
    return ChainReport(rows, previous)


async def client_access(client_id: int, since: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Every log row about one client, oldest first (for the client's own extract)."""
    query = AccessLogEntry.select(
        AccessLogEntry.seq,
        AccessLogEntry.at,
        AccessLogEntry.actor,
        AccessLogEntry.user_id,
        AccessLogEntry.role,
        AccessLogEntry.action,
        AccessLogEntry.purpose,
        AccessLogEntry.outcome,
    ).where(AccessLogEntry.client_id == client_id)
    if since is not None:
        query = query.where(AccessLogEntry.at >= since)
    return list(await query.order_by(AccessLogEntry.seq))
