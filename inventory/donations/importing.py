"""Intake from a donor's spreadsheet: a dry run that shows every row's problems, and a run that imports
every row or nothing, after the coordinator has left out the lines that cannot be imported."""

from __future__ import annotations

import dataclasses
import datetime as dt

from inventory.actors import Actor
from inventory.database import AnyEngine
from inventory.devices.intake import normalise_serial
from inventory.devices.tables import Device
from inventory.donations.services import DonationCreated, NewDonation, create_donation
from inventory.donations.spreadsheet import Problem, Sheet, SheetRow, read_sheet
from inventory.errors import InvalidInput
from inventory.i18n import N_
from inventory.sites.reach import require_site

# Serials asked about per query: well below any database's limit on bound values.
SERIAL_BATCH = 500


async def _tags_by_serial(serials: list[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for start in range(0, len(serials), SERIAL_BATCH):
        batch = serials[start : start + SERIAL_BATCH]
        known = await Device.select(Device.serial, Device.asset_tag).where(Device.serial.is_in(batch))
        tags.update({row["serial"]: row["asset_tag"] for row in known})
    return tags


async def _with_known_serials(sheet: Sheet) -> Sheet:
    serials = {normalise_serial(row.cells.get("serial")) for row in sheet.rows} - {None}
    if not serials:
        return sheet
    tag_by_serial = await _tags_by_serial(sorted(s for s in serials if s))
    rows: list[SheetRow] = []
    for row in sheet.rows:
        tag = tag_by_serial.get(normalise_serial(row.cells.get("serial")) or "")
        if not tag:
            rows.append(row)
            continue
        problem = Problem(
            "serial", N_("A device with this serial is already registered as {tag}."), {"tag": tag}
        )
        rows.append(dataclasses.replace(row, device=None, problems=(*row.problems, problem)))
    return dataclasses.replace(sheet, rows=tuple(rows))


def _kept_rows(sheet: Sheet, exclude_lines: frozenset[int]) -> list[SheetRow]:
    device_lines = {row.line for row in sheet.rows}
    unknown = sorted(exclude_lines - device_lines)
    if unknown:
        raise InvalidInput(
            "exclude_lines",
            N_("Line {line} is not a device row of this list; check the lines to leave out."),
            {"line": unknown[0]},
        )
    return [row for row in sheet.rows if row.line not in exclude_lines]


def parse_lines(text: str) -> frozenset[int]:
    """Line numbers as a person types them: "5, 9 12" is {5, 9, 12}."""
    lines: set[int] = set()
    for part in text.replace(",", " ").replace(";", " ").split():
        if not part.isdigit() or not 0 < int(part) < 10**7:
            raise InvalidInput("exclude_lines", N_("Give the lines to leave out as numbers, e.g. 5, 9."))
        lines.add(int(part))
    return frozenset(lines)


async def preview_import(data: bytes) -> Sheet:
    """Read the list and report what would be created and every row's problems; writes nothing."""
    return await _with_known_serials(read_sheet(data))


async def run_import(
    engine: AnyEngine,
    data: bytes,
    donor_id: int,
    site_id: int,
    actor: Actor,
    received_on: dt.date | None = None,
    reference: str = "",
    exclude_lines: frozenset[int] = frozenset(),
) -> tuple[Sheet, DonationCreated]:
    """Create the donation and the devices of every row not left out, or nothing if a row has a problem."""
    require_site(actor, site_id)
    sheet = await preview_import(data)
    rows = _kept_rows(sheet, exclude_lines)
    flagged = [row.line for row in rows if row.problems]
    if flagged:
        raise InvalidInput(
            "file",
            N_(
                "Line(s) {lines} of the list have problems: fix them, or leave those lines out,"
                " and import again. Nothing was saved."
            ),
            {"lines": ", ".join(str(line) for line in flagged[:20]) + (" …" if len(flagged) > 20 else "")},
        )
    if not rows:
        raise InvalidInput("file", N_("The list has no devices."))
    devices = tuple(row.device for row in rows if row.device is not None)
    created = await create_donation(
        engine,
        NewDonation(
            donor_id=donor_id, site_id=site_id, received_on=received_on, reference=reference, devices=devices
        ),
        actor,
    )
    return sheet, created
