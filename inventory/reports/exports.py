"""CSV exports of devices and of events in the reader's language and Finnish time, safe to open in a
spreadsheet program (no formula injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

from inventory.choices import DEVICE_KIND_LABELS
from inventory.clock import HELSINKI
from inventory.devices.tables import Device, DeviceEvent
from inventory.event_kinds import EVENT_KINDS
from inventory.i18n import N_, gettext
from inventory.lifecycle import STATE_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"  # what Excel expects with Finnish and Swedish regional settings
BATCH = 1000
BOM = "\ufeff"  # tells Excel the file is UTF-8, so ä, ö and å show right

# (stored column, its heading): the headings are in the reader's language, times in Finnish time.
DEVICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("asset_tag", N_("Asset tag")),
    ("site", N_("Site")),
    ("kind", N_("Type")),
    ("make", N_("Make")),
    ("model", N_("Model")),
    ("serial", N_("Serial number")),
    ("cpu", N_("Processor")),
    ("ram_mb", N_("Memory (MB)")),
    ("condition_grade", N_("Condition")),
    ("state", N_("State")),
    ("cycle", N_("Cycle")),
    ("donation_id", N_("Donation")),
    ("loan_due_on", N_("Loan due")),
    ("state_changed_at", N_("State changed")),
    ("created_at", N_("Received")),
)
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", N_("Number")),
    ("asset_tag", N_("Asset tag")),
    ("at", N_("Time")),
    ("action", N_("What happened")),
    ("from_state", N_("State before")),
    ("to_state", N_("State after")),
    ("actor", N_("Who")),
    ("reason", N_("Reason")),
    ("details", N_("Details")),
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # Finnish time; spreadsheets read it as a date and time


def local_time(moment: dt.datetime | None) -> str | None:
    """A stored moment as Finnish time, e.g. "2026-12-04 10:15:00"."""
    return None if moment is None else moment.astimezone(HELSINKI).strftime(TIME_FORMAT)


def _label(labels: Mapping[Any, str], language: str) -> Callable[[Any], Any]:
    """A stored value in words (the choice sets' keys are StrEnums, equal to their stored strings)."""

    def translate(value: Any) -> Any:
        label = labels.get(value)
        return gettext(label, language) if label else value

    return translate


def _device_cells(language: str) -> dict[str, Callable[[Any], Any]]:
    state = _label(STATE_LABELS, language)
    return {
        "kind": _label(DEVICE_KIND_LABELS, language),
        "state": state,
        "state_changed_at": local_time,
        "created_at": local_time,
    }


def _event_cells(language: str) -> dict[str, Callable[[Any], Any]]:
    state = _label(STATE_LABELS, language)
    happened = {name: kind.happened for name, kind in EVENT_KINDS.items()}
    return {"at": local_time, "action": _label(happened, language), "from_state": state, "to_state": state}


def _rows(
    rows: Iterable[Mapping[str, Any]],
    columns: tuple[tuple[str, str], ...],
    cells: Mapping[str, Callable[[Any], Any]],
) -> list[list[Any]]:
    return [[cells.get(name, _same)(row[name]) for name, _ in columns] for row in rows]


def _same(value: Any) -> Any:
    return value


def _headings(columns: tuple[tuple[str, str], ...], language: str) -> list[str]:
    return [gettext(heading, language) for _, heading in columns]


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


async def devices_csv(language: str) -> AsyncIterator[str]:
    """Every device, one row each, in batches."""
    cells = _device_cells(language)
    yield BOM + csv_lines([_headings(DEVICE_COLUMNS, language)])
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
        yield csv_lines(_rows(rows, DEVICE_COLUMNS, cells))


async def events_csv(language: str) -> AsyncIterator[str]:
    """Every history entry of every device, oldest first, in batches."""
    cells = _event_cells(language)
    yield BOM + csv_lines([_headings(EVENT_COLUMNS, language)])
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
        yield csv_lines(_rows(rows, EVENT_COLUMNS, cells))
