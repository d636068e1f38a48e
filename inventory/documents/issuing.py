"""Issue documents once and reprint them the same: numbers, verification codes and the public facts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import is_sqlite
from inventory.documents.tables import IssuedDocument
from inventory.documents.verification import Verdict, canonical, check, split_code, verification_code
from inventory.numbering.sequences import certificate_number, next_number

# Number prefixes per kind of document.
PREFIXES = {
    "erasure_certificate": "E",
    "donation_receipt": "D",
    "donation_report": "R",
    "handover_certificate": "H",
    "loan_agreement": "L",
    "orientation_certificate": "O",
}


@dataclass(frozen=True)
class Issued:
    """An issued document: its number, its verification code, the facts it certifies and when."""

    kind: str
    number: str
    code: str
    facts: dict[str, Any]
    issued_at: Any


def _issued(row: dict[str, Any]) -> Issued:
    return Issued(row["kind"], row["number"], row["code"], row["facts"], row["issued_at"])


async def find_issued(key: str) -> Issued | None:
    """The document issued under a key (`<kind>:<subject>`), if any."""
    row = await IssuedDocument.select().where(IssuedDocument.key == key).output(load_json=True).first()
    return _issued(row) if row is not None else None


async def _serialise(key: str) -> None:
    """Let one transaction at a time issue a given document (PostgreSQL: a transaction-level advisory
    lock on the key; SQLite's immediate write transaction already serialises every writer)."""
    if not is_sqlite(IssuedDocument._meta.db):
        await IssuedDocument.raw("SELECT pg_advisory_xact_lock(hashtext({}))", key)


async def issue(
    kind: str,
    subject: str,
    facts: dict[str, Any],
    actor: Actor,
    secret: str,
    number: str | None = None,
) -> Issued:
    """The document for a subject: issued now with a new number, or the one issued before.

    Call inside the caller's write transaction. `number` is given when the subject already has one
    (an erasure's certificate number); otherwise the kind's yearly sequence gives the next.
    """
    key = f"{kind}:{subject}"
    await _serialise(key)
    existing = await IssuedDocument.select().where(IssuedDocument.key == key).output(load_json=True).first()
    if existing is not None:
        return _issued(existing)
    moment = now()
    if number is None:
        prefix = PREFIXES[kind]
        number = certificate_number(prefix, moment.year, await next_number(prefix, moment.year))
    code = verification_code(secret, kind, number, facts)
    await IssuedDocument.insert(
        IssuedDocument(
            key=key, kind=kind, number=number, code=code, facts=facts, issued_at=moment, issued_by=actor.label
        )
    )
    return Issued(kind, number, code, facts, moment)


REVISION_MARK = "-R"
# What a number and code can contain; anything else cannot be one of ours.
CODE_CHARACTERS = re.compile(r"[A-Za-z0-9.-]{1,80}")


def content_digest(kind: str, facts: dict[str, Any]) -> str:
    """A short fingerprint of a document's content: the same facts always give the same digest."""
    return hashlib.sha256(canonical(kind, "", facts)).hexdigest()[:16]


async def issue_revision(
    kind: str,
    subject: str,
    facts: dict[str, Any],
    actor: Actor,
    secret: str,
    number: str | None = None,
) -> Issued:
    """The document stating these facts about a subject: the one issued before if nothing changed.

    When the facts differ from every earlier issue (a re-verification was recorded, devices were
    added), a new revision is issued: the first revision's number with `-R2`, `-R3` … and a code of
    its own, so the earlier paper still verifies as what it stated then. Call inside the caller's
    write transaction.
    """
    prefix = f"{kind}:{subject}:"
    await _serialise(prefix)
    existing = (
        await IssuedDocument.select()
        .where(IssuedDocument.key == prefix + content_digest(kind, facts))
        .output(load_json=True)
        .first()
    )
    if existing is not None:
        return _issued(existing)
    earlier = (
        await IssuedDocument.select(IssuedDocument.key, IssuedDocument.number)
        .where(IssuedDocument.key.like(prefix + "%"))
        .order_by(IssuedDocument.id)
    )
    earlier = [row for row in earlier if row["key"].startswith(prefix)]
    if earlier:
        number = f"{earlier[0]['number']}{REVISION_MARK}{len(earlier) + 1}"
    return await issue(kind, f"{subject}:{content_digest(kind, facts)}", facts, actor, secret, number)


@dataclass(frozen=True)
class Verification:
    """The answer of the verification page."""

    verdict: Verdict
    document: Issued | None = None


async def verify(code: str, secret: str) -> Verification:
    """Whether a code belongs to a genuine document, a tampered one, or none we issued."""
    parts = split_code(code) if CODE_CHARACTERS.fullmatch(code.strip()) else None
    if parts is None:
        return Verification(Verdict.UNKNOWN)
    row = (
        await IssuedDocument.select().where(IssuedDocument.number == parts[0]).output(load_json=True).first()
    )
    if row is None:
        return Verification(Verdict.UNKNOWN)
    verdict = check(secret, code, row["kind"], row["number"], row["facts"])
    return Verification(verdict, _issued(row) if verdict is Verdict.GENUINE else None)
