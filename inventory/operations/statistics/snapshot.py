"""The nightly snapshot: count devices by site and state and keep the counts as that day's row set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.query.functions.aggregate import Count

from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.devices.tables import Device
from inventory.operations.scheduling.job_definition import JobContext
from inventory.operations.statistics.tables import DailyDeviceCount


async def take_snapshot(engine: AnyEngine, day: dt.date | None = None) -> int:
    """Replace the day's counts with the current ones (so a rerun is harmless); returns the rows written."""
    day = day or today()
    moment = now()
    async with write_transaction(engine):
        rows = await Device.select(Device.site, Device.state, Count(Device.id).as_alias("n")).group_by(
            Device.site, Device.state
        )
        await DailyDeviceCount.delete().where(DailyDeviceCount.day == day)
        if rows:
            await DailyDeviceCount.insert(
                *(
                    DailyDeviceCount(
                        day=day, site=row["site"], state=row["state"], devices=row["n"], taken_at=moment
                    )
                    for row in rows
                )
            )
    return len(rows)


async def statistics_snapshot(context: JobContext) -> int:
    """The job: today's counts."""
    return await take_snapshot(context.engine)


async def daily_counts(since: dt.date, until: dt.date, site_id: int | None = None) -> list[dict[str, Any]]:
    """Counts by day, site and state between two days (inclusive), oldest first."""
    condition = (DailyDeviceCount.day >= since) & (DailyDeviceCount.day <= until)
    if site_id is not None:
        condition &= DailyDeviceCount.site == site_id
    return list(
        await DailyDeviceCount.select(
            DailyDeviceCount.day,
            DailyDeviceCount.site.code.as_alias("site_code"),
            DailyDeviceCount.state,
            DailyDeviceCount.devices.as_alias("count"),
        )
        .where(condition)
        .order_by(DailyDeviceCount.day)
        .order_by(DailyDeviceCount.site.code)
        .order_by(DailyDeviceCount.state)
    )
