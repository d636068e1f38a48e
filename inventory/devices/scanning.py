"""Resolve what a scanner or a person typed to a device: an asset tag in any form, or a serial number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from inventory.devices.asset_tags import likely_intended, normalise_scan, parse_tag, read_lookalikes
from inventory.devices.queries import DEVICE_LIST_COLUMNS
from inventory.devices.rows import DeviceListRow
from inventory.devices.tables import Device
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.i18n import N_

MAX_SCAN_LENGTH = 100

# The DEVICE_LIST_COLUMNS of the device with an asset tag, written out: a scan is the most frequent
# request at the bench, and building Piccolo's joined select cost more than running it (benchmarks/scan.py).
# tests/inventory/test_api.py checks it answers what DEVICE_LIST_COLUMNS does.
BY_TAG = (
    "SELECT d.id, d.asset_tag, s.code AS site_code, d.kind, d.make, d.model, d.serial, d.state,"
    " d.condition_grade, d.donation, d.state_changed_at"
    " FROM device d LEFT JOIN site s ON s.id = d.site WHERE d.asset_tag = {}"
)


@dataclass(frozen=True)
class ScanMatch:
    """The device found and how: by its asset tag or by the manufacturer's serial number."""

    device_id: int
    asset_tag: str
    matched_by: str
    row: DeviceListRow = field(compare=False)


async def resolve_scan(code: str) -> ScanMatch:
    """Find the device for a scanned or typed code, refusing a tag whose check character is wrong."""
    text = normalise_scan(code)
    if not text or len(text) > MAX_SCAN_LENGTH:
        raise InvalidInput("code", N_("Scan or type an asset tag or a serial number."))
    tag = parse_tag(text)
    if tag is not None and not tag.check_matches:
        suggestions = await _existing(likely_intended(tag))
        if suggestions:
            raise Conflict(
                N_("The check character of {typed} does not match. Did you mean {suggestion}?"),
                {"typed": text, "suggestion": suggestions[0]},
                code="check_mismatch",
            )
        raise Conflict(
            N_("The check character of {typed} does not match. Check the tag and type it again."),
            {"typed": text},
            code="check_mismatch",
        )
    if tag is not None:
        # One query answers a scan (it is the most frequent request at the bench).
        by_tag: list[DeviceListRow] = await Device.raw(BY_TAG, tag.canonical)
        if by_tag:
            return ScanMatch(by_tag[0]["id"], by_tag[0]["asset_tag"], "asset_tag", by_tag[0])
    rows = cast(
        list[DeviceListRow], await Device.select(*DEVICE_LIST_COLUMNS).where(Device.serial == text).limit(3)
    )
    if len(rows) == 1:
        return ScanMatch(rows[0]["id"], rows[0]["asset_tag"], "serial", rows[0])
    if len(rows) > 1:
        raise Conflict(
            N_("Several devices have the serial {serial}: scan the asset tag instead."),
            {"serial": text},
            code="ambiguous_serial",
        )
    meant = read_lookalikes(text) if tag is None else None
    if meant is not None:
        suggestions = await _existing([meant.canonical] if meant.check_matches else likely_intended(meant))
        if suggestions:
            raise NotFound(
                N_("No device has the tag or serial {code}. Did you mean {suggestion}?"),
                {"code": text, "suggestion": suggestions[0]},
                code="did_you_mean",
            )
    raise NotFound(N_("No device has the tag or serial {code}."), {"code": text})


async def _existing(tags: list[str]) -> list[str]:
    if not tags:
        return []
    rows = await Device.select(Device.asset_tag).where(Device.asset_tag.is_in(tags))
    found = {row["asset_tag"] for row in rows}
    return [tag for tag in tags if tag in found]
