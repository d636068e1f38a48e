"""Stock-take: what was found, what is missing and what is out of place; the count is recorded at the finish."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from inventory.errors import Conflict
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.stocktake.queries import stocktake_view
from inventory.stocktake.services import finish_stocktake, record_scan, start_stocktake
from inventory.stocktake.tables import StockTake
from tests import factories
from tests.ui.conftest import HTML, log_in, post_form, text_of


async def test_a_count_at_a_site_finds_misses_and_flags_what_is_out_of_place(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    here = (await factories.donation(db, devices=3)).asset_tags
    elsewhere = (await factories.donation(db, devices=1, site_code="THJ")).asset_tags[0]
    given = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, given, State.HANDED_OVER, client_id=await factories.client())
    stocktake = await start_stocktake(db, trainee, await factories.site())
    first = await record_scan(db, trainee, stocktake, here[0].lower())
    again = await record_scan(db, trainee, stocktake, here[0])
    await record_scan(db, trainee, stocktake, elsewhere)
    await record_scan(db, trainee, stocktake, given)
    unknown = await record_scan(db, trainee, stocktake, "NO-SUCH-THING")
    assert (first.first_time, again.first_time, unknown.asset_tag) == (True, False, None)
    view = await stocktake_view(stocktake)
    assert [c.asset_tag for c in view.found] == [here[0]]
    assert [c.asset_tag for c in view.missing] == sorted(here[1:])
    assert {c.asset_tag: c.reason for c in view.misplaced} == {elsewhere: "other_site", given: "away"}
    assert view.unknown == ("NO-SUCH-THING",)
    assert view.expected == 3


async def test_a_shelf_count_expects_only_its_steps(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tags = (await factories.donation(db, devices=2)).asset_tags
    await factories.bring_to(db, tags[0], State.READY)
    shelf = await start_stocktake(db, trainee, await factories.site(), "Hylly B", ["ready"])
    await record_scan(db, trainee, shelf, tags[1])
    view = await stocktake_view(shelf)
    assert [c.asset_tag for c in view.missing] == [tags[0]]
    assert [(c.asset_tag, c.reason) for c in view.misplaced] == [(tags[1], "other_step")]


async def test_finishing_records_the_count_and_closes_it(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tags = (await factories.donation(db, devices=2)).asset_tags
    stocktake = await start_stocktake(db, trainee, await factories.site())
    await record_scan(db, trainee, stocktake, tags[0])
    await finish_stocktake(db, trainee, stocktake)
    await factories.bring_to(db, tags[1], State.WIPING)  # later changes do not alter the record
    row = await StockTake.select().where(StockTake.id == stocktake).first()
    assert row is not None
    assert (row["expected_count"], row["found_count"], row["missing_count"]) == (2, 1, 1)
    view = await stocktake_view(stocktake)
    assert [(c.asset_tag, c.state) for c in view.missing] == [(tags[1], State.RECEIVED)]
    with pytest.raises(Conflict):
        await record_scan(db, trainee, stocktake, tags[1])
    with pytest.raises(Conflict):
        await finish_stocktake(db, trainee, stocktake)


async def test_the_count_page_takes_scans_and_announces_each(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    site_id = await factories.site()
    await log_in(client, trainee)
    started = await post_form(client, "/stocktakes", {"site_id": site_id, "place": "Varasto"})
    assert started.status_code == 303
    count_path = started.headers["location"]
    scanned = await post_form(client, f"{count_path}/scans", {"code": tag})
    assert scanned.status_code == 303
    page = await client.get(scanned.headers["location"], headers=HTML)
    assert f"Laskettu: {tag}." in text_of(page.text)
    assert 'data-count="found">1<' in page.text
    assert "data-scan-default" in page.text
    mistyped = await post_form(
        client, f"{count_path}/scans", {"code": tag[:-1] + ("A" if tag[-1] != "A" else "B")}
    )
    assert mistyped.status_code == 409
    assert 'id="f-code-error"' in mistyped.text
    finished = await post_form(client, f"{count_path}/finish", {})
    assert finished.status_code == 303
    assert "Päättynyt" in text_of((await client.get(count_path, headers=HTML)).text)
