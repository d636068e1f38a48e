"""The access log of client data: who read or changed which client's data, when, why, and with what outcome.

Rows are only ever appended, by the service layer. Each row carries an HMAC-SHA256 of its own fields and
of the previous row's hash, keyed with a key kept outside the database (KIERTO_ACCESS_LOG_KEY, or one
derived from the secret key), so nobody who can only write to the database can change, remove or insert
a row and recompute the chain. The head row (the last sequence number and hash) shows rows cut off the
end; for someone who can also rewrite the head, the head is copied out of the database (beside every
backup, and into the server log daily), and `kierto verify-access-log --head COPY` checks against it.

Rows written before the chain was keyed kept their plain SHA-256 hashes: the first keyed row is
recorded as the switch-over point (a second head row, named `keyed_from`, whose hash is the HMAC of
that row number), so it cannot be moved; the first keyed row's HMAC covers the last plain row's hash,
which therefore protects every row before it. Re-keying the old rows instead would rewrite history and
invalidate every head copied out before the upgrade; the switch-over keeps those copies checkable.

Appends serialise on the head row: `UPDATE … RETURNING` takes its row lock on PostgreSQL (held until
commit) and SQLite runs write transactions one at a time. Write the log as the last step of a
transaction, so the head row is always the last lock a transaction takes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import AnyEngine, write_transaction
from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose
from inventory.privacy.tables import AccessLogEntry, AccessLogHead
from inventory.settings import get_settings

GENESIS_HASH = "0" * 64
HEAD_NAME = "access_log"
SWITCH_NAME = "keyed_from"
DETAIL_MAX = 200
VERIFY_BATCH = 2000
HEAD_COPY_SUFFIX = ".access-log-head"
_HEAD_LINE = re.compile(r"seq=(\d+) hash=([0-9a-f]{64})")


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(row: dict[str, Any], previous_hash: str) -> bytes:
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
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def plain_row_hash(row: dict[str, Any], previous_hash: str) -> str:
    """The SHA-256 (hex) of a row and the previous hash: how rows were chained before the key (still verified)."""
    return hashlib.sha256(_canonical(row, previous_hash)).hexdigest()


def row_hash(row: dict[str, Any], previous_hash: str, key: bytes) -> str:
    """The HMAC-SHA256 (hex) of a log row's fields and the previous row's hash, in a canonical JSON form."""
    return hmac.new(key, _canonical(row, previous_hash), hashlib.sha256).hexdigest()


def switch_mark(seq: int, key: bytes) -> str:
    """The HMAC that pins the switch-over point: rows from `seq` on are keyed."""
    return hmac.new(key, f"kierto access log keyed from row {seq}".encode(), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    """The key of this installation's chain (from the settings, never from the database)."""
    return get_settings().access_log_chain_key()


async def _take_head(key: bytes) -> tuple[int, str]:
    """Lock the chain's head and return its last sequence number and hash (recording the switch-over once)."""
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
    last_seq = int(rows[0]["last_seq"])
    await AccessLogHead.raw(
        "INSERT INTO access_log_head (name, last_seq, last_hash) VALUES ({}, {}, {}) "
        "ON CONFLICT (name) DO NOTHING",
        SWITCH_NAME,
        last_seq + 1,
        switch_mark(last_seq + 1, key),
    )
    return last_seq, str(rows[0]["last_hash"])


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
    key = chain_key()
    last_seq, previous = await _take_head(key)
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
        digest = row_hash(row, previous, key)
        entries.append(AccessLogEntry(**row, previous_hash=previous, hash=digest))
        previous = digest
    await AccessLogEntry.insert(*entries)
    await AccessLogHead.update({AccessLogHead.last_seq: last_seq, AccessLogHead.last_hash: previous}).where(
        AccessLogHead.name == HEAD_NAME
    )
    return len(entries)


async def log_access(
    engine: AnyEngine,
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


async def record_switch_over(engine: AnyEngine) -> int:
    """Pin the switch to keyed hashes at the row after the current end (at upgrade: `kierto migrate`)."""
    async with write_transaction(engine):
        last_seq, _ = await _take_head(chain_key())
    switch = await AccessLogHead.select().where(AccessLogHead.name == SWITCH_NAME).first()
    return int(switch["last_seq"]) if switch else last_seq + 1


@dataclass(frozen=True)
class HeadCopy:
    """The chain's head as copied out of the database: a row number and that row's hash."""

    seq: int
    hash: str

    def line(self) -> str:
        """One line for the server log or a file beside a backup; `parse_head_copy` reads it back."""
        return f"kierto access-log head seq={self.seq} hash={self.hash}"


def parse_head_copy(text: str) -> HeadCopy | None:
    """The last head line in a text (a head file, a server log, or the line itself), or None."""
    found = _HEAD_LINE.findall(text)
    if not found:
        return None
    seq, digest = found[-1]
    return HeadCopy(int(seq), digest)


async def current_head() -> HeadCopy:
    """The head as the database has it now."""
    head = await AccessLogHead.select().where(AccessLogHead.name == HEAD_NAME).first()
    if head is None:
        return HeadCopy(0, GENESIS_HASH)
    return HeadCopy(int(head["last_seq"]), str(head["last_hash"]))


def head_copy_path(backup: Path) -> Path:
    """The head file written beside a backup file."""
    return backup.with_name(backup.name + HEAD_COPY_SUFFIX)


def write_head_copy(path: Path, head: HeadCopy) -> None:
    """Write the head line to a private file."""
    path.write_text(head.line() + "\n", encoding="utf-8")
    path.chmod(0o600)


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the chain: how many rows, the head hash, and the first problem found."""

    rows: int
    head_hash: str
    problem: str | None = None
    bad_seq: int | None = None
    keyed_from: int | None = None

    @property
    def intact(self) -> bool:
        """Whether no problem was found."""
        return self.problem is None


async def _switch_over(key: bytes) -> tuple[int | None, str | None]:
    """The first keyed row, and a problem if the switch-over record was altered."""
    switch = await AccessLogHead.select().where(AccessLogHead.name == SWITCH_NAME).first()
    if switch is None:
        return None, None
    seq = int(switch["last_seq"])
    if not hmac.compare_digest(str(switch["last_hash"]), switch_mark(seq, key)):
        return seq, f"the record of where keyed hashes start (row {seq}) was altered, or the key is wrong"
    return seq, None


@dataclass
class _Walk:
    """Where a walk along the chain got to."""

    rows: int = 0
    last_hash: str = GENESIS_HASH
    outside_hash: str | None = None
    problem: tuple[str, int] | None = None


def _row_problem(row: dict[str, Any], walk: _Walk, key: bytes, first_keyed: int) -> tuple[str, int] | None:
    seq = int(row["seq"])
    expected_seq = walk.rows + 1
    if seq != expected_seq:
        return f"row {expected_seq} is missing (found {seq} next)", seq
    if row["previous_hash"] != walk.last_hash:
        return f"row {seq} does not follow row {seq - 1}", seq
    if seq >= first_keyed:
        expected = row_hash(row, walk.last_hash, key)
    else:
        expected = plain_row_hash(row, walk.last_hash)
    if not hmac.compare_digest(expected, str(row["hash"])):
        return f"row {seq} was changed after it was written", seq
    return None


async def _walk(key: bytes, first_keyed: int, outside: HeadCopy | None) -> _Walk:
    walk = _Walk(outside_hash=GENESIS_HASH if outside is not None and outside.seq == 0 else None)
    while True:
        batch = (
            await AccessLogEntry.select()
            .where(AccessLogEntry.seq > walk.rows)
            .order_by(AccessLogEntry.seq)
            .limit(VERIFY_BATCH)
        )
        for row in batch:
            walk.problem = _row_problem(row, walk, key, first_keyed)
            if walk.problem:
                return walk
            walk.rows, walk.last_hash = int(row["seq"]), str(row["hash"])
            if outside is not None and walk.rows == outside.seq:
                walk.outside_hash = walk.last_hash
        if not batch:
            return walk


def _end_problem(
    walk: _Walk, head: HeadCopy, keyed_from: int | None, outside: HeadCopy | None
) -> tuple[str, int] | None:
    rows = walk.rows
    checks = [
        (
            head.seq != rows or (rows > 0 and head.hash != walk.last_hash),
            f"the log ends at row {rows} but its head says {head.seq}",
            rows + 1,
        ),
        (rows > 0 and keyed_from is None, "the record of where keyed hashes start is missing", rows),
        (
            keyed_from is not None and keyed_from > rows + 1,
            f"the log ends at row {rows} but keyed rows started at {keyed_from}",
            rows + 1,
        ),
        (
            outside is not None and outside.seq > rows,
            f"the outside copy of the head names row {outside.seq if outside else 0}, "
            f"but the log ends at row {rows}",
            rows + 1,
        ),
        (
            outside is not None and walk.outside_hash != outside.hash,
            f"row {outside.seq if outside else 0} differs from the outside copy of the head",
            outside.seq if outside else 0,
        ),
    ]
    return next(((message, seq) for failed, message, seq in checks if failed), None)


async def verify_chain(key: bytes | None = None, outside: HeadCopy | None = None) -> ChainReport:
    """Recompute every row's hash in order, compare the end with the head row and, if given, an outside copy."""
    key = chain_key() if key is None else key
    keyed_from, altered = await _switch_over(key)
    if altered:
        return ChainReport(0, GENESIS_HASH, altered, keyed_from, keyed_from)
    # Without a switch-over record every row must be an old plain one (and the record's absence is reported).
    walk = await _walk(key, keyed_from if keyed_from is not None else sys.maxsize, outside)
    problem = walk.problem or _end_problem(walk, await current_head(), keyed_from, outside)
    if problem:
        return ChainReport(walk.rows, walk.last_hash, problem[0], problem[1], keyed_from)
    return ChainReport(walk.rows, walk.last_hash, keyed_from=keyed_from)


class ClientAccessRow(TypedDict):
    """One access-log row about a client, as the client's own extract shows it."""

    seq: int
    at: dt.datetime
    actor: str
    user_id: int | None
    role: str
    action: str
    purpose: str
    outcome: str


async def client_access(client_id: int, since: dt.datetime | None = None) -> list[ClientAccessRow]:
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
    return cast(list[ClientAccessRow], await query.order_by(AccessLogEntry.seq))
