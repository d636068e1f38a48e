"""CSV exports of devices and of events, safe to open in a spreadsheet program (no formula injection)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from inventory.devices.tables import Device, DeviceEvent

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"  # what Excel expects with Finnish and Swedish regional settings
BATCH = 1000
BOM = "\ufeff"  # tells Excel the file is UTF-8, so ä, ö and å show right

DEVICE_COLUMNS = (
    "asset_tag",
    "site",
    "kind",
    "make",
    "model",
    "serial",
    "cpu",
    "ram_mb",
    "condition_grade",
    "state",
    "cycle",
    "donation_id",
    "loan_due_on",
    "state_changed_at",
    "created_at",
)
EVENT_COLUMNS = ("id", "asset_tag", "at", "action", "from_state", "to_state", "actor", "reason", "details")


def neutralise(value: Any) -> str:
    """A cell as text; one that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


async def devices_csv() -> AsyncIterator[str]:
    """Every device, one row each, in batches."""
    yield BOM + csv_lines([DEVICE_COLUMNS])
    last = 0
    while True:
        rows = (
            await Device.select(
                Device.id,
                Device.asset_tag,
                Device.site.code.as_alias("site"),
                Device.kind,
                Device.make,
                Device.model,
                Device.serial,
                Device.cpu,
                Device.ram_mb,
                Device.condition_grade,
                Device.state,
                Device.cycle,
                Device.donation.as_alias("donation_id"),
                Device.loan_due_on,
                Device.state_changed_at,
                Device.created_at,
            )
            .where(Device.id > last)
            .order_by(Device.id)
            .limit(BATCH)
        )
        if not rows:
            return
        last = rows[-1]["id"]
        yield csv_lines([row[name] for name in DEVICE_COLUMNS] for row in rows)


async def events_csv() -> AsyncIterator[str]:
    """Every history entry of every device, oldest first, in batches."""
    yield BOM + csv_lines([EVENT_COLUMNS])
    last = 0
    while True:
        rows = (
            await DeviceEvent.select(
                DeviceEvent.id,
                DeviceEvent.device.asset_tag.as_alias("asset_tag"),
                DeviceEvent.at,
                DeviceEvent.action,
                DeviceEvent.from_state,
                DeviceEvent.to_state,
                DeviceEvent.actor,
                DeviceEvent.reason,
                DeviceEvent.details,
            )
            .where(DeviceEvent.id > last)
            .order_by(DeviceEvent.id)
            .limit(BATCH)
            .output(load_json=True)
        )
        if not rows:
            return
        last = rows[-1]["id"]
        yield csv_lines([row[name] for name in EVENT_COLUMNS] for row in rows)
