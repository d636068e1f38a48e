"""Issued documents: one number per subject, reprinted the same, verified genuine, tampered or unknown."""

from __future__ import annotations

from typing import Any

from inventory.actors import Actor
from inventory.database import write_transaction
from inventory.documents.issuing import issue, verify
from inventory.documents.verification import Verdict, check, split_code, verification_code

SECRET = "test-secret"
FACTS = {"device": "JNS-000001-2", "method": "zero-fill", "result": "passed"}


def test_a_code_signs_exactly_its_facts() -> None:
    code = verification_code(SECRET, "erasure_certificate", "E-2026-000001", FACTS)
    assert split_code(code) == ("E-2026-000001", code.rsplit(".", 1)[1])
    assert check(SECRET, code, "erasure_certificate", "E-2026-000001", FACTS) is Verdict.GENUINE
    altered = {**FACTS, "result": "failed"}
    assert check(SECRET, code, "erasure_certificate", "E-2026-000001", altered) is Verdict.TAMPERED
    assert check("another-secret", code, "erasure_certificate", "E-2026-000001", FACTS) is Verdict.TAMPERED
    assert check(SECRET, "nonsense", "erasure_certificate", "E-2026-000001", FACTS) is Verdict.UNKNOWN


async def test_printing_again_gives_the_same_number_and_code(db: Any) -> None:
    actor = Actor.system("tests")
    async with write_transaction(db):
        first = await issue("donation_receipt", "donation:1", FACTS, actor, SECRET)
        again = await issue("donation_receipt", "donation:1", {**FACTS, "result": "other"}, actor, SECRET)
        other = await issue("donation_receipt", "donation:2", FACTS, actor, SECRET)
    assert (again.number, again.code, again.facts) == (first.number, first.code, first.facts)
    assert first.number.startswith("D-")
    assert other.number != first.number
    assert (await verify(first.code, SECRET)).verdict is Verdict.GENUINE
    number, mac = split_code(first.code) or ("", "")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert (await verify(f"{number}.{flipped}", SECRET)).verdict is Verdict.TAMPERED
    assert (await verify(f"D-1999-000001.{mac}", SECRET)).verdict is Verdict.UNKNOWN
