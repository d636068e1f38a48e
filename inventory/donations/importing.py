"""Intake from a donor's spreadsheet: a dry run that shows every row's problems, and an all-or-nothing run."""

from __future__ import annotations

import dataclasses
import datetime as dt

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.devices.intake import normalise_serial
from inventory.devices.tables import Device
from inventory.donations.services import DonationCreated, NewDonation, create_donation
from inventory.donations.spreadsheet import Problem, Sheet, SheetRow, read_sheet
from inventory.errors import InvalidInput
from inventory.permissions import N_


async def _with_known_serials(sheet: Sheet) -> Sheet:
    serials = {normalise_serial(row.cells.get("serial")) for row in sheet.rows} - {None}
    if not serials:
        return sheet
    known = await Device.select(Device.serial, Device.asset_tag).where(Device.serial.is_in(list(serials)))
    tag_by_serial = {row["serial"]: row["asset_tag"] for row in known}
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


async def preview_import(data: bytes) -> Sheet:
    """Read the list and report what would be created and every row's problems; writes nothing."""
    return await _with_known_serials(read_sheet(data))


async def run_import(
    engine: Engine,  # type: ignore[type-arg]
    data: bytes,
    donor_id: int,
    site_id: int,
    actor: Actor,
    received_on: dt.date | None = None,
    reference: str = "",
) -> tuple[Sheet, DonationCreated]:
    """Create the donation and all its devices, or nothing if any row has a problem."""
    sheet = await preview_import(data)
    if sheet.problem_count:
        raise InvalidInput(
            "file",
            N_("The list has {count} problem(s); fix them and import again. Nothing was saved."),
            {"count": sheet.problem_count},
        )
    if not sheet.rows:
        raise InvalidInput("file", N_("The list has no devices."))
    devices = tuple(row.device for row in sheet.rows if row.device is not None)
    created = await create_donation(
        engine,
        NewDonation(
            donor_id=donor_id, site_id=site_id, received_on=received_on, reference=reference, devices=devices
        ),
        actor,
    )
    return sheet, created
