"""My work: tasks by day come from the person's own history entries; hours are logged with limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from inventory.bench.services import mark_labelled
from inventory.clock import today
from inventory.devices.tables import DeviceEvent
from inventory.devices.transitions import transition
from inventory.errors import InvalidInput, NotFound
from inventory.lifecycle import Action
from inventory.permissions import Role
from inventory.settings import get_settings
from inventory.worklog.queries import work_report
from inventory.worklog.services import WorkEntry, log_work, parse_hours, remove_work
from tests import factories
from tests.ui.conftest import HTML, log_in, post_form, text_of


@pytest.mark.parametrize(("typed", "minutes"), [("3", 180), ("2,5", 150), (" 1.25 ", 75), ("24", 1440)])
def test_hours_are_read_as_people_type_them(typed: str, minutes: int) -> None:
    assert parse_hours(typed) == minutes


@pytest.mark.parametrize("typed", ["", "abc", "0", "-1", "24.5", "NaN", "inf"])
def test_nonsense_hours_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_hours(typed)
    assert refused.value.field == "hours"


async def test_a_day_holds_at_most_24_hours_and_no_future(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    await log_work(db, trainee, WorkEntry(today(), "20"))
    with pytest.raises(InvalidInput, match="24"):
        await log_work(db, trainee, WorkEntry(today(), "5"))
    with pytest.raises(InvalidInput) as future:
        await log_work(db, trainee, WorkEntry(today() + dt.timedelta(days=1), "1"))
    assert future.value.field == "day"


async def test_one_can_remove_only_ones_own_entries(db: Any) -> None:
    mine = await factories.user(Role.TRAINEE)
    other = await factories.user(Role.TRAINEE)
    entry = await log_work(db, mine, WorkEntry(today(), "2"))
    with pytest.raises(NotFound):
        await remove_work(db, other, entry)
    await remove_work(db, mine, entry)
    assert (await work_report(mine.user_id or 0, today(), today())).days == ()


async def test_tasks_by_day_are_my_own_steps_only(db: Any) -> None:
    me = await factories.user(Role.TRAINEE)
    colleague = await factories.user(Role.TRAINEE)
    tags = (await factories.donation(db, devices=3)).asset_tags
    await mark_labelled(db, tags, me)
    for tag in tags[:2]:
        await transition(db, tag, Action.START_WIPE, me, get_settings())
    await transition(db, tags[2], Action.START_WIPE, colleague, get_settings())
    yesterday = today() - dt.timedelta(days=1)
    moment = dt.datetime.combine(yesterday, dt.time(12), tzinfo=dt.UTC)
    await DeviceEvent.update({DeviceEvent.at: moment}).where(DeviceEvent.action == "labelled")
    await log_work(db, me, WorkEntry(yesterday, "4", "Wiped and labelled"))
    report = await work_report(me.user_id or 0, yesterday, today())
    assert [day.day for day in report.days] == [yesterday, today()]
    assert [(t.action, t.asset_tags) for t in report.days[0].tasks] == [("labelled", tuple(tags))]
    assert [(t.action, t.asset_tags) for t in report.days[1].tasks] == [("start_wipe", tuple(tags[:2]))]
    assert report.task_count == 5
    assert report.minutes == 240


async def test_the_page_logs_hours_and_prints(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    await log_in(client, trainee)
    wrong = await post_form(
        client, "/my-work/hours", {"day": today().isoformat(), "hours": "lots", "note": ""}
    )
    assert wrong.status_code == 422
    assert 'id="f-hours-error"' in wrong.text
    saved = await post_form(
        client, "/my-work/hours", {"day": today().isoformat(), "hours": "3,5", "note": "Tarroja"}
    )
    assert saved.status_code == 303
    page = await client.get("/my-work", headers=HTML)
    assert "3,5 h · Tarroja" in text_of(page.text)
    assert "Harjoittelijan allekirjoitus" in text_of(page.text)
    assert 'class="print-only' in page.text
    counsellor = await factories.user(Role.COUNSELLOR)
    client.cookies.clear()
    await log_in(client, counsellor)
    assert (await client.get("/my-work", headers=HTML)).status_code == 403
