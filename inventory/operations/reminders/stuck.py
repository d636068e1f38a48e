"""Devices stuck in a step: a device that stays in a state longer than that state's threshold is reported
to its site's coordinators, once per stay, in one digest per site and run."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.tables import Device
from inventory.devices.waiting import any_of, thresholds_by_step, waiting_too_long
from inventory.operations.notifications.kinds import MAX_LISTED_DEVICES
from inventory.operations.notifications.services import coordinators_of, notify
from inventory.operations.reminders.tables import StuckNotice
from inventory.operations.scheduling.job_definition import JobContext

KEY_CHUNK = 500


def stay_key(row: dict[str, Any]) -> str:
    """One stay of a device in a state: the same until the device moves on."""
    return f"{row['id']}:{row['state']}:{row['state_changed_at'].isoformat()}"


async def past_their_threshold(thresholds: dict[str, int], moment: dt.datetime) -> list[dict[str, Any]]:
    """Every device that has waited at a watched step longer than its threshold, longest first."""
    conditions = waiting_too_long(thresholds_by_step(thresholds), moment)
    if not conditions:
        return []
    return list(
        await Device.select(
            Device.id,
            Device.asset_tag,
            Device.state,
            Device.state_changed_at,
            Device.site,
            Device.site.code.as_alias("site_code"),
            Device.site.name.as_alias("site_name"),
        )
        .where(any_of(conditions))
        .order_by(Device.state_changed_at)
    )


async def _already_reported(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        rows = await StuckNotice.select(StuckNotice.key).where(
            StuckNotice.key.is_in(keys[start : start + KEY_CHUNK])
        )
        found.update(row["key"] for row in rows)
    return found


async def notify_stuck_devices(context: JobContext) -> dict[str, int]:
    """Report newly stuck devices to each site's coordinators (administrators when a site has none)."""
    moment = now()
    stuck = await past_their_threshold(context.operations.stuck_days, moment)
    by_site: dict[int, list[dict[str, Any]]] = defaultdict(list)
    async with write_transaction(context.engine):
        reported = await _already_reported([stay_key(row) for row in stuck])
        for row in stuck:
            if stay_key(row) not in reported:
                by_site[row["site"]].append(row)
        notified = 0
        for site_id, rows in sorted(by_site.items()):
            for row in rows:
                await StuckNotice.insert(
                    StuckNotice(device=row["id"], key=stay_key(row), state=row["state"], notified_at=moment)
                ).on_conflict(target=StuckNotice.key, action="DO NOTHING")
            devices = [
                {
                    "tag": row["asset_tag"],
                    "state": row["state"],
                    "days": (moment - row["state_changed_at"]).days,
                }
                for row in rows[:MAX_LISTED_DEVICES]
            ]
            notified += await notify(
                await coordinators_of(site_id),
                "devices_stuck",
                {
                    "site_code": rows[0]["site_code"],
                    "site_name": rows[0]["site_name"],
                    "count": len(rows),
                    "devices": devices,
                },
                context.operations,
                link="/devices"
                if len({row["state"] for row in rows}) > 1
                else f"/devices?state={rows[0]['state']}",
                dedup_key=f"devices_stuck:{site_id}:{stay_key(rows[0])}:{len(rows)}",
            )
    return {"stuck": len(stuck), "new": sum(len(rows) for rows in by_site.values()), "notified": notified}
