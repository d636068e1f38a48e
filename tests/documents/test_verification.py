"""The public verification page and its JSON twin: genuine, tampered or unknown, in fi, sv and en."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from inventory.database import write_transaction
from inventory.documents.erasure_certificates import issue_erasure_certificate
from inventory.documents.tables import IssuedDocument
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.documents.helpers import wipe

VERDICT_WORDS = {
    "fi": {"genuine": "Aito", "tampered": "Ei täsmää", "unknown": "Ei löydy"},
    "sv": {"genuine": "Äkta", "tampered": "Stämmer inte", "unknown": "Hittades inte"},
    "en": {"genuine": "Genuine", "tampered": "Does not match", "unknown": "Not found"},
}


async def _issued_code(db: Any) -> tuple[str, str]:
    created = await factories.donation(db, devices=1)
    operator = await factories.user(Role.TRAINEE, username="operator.name")
    number = await wipe(db, created.asset_tags[0], operator)
    issued = await issue_erasure_certificate(db, number, operator, get_settings())
    return issued.code, created.asset_tags[0]


def _tampered(code: str) -> str:
    number, mac = code.rsplit(".", 1)
    return f"{number}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_page_says_genuine_tampered_or_unknown_in_the_readers_language(
    db: Any, client: httpx.AsyncClient, language: str
) -> None:
    code, tag = await _issued_code(db)
    number = code.rsplit(".", 1)[0]
    headers = {"accept-language": language, "accept": "text/html"}
    cases = {
        "genuine": code,
        "tampered": _tampered(code),
        "unknown": f"E-1999-000001.{code.rsplit('.', 1)[1]}",
    }
    for verdict, typed in cases.items():
        page = await client.get(f"/verify/{typed}", headers=headers)
        assert page.status_code == 200
        assert f'<html lang="{language}"' in page.text
        assert VERDICT_WORDS[language][verdict] in page.text, (language, verdict)
        assert page.headers["cache-control"] == "no-store"
        assert (tag in page.text) is (verdict == "genuine")
        assert "operator.name" not in page.text.lower()
        answer = await client.get(f"/api/v1/verify/{typed}", headers={"accept-language": language})
        assert answer.status_code == 200
        assert answer.json()["verdict"] == verdict
        assert (answer.json()["number"] == number) is (verdict == "genuine")


async def test_a_genuine_certificate_shows_what_it_certifies_and_no_persons_name(
    db: Any, client: httpx.AsyncClient
) -> None:
    code, tag = await _issued_code(db)
    answer = (await client.get(f"/api/v1/verify/{code}", headers={"accept-language": "en"})).json()
    shown = {field["name"]: field["lines"] for field in answer["summary"]}
    assert answer["kind"] == "erasure_certificate"
    assert answer["kind_label"] == "Certificate of sanitisation"
    assert shown["asset_tag"] == [tag]
    assert shown["result"] == ["Passed"]
    assert shown["category"] == ["Clear"]
    assert shown["technique"] == ["Overwrite"]
    assert shown["tool"] == ["kierto-wipe 1.0"]
    assert "date" in shown
    assert len(shown["disks"]) == 1
    flat = str(answer).lower()
    assert "operator.name" not in flat
    row = await IssuedDocument.select(IssuedDocument.facts).output(load_json=True).first()
    assert row is not None
    donor = row["facts"]["document"]["source"]
    assert donor
    assert donor.lower() not in flat


async def test_facts_altered_in_the_database_no_longer_verify(db: Any, client: httpx.AsyncClient) -> None:
    code, _ = await _issued_code(db)
    row = await IssuedDocument.select(IssuedDocument.id, IssuedDocument.facts).output(load_json=True).first()
    assert row is not None
    facts = row["facts"]
    facts["summary"]["result"] = "failed" if facts["summary"]["result"] == "passed" else "passed"
    async with write_transaction(db):
        await IssuedDocument.update({IssuedDocument.facts: facts}).where(IssuedDocument.id == row["id"])
    answer = (await client.get(f"/api/v1/verify/{code}")).json()
    assert answer["verdict"] == "tampered"
    assert answer["summary"] == []


async def test_the_form_sends_a_typed_code_to_its_page(db: Any, client: httpx.AsyncClient) -> None:
    code, _ = await _issued_code(db)
    form = await client.get("/verify", headers={"accept": "text/html"})
    assert form.status_code == 200
    assert 'for="verify-code"' in form.text
    typed = await client.get("/verify", params={"code": f"  {code.lower()} "})
    assert typed.status_code in (301, 302, 303, 307)
    followed = await client.get(typed.headers["location"], headers={"accept-language": "en"})
    assert "Genuine" in followed.text


async def test_a_code_that_cannot_be_ours_is_unknown_and_shown_escaped(
    db: Any, client: httpx.AsyncClient
) -> None:
    for typed in ("<script>alert(1)", "E-2026-000001.ABC", "a" * 80, "E-2026%00.AAAAAAAAAAAAAAAA"):
        answer = await client.get(f"/api/v1/verify/{quote(typed, safe='')}")
        assert answer.status_code == 200
        assert answer.json()["verdict"] == "unknown"
    page = await client.get("/verify/%3Cscript%3E", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_a_pasted_address_or_junk_around_the_code_finds_it_and_long_input_keeps_the_language(
    db: Any, client: httpx.AsyncClient
) -> None:
    code, tag = await _issued_code(db)
    headers = {"accept-language": "sv", "accept": "text/html"}
    pasted = f"Kod: http://127.0.0.1:8000/verify/{code.lower()}%20 (från intyget)"
    redirected = await client.get("/verify", params={"code": pasted}, headers=headers)
    assert redirected.status_code in (302, 303, 307)
    assert redirected.headers["location"] == f"/verify/{code}"
    whole_url = await client.get(f"/verify/http://127.0.0.1:8000/verify/{code}", headers=headers)
    assert whole_url.status_code == 200
    assert tag in whole_url.text, "an address pasted after /verify/ still finds the code"
    too_long = await client.get("/verify", params={"code": "x" * 12000}, headers=headers)
    assert too_long.status_code == 422
    assert '<html lang="sv"' in too_long.text
    assert 'name="code"' in too_long.text, "the form stays"
    assert "Expected" not in too_long.text
