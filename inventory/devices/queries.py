"""Read-only queries about devices: lists with filters, one device with its disks, its history."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from piccolo.columns.combination import And, Where
from piccolo.query.base import Query
from piccolo.query.functions.aggregate import Count

from inventory.actors import Actor
from inventory.choices import DeviceKind
from inventory.database import contains_text
from inventory.devices.reach import no_such_device
from inventory.devices.rows import DeviceErasureRow, DeviceEventRow, DeviceListRow, DeviceRow
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure
from inventory.lifecycle import State
from inventory.sites.reach import site_condition

DEVICE_LIST_COLUMNS = (
    Device.id,
    Device.asset_tag,
    Device.site.code.as_alias("site_code"),
    Device.kind,
    Device.make,
    Device.model,
    Device.serial,
    Device.state,
    Device.condition_grade,
    Device.donation,
    Device.state_changed_at,
)


@dataclass(frozen=True)
class DeviceFilter:
    """Which devices to list."""

    states: Sequence[State] = ()
    site_id: int | None = None
    donation_id: int | None = None
    kind: DeviceKind | None = None
    text: str = ""


def _free_text(text: str) -> str:
    # LIKE wildcards typed by a person are taken literally by removing them.
    return "".join(ch for ch in text.strip() if ch not in "%_\\")[:100]


def _conditions(device_filter: DeviceFilter) -> list[Where | And | Any]:
    conditions: list[Any] = []
    if device_filter.states:
        conditions.append(Device.state.is_in([s.value for s in device_filter.states]))
    if device_filter.site_id is not None:
        conditions.append(Device.site == device_filter.site_id)
    if device_filter.donation_id is not None:
        conditions.append(Device.donation == device_filter.donation_id)
    if device_filter.kind is not None:
        conditions.append(Device.kind == device_filter.kind.value)
    text = _free_text(device_filter.text)
    if text:
        conditions.append(
            contains_text(Device.asset_tag, text)
            | contains_text(Device.make, text)
            | contains_text(Device.model, text)
            | contains_text(Device.serial, text)
        )
    return conditions


def _apply(query: Query[Any, Any], conditions: list[Any]) -> Query[Any, Any]:
    for condition in conditions:
        query = query.where(condition)  # type: ignore[attr-defined]
    return query


async def list_devices(
    device_filter: DeviceFilter, actor: Actor, page: int = 1, per_page: int = 50
) -> tuple[list[DeviceListRow], int]:
    """One page of the actor's reachable devices matching the filter, newest tag first, and how many in all."""
    conditions = _conditions(device_filter)
    in_reach = site_condition(actor, Device.site)
    if in_reach is not None:
        conditions.append(in_reach)
    rows = await _apply(
        Device.select(*DEVICE_LIST_COLUMNS)
        .order_by(Device.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page),
        conditions,
    )
    total = await _apply(Device.count(), conditions)
    return cast(list[DeviceListRow], rows), int(total)


# The device and its disks, written out: reading a device is what follows every scan, and building
# Piccolo's joined selects cost more than running them (benchmarks/scan.py measures it). Both queries go by
# the tag, so they run at once. tests/inventory/test_device_read.py checks they answer what Piccolo's
# selects do.
DEVICE_BY_TAG = (
    "SELECT d.*, s.code AS site_code FROM device d LEFT JOIN site s ON s.id = d.site WHERE d.asset_tag = {}"
)
DISKS_BY_TAG = (
    "SELECT k.*, (SELECT e.certificate_number FROM erasure_disk ed JOIN erasure e ON e.id = ed.erasure"
    " WHERE ed.disk = k.id AND e.device = d.id AND e.cycle = d.cycle AND e.passed AND ed.verified"
    " ORDER BY e.id DESC LIMIT 1) AS erasure_certificate"
    " FROM disk k JOIN device d ON d.id = k.device WHERE d.asset_tag = {} ORDER BY k.id"
)


async def device_id_of(asset_tag: str) -> int:
    """The id of the device with this tag (as printed)."""
    device = await Device.select(Device.id).where(Device.asset_tag == asset_tag).first()
    if device is None:
        raise no_such_device(asset_tag)
    return int(device["id"])


async def get_device(asset_tag: str) -> DeviceRow:
    """One device with its site code and disks (each disk with the certificate of its erasure this cycle)."""
    device_query, disk_query = Device.raw(DEVICE_BY_TAG, asset_tag), Disk.raw(DISKS_BY_TAG, asset_tag)
    if Device._meta.db.transaction_exists():  # one connection: one query at a time
        devices, disks = await device_query, await disk_query
    else:
        devices, disks = await asyncio.gather(device_query.run(), disk_query.run())
    if not devices:
        raise no_such_device(asset_tag)
    return cast(DeviceRow, {**devices[0], "disks": [dict(disk) for disk in disks]})


async def device_events(device_id: int) -> list[DeviceEventRow]:
    """A device's whole history, oldest first."""
    return cast(
        list[DeviceEventRow],
        await DeviceEvent.select(
            DeviceEvent.id,
            DeviceEvent.action,
            DeviceEvent.from_state,
            DeviceEvent.to_state,
            DeviceEvent.actor,
            DeviceEvent.at,
            DeviceEvent.reason,
            DeviceEvent.details,
        )
        .where(DeviceEvent.device == device_id)
        .order_by(DeviceEvent.id)
        .output(load_json=True),
    )


async def device_erasures(device_id: int) -> list[DeviceErasureRow]:
    """Every erasure of a device, newest first."""
    return cast(
        list[DeviceErasureRow],
        await Erasure.select(
            Erasure.id,
            Erasure.certificate_number,
            Erasure.cycle,
            Erasure.passed,
            Erasure.method,
            Erasure.tool,
            Erasure.source,
            Erasure.finished_at,
        )
        .where(Erasure.device == device_id)
        .order_by(Erasure.id, ascending=False),
    )


async def device_counts_by_site() -> dict[int, int]:
    """How many devices each site holds, by site id (a site with none is left out)."""
    counts = await Device.select(Device.site, Count(Device.id).as_alias("n")).group_by(Device.site)
    return {row["site"]: row["n"] for row in counts}


async def device_counts_by_state() -> list[tuple[State, int]]:
    """How many devices are in each state, every state in the lifecycle's order (none: 0)."""
    rows = await Device.select(Device.state, Count(Device.id).as_alias("n")).group_by(Device.state)
    counts = {row["state"]: row["n"] for row in rows}
    return [(state, counts.get(state.value, 0)) for state in State]
