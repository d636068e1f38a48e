"""Every word in the user's language: every page (per role) and every document, in Finnish and Swedish.

A page or document fails on a word of a list of English words that Finnish and Swedish never use, or on
an English message id shown as it is (a string nobody translated, or one shown without translation).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po

from inventory.devices.tables import Erasure
from inventory.i18n import LOCALE_DIR
from inventory.permissions import Role
from tests import factories
from tests.documents.helpers import sign_off_as_coordinator
from tests.labels.pdf_reading import all_text
from tests.ui.conftest import HTML, log_in, post_form, text_of
from tests.ui.every_page import USERS, every_page, seed_every_page

pytestmark = pytest.mark.db

LANGUAGES = ("fi", "sv")
# English words a Finnish or Swedish page never holds (words shared with Swedish, like "in", "is",
# "roll", "status", "disk", "last" or "make", and with Finnish, like "on", are left out).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "from",
        "for",
        "to",
        "this",
        "that",
        "these",
        "those",
        "your",
        "you",
        "our",
        "we",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "passed",
        "failed",
        "other",
        "unknown",
        "pending",
        "running",
        "successful",
        "none",
        "true",
        "false",
        "yes",
        "device",
        "devices",
        "label",
        "labels",
        "sheet",
        "memory",
        "storage",
        "serial",
        "model",
        "every",
        "daily",
        "hourly",
        "weekly",
        "minute",
        "minutes",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "month",
        "save",
        "cancel",
        "delete",
        "print",
        "download",
        "open",
        "close",
        "edit",
        "search",
        "name",
        "date",
        "type",
        "ready",
        "received",
        "wiping",
        "wiped",
        "reserved",
        "handed",
        "loan",
        "returned",
        "scrapped",
        "hold",
        "job",
        "jobs",
        "backup",
        "reminder",
        "reminders",
        "schedule",
        "next",
        "never",
    ]
)
WORD = re.compile(r"[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö'-]*")
# Names and codes that are the same in every language.
KEPT = frozenset({"Kierto", "ThinkPad", "Lenovo", "Dell", "Latitude", "Brother", "Dymo", "QL", "SSD", "HDD"})


@cache
def _message_ids() -> frozenset[str]:
    """The interface's English message ids of three words or more (shorter ones are too often names)."""
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        catalog = read_po(pot)
    ids: set[str] = set()
    for message in catalog:
        for text in (message.id,) if isinstance(message.id, str) else message.id:
            plain = re.sub(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}", "\0", text)
            for part in plain.split("\0"):
                if len(part.split()) >= 3:
                    ids.add(part.strip())
    return frozenset(ids)


def english_in(text: str) -> list[str]:
    """The English words and untranslated message ids in a text a person reads."""
    found = sorted(
        {
            word
            for word in WORD.findall(text)
            if word.lower() in ENGLISH_WORDS and word not in KEPT and len(word) > 1
        }
    )
    found += sorted(message for message in _message_ids() if message in text)
    return found


def test_the_check_finds_english() -> None:
    assert english_in("Levyn tyyppi: OTHER") == ["OTHER"]
    assert english_in("Tulos: passed") == ["passed"]
    assert english_in("Kierto ThinkPad on valmis, laite är klar") == []
    assert "There is nothing at this address." in english_in("There is nothing at this address.")


async def _logged_in(app: Any, role: Role | None, language: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")
    client.cookies.set("kierto_lang", language)
    if role is not None:
        actor = await _actor(role)
        await log_in(client, actor)
    return client


async def _actor(role: Role) -> Any:
    from inventory.accounts.users import authenticate

    return await authenticate(USERS[role], factories.PASSWORD)


def _visible(html: str) -> str:
    """The words a person reads or hears: text, and labels given in attributes (not <code>: names of
    settings, jobs and commands, the same in every language; not what people typed into forms).
    """
    html = re.sub(r"<code\b[^>]*>.*?</code>", " ", html, flags=re.S)
    # What a form holds was typed by people (an English profile name, YAML variables), not the interface.
    html = re.sub(r"<textarea\b[^>]*>.*?</textarea>", " ", html, flags=re.S)
    # A setting written as it is typed in a YAML or environment example: "accessibility_enabled: true".
    html = re.sub(r"\b[a-z]+_[a-z_]+: \S+", " ", html)
    attributes = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html))
    return text_of(html) + " " + attributes


async def _documents(client: httpx.AsyncClient, seeded: dict[str, Any]) -> dict[str, str]:
    """Every document a coordinator can open, as its text."""
    tags = seeded["tags"]
    signed = await Erasure.select(Erasure.certificate_number).where(Erasure.validated_at.is_not_null())
    numbers = [row["certificate_number"] for row in signed]
    paths = {
        "donation receipt": f"/api/v1/donations/{seeded['donation']}/receipt",
        "handover agreement": f"/api/v1/handovers/{seeded['handover']}/document.pdf",
        "loan agreement": f"/api/v1/handovers/{seeded['loan']}/document.pdf",
        "orientation certificate": f"/api/v1/clients/{seeded['client']}/orientation/certificate.pdf",
        "client's data": f"/api/v1/clients/{seeded['client']}/export.pdf",
        "access log": f"/api/v1/clients/{seeded['client']}/access-log.pdf",
        "devices csv": "/reports/devices.csv",
        "events csv": "/reports/events.csv",
        **{f"erasure certificate {number}": f"/api/v1/erasures/{number}/certificate" for number in numbers},
    }
    texts: dict[str, str] = {}
    for name, path in paths.items():
        response = await client.get(path, headers=HTML)
        assert response.status_code == 200, (name, response.status_code, response.text[:300])
        body = response.content
        texts[name] = all_text(body) if body.startswith(b"%PDF") else response.text
    label = await post_form(client, "/labels", {"tags": tags[0], "stock": "", "start": "1", "send": "pdf"})
    assert label.status_code == 200, label.text[:300]
    texts["label"] = all_text(label.content)
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_page_and_document_is_in_the_users_language(db: Any, app: Any, language: str) -> None:
    for role, username in USERS.items():
        await factories.user(role, username=username)
    seeded = await seed_every_page()
    number = await _first_erasure()
    await sign_off_as_coordinator(db, number)  # its certificate can then be printed
    # As the device page's wipe step stored its result until 2026-12: the outcome as an English word.
    await Erasure.update({Erasure.verification_result: "passed"}).where(Erasure.certificate_number == number)
    clients: dict[Role | None, httpx.AsyncClient] = {}
    failures: list[str] = []
    try:
        for role, path, _ in every_page(seeded):
            if role not in clients:
                clients[role] = await _logged_in(app, role, language)
            response = await clients[role].get(path, headers=HTML)
            assert response.status_code in (200, 404), (path, response.status_code)
            if english := english_in(_visible(response.text)):
                failures.append(f"{path} as {role}: {english}")
        for name, text in (await _documents(clients[Role.COORDINATOR], seeded)).items():
            if english := english_in(text):
                failures.append(f"{name}: {english}")
    finally:
        for client in clients.values():
            await client.aclose()
    assert failures == [], "\n".join(failures)


async def _first_erasure() -> str:
    row = await Erasure.select(Erasure.certificate_number).order_by(Erasure.id).first()
    assert row is not None
    return str(row["certificate_number"])
