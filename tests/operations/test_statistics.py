"""The nightly statistics snapshot: counts by site and state per day, replaced on a rerun, served to managers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from inventory.clock import today
from inventory.lifecycle import State
from inventory.operations.statistics.snapshot import daily_counts, take_snapshot
from inventory.operations.statistics.tables import DailyDeviceCount
from inventory.permissions import Role
from tests import factories


async def test_the_snapshot_counts_by_site_and_state_and_a_rerun_replaces_the_day(db: Any) -> None:
    joensuu = (await factories.donation(db, devices=3, site_code="JNS")).asset_tags
    await factories.donation(db, devices=1, site_code="THJ")
    await factories.bring_to(db, joensuu[0], State.WIPING)
    assert await take_snapshot(db) == 3
    counts = {(r["site_code"], r["state"]): r["count"] for r in await daily_counts(today(), today())}
    assert counts == {("JNS", "received"): 2, ("JNS", "wiping"): 1, ("THJ", "received"): 1}
    await factories.bring_to(db, joensuu[1], State.WIPING)
    await take_snapshot(db)
    counts = {(r["site_code"], r["state"]): r["count"] for r in await daily_counts(today(), today())}
    assert counts[("JNS", "wiping")] == 2
    assert await DailyDeviceCount.count() == 3
    yesterday = today() - dt.timedelta(days=1)
    await take_snapshot(db, yesterday)
    assert {r["day"] for r in await daily_counts(yesterday, today())} == {yesterday, today()}


async def test_managers_read_the_daily_counts(db: Any, client: httpx.AsyncClient, headers_for: Any) -> None:
    await factories.donation(db, devices=2)
    await take_snapshot(db)
    coordinator = await headers_for(Role.COORDINATOR)
    answer = await client.get("/api/v1/statistics/daily", headers=coordinator)
    assert answer.status_code == 200
    assert answer.json() == [
        {"day": today().isoformat(), "site_code": "JNS", "state": "received", "count": 2}
    ]
    wrong = await client.get(
        "/api/v1/statistics/daily", params={"from": "2026-02-01", "to": "2026-01-01"}, headers=coordinator
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "from"
