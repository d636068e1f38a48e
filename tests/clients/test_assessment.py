"""The skills assessment: self-ratings and observations at the start and at the end, and the chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from inventory.clients.assessment import RatingRow
from inventory.clients.chart import ChartText, describe, ratings_svg
from inventory.clients.tables import Assessment, AssessmentItem
from inventory.clock import today
from tests.clients.helpers import bearer, new_client, person

SVG = "{http://www.w3.org/2000/svg}"
TEXT = ChartText(
    "Self-ratings", "Start", "End", "not rated", "{task}: {before} at the start, {after} at the end."
)


def _answers(ratings: dict[str, int | None]) -> list[dict[str, Any]]:
    return [
        {"task": task, "self_rating": rating, "observation": "with_support", "comment": ""}
        for task, rating in ratings.items()
    ]


async def test_start_and_end_with_the_progress_shown(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await bearer(counsellor)
    start = await api.put(
        f"/api/v1/clients/{client_id}/assessments/start",
        json={
            "assessed_on": (today() - dt.timedelta(days=30)).isoformat(),
            "answers": _answers({"power_login": 2, "email": 1, "video_call": None}),
            "notes": "Rohkaistava kokeilemaan.",
        },
        headers=headers,
    )
    assert start.status_code == 200, start.text
    end = await api.put(
        f"/api/v1/clients/{client_id}/assessments/end",
        json={"assessed_on": today().isoformat(), "answers": _answers({"power_login": 4, "email": 3})},
        headers=headers,
    )
    assert end.status_code == 200, end.text
    phases = {a["phase"]: a for a in end.json()["assessments"]}
    assert {a["task"]: a["self_rating"] for a in phases["start"]["answers"]} == {
        "power_login": 2,
        "email": 1,
        "video_call": None,
    }
    assert phases["start"]["notes"] == "Rohkaistava kokeilemaan."
    assert {a["task"]: a["self_rating"] for a in phases["end"]["answers"]} == {"power_login": 4, "email": 3}
    page = await api.get(f"/clients/{client_id}", headers={**headers, "accept": "text/html"})
    assert page.status_code == 200
    chart = page.text[page.text.index("<svg") : page.text.index("</svg>") + len("</svg>")]
    root = ET.fromstring(chart)
    assert root.get("role") == "img"
    bars = root.findall(f"{SVG}rect")
    # the legend's two swatches, then a bar for each rating given (2+1 at the start, 2 at the end)
    assert len(bars) == 2 + 4
    description = root.find(f"{SVG}desc")
    assert description is not None
    assert description.text is not None
    assert "2" in description.text
    assert "4" in description.text


async def test_saving_a_phase_again_replaces_its_answers(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await bearer(counsellor)
    path = f"/api/v1/clients/{client_id}/assessments/start"
    body = {"assessed_on": today().isoformat(), "answers": _answers({"power_login": 2, "email": 1})}
    await api.put(path, json=body, headers=headers)
    await api.put(path, json={**body, "answers": _answers({"wifi": 5})}, headers=headers)
    assert await Assessment.count() == 1
    assert [row["task"] for row in await AssessmentItem.select(AssessmentItem.task)] == ["wifi"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([{"task": "power_login", "self_rating": 6}], None),
        ([{"task": "power_login", "self_rating": 0}], None),
        ([{"task": "juggling", "self_rating": 3}], "answers[0].task"),
        ([{"task": "email", "self_rating": 3}, {"task": "email", "self_rating": 4}], "answers[1].task"),
        ([{"task": "email", "comment": "hetu 010203A123N"}], "answers[0].comment"),
    ],
)
async def test_refused_answers(
    db: Any, api: httpx.AsyncClient, answers: list[dict[str, Any]], field: str | None
) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    response = await api.put(
        f"/api/v1/clients/{client_id}/assessments/start",
        json={"assessed_on": today().isoformat(), "answers": answers},
        headers=await bearer(counsellor),
    )
    assert response.status_code == 422
    if field is not None:
        assert response.json()["field"] == field
    assert await Assessment.count() == 0


def test_the_chart_says_every_value_in_words_and_escapes_text() -> None:
    rows = [RatingRow("email", "E-mail <b>", 1, 4), RatingRow("wifi", "Wi-Fi", None, 3)]
    svg = ratings_svg(rows, TEXT)
    root = ET.fromstring(svg)
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Self-ratings"
    assert desc is not None
    assert desc.text == describe(rows, TEXT)
    assert (
        desc.text == "E-mail <b>: 1 at the start, 4 at the end. Wi-Fi: not rated at the start, 3 at the end."
    )
    assert root.get("aria-labelledby") == "ratings-chart-title ratings-chart-desc"
    assert "<b>" not in svg
    widths = [float(r.get("width", "0")) for r in root.findall(f"{SVG}rect")[2:]]
    assert widths[1] == pytest.approx(4 * widths[0])  # bar length is proportional to the rating
