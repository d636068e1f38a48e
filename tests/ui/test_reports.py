"""The coordinator's dashboard: figures derived from the history, charts with a table, safe CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import httpx
import pytest

from inventory.clock import now, today
from inventory.devices.tables import Device, DeviceEvent
from inventory.devices.waiting import thresholds_by_step
from inventory.lifecycle import State
from inventory.operations.reminders.stuck import past_their_threshold
from inventory.operations.settings import DEFAULT_STUCK_DAYS, get_operations_settings
from inventory.permissions import Role
from inventory.reports import queries
from inventory.reports.charts import grouped_bars
from inventory.reports.exports import csv_lines, neutralise
from inventory.reports.queries import (
    DASHBOARD_ROWS,
    MERGE_STEPS_UP_TO,
    handovers_by_month,
    lead_times,
    lead_times_from,
    overdue_loans,
    stock_by_site,
    stuck_devices,
)
from inventory.sites.tables import Site
from tests import factories
from tests.ui.conftest import HTML, log_in, text_of

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

THRESHOLDS = thresholds_by_step(DEFAULT_STUCK_DAYS)


def _event(device: int, action: str, days: float) -> dict[str, Any]:
    return {"device": device, "action": action, "at": START + dt.timedelta(days=days)}


def test_lead_times_pair_each_start_with_the_next_ready_and_handover() -> None:
    events = [
        _event(1, "intake", 0),
        _event(1, "provisioned", 4),
        _event(1, "hand_over", 10),
        _event(2, "intake", 0),
        _event(2, "provisioned", 2),
        _event(3, "intake", 1),
        _event(3, "provisioned", 9),
        _event(3, "lend", 12),
        _event(3, "return", 40),
        _event(3, "provisioned", 41),
    ]
    lead = lead_times_from(events, since=START)
    assert (lead.to_ready.median_days, lead.to_ready.samples) == (3.0, 4)  # 4, 2, 8 and 1 days
    assert (lead.to_handover.median_days, lead.to_handover.samples) == (6.0, 1)
    recent_only = lead_times_from(events, since=START + dt.timedelta(days=5))
    assert recent_only.to_ready.samples == 2


def test_no_data_gives_no_median() -> None:
    lead = lead_times_from([], since=START)
    assert lead.to_ready.median_days is None
    assert lead.to_ready.samples == 0


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    line = csv_lines([[cell, "JNS-000001-2", 42, None]])
    assert next(csv.reader(io.StringIO(line), delimiter=";")) == ["'" + cell, "JNS-000001-2", "42", ""]


def test_bars_scale_to_a_round_maximum() -> None:
    chart = grouped_bars(["a", "b"], [[3, 10], [0, 5]])
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.value == 10
    assert tallest.y == chart.ticks[-1].y
    assert chart.ticks[-1].value == 10
    assert [bar.series for bar in chart.bars] == [1, 2, 1, 2]
    assert next(bar for bar in chart.bars if bar.value == 0).height == 0
    with pytest.raises(ValueError, match="one value per label"):
        grouped_bars(["a"], [[1, 2]])


async def test_the_figures_follow_the_history(db: Any) -> None:
    tags = (await factories.donation(db, devices=4)).asset_tags
    client_id = await factories.client()
    await factories.bring_to(db, tags[0], State.HANDED_OVER, client_id=client_id)
    await factories.bring_to(db, tags[1], State.ON_LOAN, client_id=await factories.client())
    await factories.bring_to(db, tags[2], State.WIPING)
    await Device.update({Device.loan_due_on: today() - dt.timedelta(days=3)}).where(
        Device.asset_tag == tags[1]
    )
    await Device.update({Device.state_changed_at: now() - dt.timedelta(days=5)}).where(
        Device.asset_tag == tags[2]
    )
    stock = {row.site_code: row for row in await stock_by_site()}
    assert stock["JNS"].counts[State.HANDED_OVER] == 1
    assert stock["JNS"].counts[State.RECEIVED] == 1
    assert stock["JNS"].total == 4
    months = await handovers_by_month()
    assert (months[-1].handovers, months[-1].loans) == (1, 1)
    assert len(months) == 12
    overdue = await overdue_loans()
    assert [(o["asset_tag"], o["days_overdue"]) for o in overdue.rows] == [(tags[1], 3)]
    assert overdue.rows[0]["client_code"].startswith("K-")
    assert overdue.total == 1
    stuck = await stuck_devices(THRESHOLDS)
    assert ([d["asset_tag"] for d in stuck.rows], stuck.total) == ([tags[2]], 1)
    lead = await lead_times()
    assert (lead.to_ready.samples, lead.to_handover.samples) == (2, 1)


async def test_the_dashboard_shows_the_worst_few_and_the_whole_list_pages_and_filters(
    db: Any, client: httpx.AsyncClient
) -> None:
    received = (await factories.donation(db, devices=DASHBOARD_ROWS + 3)).asset_tags
    elsewhere = (await factories.donation(db, devices=2, site_code="THJ")).asset_tags
    for age, tag in enumerate(received + elsewhere):  # the first tag has waited longest
        await Device.update({Device.state_changed_at: now() - dt.timedelta(days=100 - age)}).where(
            Device.asset_tag == tag
        )
    await log_in(client, await factories.user(Role.COORDINATOR))
    dashboard = await client.get("/dashboard", headers=HTML)
    shown = re.findall(r'<a class="tag" href="/devices/([^"]+)"', dashboard.text)
    assert shown == list(received[:DASHBOARD_ROWS])
    assert 'href="/dashboard/waiting"' in dashboard.text
    stuck = await stuck_devices(THRESHOLDS, limit=4, offset=12)
    assert ([d["asset_tag"] for d in stuck.rows], stuck.total) == ([*received[12:], *elsewhere], 15)
    capped = await stuck_devices(THRESHOLDS, limit=2, count_up_to=5)
    assert (len(capped.rows), capped.total, capped.more) == (2, 5, True)
    thj = (await Site.select(Site.id).where(Site.code == "THJ").first() or {})["id"]
    only_thj = await client.get(f"/dashboard/waiting?site_id={thj}&state=received", headers=HTML)
    assert re.findall(r'<a class="tag" href="/devices/([^"]+)"', only_thj.text) == list(elsewhere)
    assert 'rel="next"' not in only_thj.text
    none_wiping = await client.get("/dashboard/waiting?state=wiping&site_id=", headers=HTML)
    assert none_wiping.status_code == 200, none_wiping.text
    assert (await client.get("/dashboard/waiting?page=0", headers=HTML)).status_code == 422


@pytest.mark.parametrize("merged_up_to", [MERGE_STEPS_UP_TO, 0], ids=["steps merged", "sorted in SQL"])
async def test_devices_waiting_at_different_steps_are_listed_longest_first_across_steps(
    db: Any, merged_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "MERGE_STEPS_UP_TO", merged_up_to)
    tags = (await factories.donation(db, devices=6)).asset_tags
    steps = [State.RECEIVED, State.WIPING, State.RECEIVED, State.WIPED, State.WIPING, State.RECEIVED]
    waited = [90, 80, 70, 60, 50, 1]  # the last has not waited long enough to be listed
    for tag, step, days in zip(tags, steps, waited, strict=True):
        await factories.bring_to(db, tag, step)
        await Device.update({Device.state_changed_at: now() - dt.timedelta(days=days)}).where(
            Device.asset_tag == tag
        )
    listed = await stuck_devices(THRESHOLDS, limit=10)
    assert ([d["asset_tag"] for d in listed.rows], listed.total) == (list(tags[:5]), 5)
    assert [d["state"] for d in listed.rows] == [step.value for step in steps[:5]]
    second_page = await stuck_devices(THRESHOLDS, limit=2, offset=2)
    assert ([d["asset_tag"] for d in second_page.rows], second_page.total) == (list(tags[2:4]), 5)
    capped = await stuck_devices(THRESHOLDS, limit=1, count_up_to=3)
    assert ([d["asset_tag"] for d in capped.rows], capped.total, capped.more) == (list(tags[:1]), 3, True)
    wiping = await stuck_devices(THRESHOLDS, state=State.WIPING)
    assert [d["asset_tag"] for d in wiping.rows] == [tags[1], tags[4]]


async def test_the_dashboard_and_the_reminders_wait_as_long_as_the_site_configured(
    db: Any, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    tags = (await factories.donation(db, devices=2)).asset_tags
    for tag, days in zip(tags, (100, 30), strict=True):
        await Device.update({Device.state_changed_at: now() - dt.timedelta(days=days)}).where(
            Device.asset_tag == tag
        )
    await log_in(client, await factories.user(Role.COORDINATOR))
    default = await client.get("/dashboard", headers=HTML)  # 14 days for received devices by default
    assert re.findall(r'<a class="tag" href="/devices/([^"]+)"', default.text) == list(tags)
    monkeypatch.setenv("KIERTO_STUCK_DAYS", '{"received": 60}')
    get_operations_settings.cache_clear()
    try:
        dashboard = await client.get("/dashboard", headers=HTML)
        listed = await client.get("/dashboard/waiting", headers=HTML)
        reminded = await past_their_threshold(get_operations_settings().stuck_days, now())
    finally:
        get_operations_settings.cache_clear()
    for page in (dashboard, listed):
        assert re.findall(r'<a class="tag" href="/devices/([^"]+)"', page.text) == [tags[0]]
    assert [row["asset_tag"] for row in reminded] == [tags[0]]


async def test_the_dashboard_numbers_change_with_a_handover(db: Any, client: httpx.AsyncClient) -> None:
    coordinator = await factories.user(Role.COORDINATOR)
    tags = (await factories.donation(db, devices=2)).asset_tags
    await log_in(client, coordinator)
    before = await client.get("/dashboard", headers=HTML)
    assert before.status_code == 200
    assert 'data-figure="handed-over">0<' in before.text
    await factories.bring_to(db, tags[0], State.HANDED_OVER, client_id=await factories.client())
    after = await client.get("/dashboard", headers=HTML)
    assert 'data-figure="handed-over">1<' in after.text
    assert 'data-figure="in-workshop">1<' in after.text
    assert '<svg viewBox="0 0 640 240" role="img" aria-labelledby="chart-title"' in after.text
    assert "Luvut taulukkona" in text_of(after.text)


async def test_exports_are_for_coordinators_and_neutralise_formulas(
    db: Any, client: httpx.AsyncClient
) -> None:
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await Device.update({Device.model: '=HYPERLINK("http://evil")'}).where(Device.asset_tag == tag)
    await DeviceEvent.update({DeviceEvent.reason: "@cmd"}).where(DeviceEvent.id > 0)
    trainee = await factories.user(Role.TRAINEE)
    await log_in(client, trainee)
    assert (await client.get("/reports/devices.csv", headers=HTML)).status_code == 403
    client.cookies.clear()
    await log_in(client, await factories.user(Role.COORDINATOR))
    devices = await client.get("/reports/devices.csv")
    assert devices.status_code == 200
    assert devices.headers["content-type"].startswith("text/csv")
    assert "attachment" in devices.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(devices.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0]["Laitetunnus"] == tag
    assert rows[0]["Malli"] == '\'=HYPERLINK("http://evil")'
    events = await client.get("/reports/events.csv")
    event_rows = list(csv.DictReader(io.StringIO(events.text.lstrip("\ufeff")), delimiter=";"))
    assert event_rows[0]["Syy"] == "'@cmd"
    assert event_rows[0]["Mitä tapahtui"] == "Vastaanotettu"
