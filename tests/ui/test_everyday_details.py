"""The small things people meet every day: a suggestion for a mistyped tag, tag boxes in any case, an
ended session on a document link, readable chart labels, the favicon, large-text documents for the
clients who need them, a stock-take of one stage.
"""

from __future__ import annotations

import io
import statistics
from typing import Any

import httpx
import pypdfium2 as pdfium
import pytest

from inventory.actors import Actor
from inventory.clients.assessment import RatingRow
from inventory.clients.chart import LABEL_WIDTH, ChartText, ratings_svg, text_width, wrap_label
from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Client
from inventory.devices.asset_tags import read_lookalikes
from inventory.i18n import gettext
from inventory.permissions import Role
from inventory.settings import get_settings
from inventory.stocktake.tables import StockTake
from inventory.topics import TOPICS
from tests import factories
from tests.clients.helpers import ready_device
from tests.ui.conftest import HTML, log_in, post_form, text_of


def test_letters_that_look_like_digits_are_read_as_the_digits() -> None:
    meant = read_lookalikes("jns-OOOO42-7")
    assert meant is not None
    assert (meant.site_code, meant.number, meant.check) == ("JNS", 42, "7")
    assert read_lookalikes("JNS-0I0O1l") is not None
    assert read_lookalikes("JNS-000042-7") is None  # nothing to read differently
    assert read_lookalikes("a serial") is None


@pytest.mark.db
async def test_a_letter_o_for_a_zero_gets_the_device_as_a_link(db: Any, client: httpx.AsyncClient) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]  # e.g. JNS-000001-X
    await log_in(client, await factories.user(Role.TRAINEE))
    typed = tag.replace("0", "O").replace("1", "I")
    page = await client.get("/scan", params={"code": typed}, headers=HTML)
    assert page.status_code == 404
    assert f'<a href="/devices/{tag}">' in page.text
    wrong_check = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    page = await client.get("/scan", params={"code": wrong_check}, headers=HTML)
    assert page.status_code == 409
    assert f'<a href="/devices/{tag}">' in page.text
    nothing = await client.get("/scan", params={"code": "NOTHING-1"}, headers=HTML)
    assert "/devices/" not in nothing.text.split("<main", 1)[1]


@pytest.mark.db
async def test_the_runs_tag_box_reads_any_case_and_keeps_what_was_typed(
    db: Any, client: httpx.AsyncClient
) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await log_in(client, await factories.user(Role.TRAINEE))
    typed = f"{tag.lower()}\nNOPE-42"
    refused = await post_form(client, "/runs", {"kind": "wipe", "tags": typed, "profile_id": ""})
    assert refused.status_code == 404
    assert "NOPE-42" in text_of(refused.text).split("Ajot", 1)[1]  # the unknown one is named …
    assert tag.lower() not in text_of(refused.text.split('id="run-error"', 1)[1].split("</p>", 1)[0])
    assert f'aria-describedby="run-error">{typed}</textarea>' in refused.text  # … and the box kept
    assert '<option value="wipe" selected>' in refused.text


@pytest.mark.db
async def test_an_ended_session_on_a_document_link_opens_the_login_page(client: httpx.AsyncClient) -> None:
    path = "/api/v1/handovers/1/document.pdf"
    browser = await client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code in (302, 303)
    assert browser.headers["location"] == "/login?next=%2Fapi%2Fv1%2Fhandovers%2F1%2Fdocument.pdf"
    program = await client.get(path, headers={"Accept": "application/json"})
    assert program.status_code == 401
    assert program.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_skill_label_fits_the_chart(language: str) -> None:
    labels = [gettext(label, language) for label in TOPICS.values()]
    rows = [RatingRow(task, label, 2, 4) for task, label in zip(TOPICS, labels, strict=True)]
    svg = ratings_svg(rows, ChartText("t", "alussa", "lopussa", "–", "{task} {before} {after}"))
    for label in labels:
        lines = wrap_label(label, LABEL_WIDTH - 4)
        assert " ".join(lines) == label
        assert all(text_width(line, 12) <= LABEL_WIDTH - 4 or " " not in line for line in lines), lines
        for line in lines:
            assert f">{line}</tspan>" in svg.replace("&amp;", "&")
    assert any(len(wrap_label(label, LABEL_WIDTH - 4)) > 1 for label in labels)  # the long ones wrap


@pytest.mark.db
async def test_every_page_has_the_favicon(client: httpx.AsyncClient) -> None:
    login = await client.get("/login", headers=HTML)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login.text
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")


async def _documents(
    db: Any, client: httpx.AsyncClient, counsellor: Actor, large_text: bool
) -> dict[str, bytes]:
    settings = get_settings()
    client_id = await factories.client(counsellor=counsellor)
    if large_text:
        await Client.update({Client.accommodations: ["large_text"]}).where(Client.id == client_id)
    tag = await ready_device(db)
    await reserve_device(db, client_id, tag, counsellor, settings)
    handover = await hand_over(db, client_id, HandoverRequest(tag, HandoverKind.GIFT), counsellor, settings)
    paths = {
        "agreement": f"/api/v1/handovers/{handover}/document.pdf",
        "orientation": f"/api/v1/clients/{client_id}/orientation/certificate.pdf",
        "export": f"/api/v1/clients/{client_id}/export.pdf",
    }
    documents = {}
    for name, path in paths.items():
        response = await client.get(path)
        assert response.status_code == 200, (name, response.text[:300])
        documents[name] = response.content
    return documents


def _median_letter_height(pdf: bytes) -> float:
    document = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        text = document[0].get_textpage()
        heights = []
        for index in range(text.count_chars()):
            if text.get_text_range(index, 1).isalpha():
                _, bottom, _, top = text.get_charbox(index)
                heights.append(top - bottom)
        return statistics.median(heights)
    finally:
        document.close()


@pytest.mark.db
async def test_a_client_who_needs_large_text_gets_large_text_documents(
    db: Any, client: httpx.AsyncClient
) -> None:
    counsellor = await factories.user(Role.COUNSELLOR)
    await log_in(client, counsellor)
    normal = await _documents(db, client, counsellor, large_text=False)
    large = await _documents(db, client, counsellor, large_text=True)
    for name in normal:
        assert _median_letter_height(large[name]) / _median_letter_height(normal[name]) >= 1.3, name


@pytest.mark.db
async def test_a_stocktake_of_exactly_one_stage_is_started(db: Any, client: httpx.AsyncClient) -> None:
    await log_in(client, await factories.user(Role.TRAINEE))
    site_id = await factories.site()
    started = await post_form(
        client, "/stocktakes", {"site_id": site_id, "place": "Hylly 3", "states": "wiped"}
    )
    assert started.status_code == 303, started.text[:500]
    stocktake_id = int(started.headers["location"].rsplit("/", 1)[1])
    row = (
        await StockTake.select(StockTake.states)
        .where(StockTake.id == stocktake_id)
        .output(load_json=True)
        .first()
    )
    assert row == {"states": ["wiped"]}
