"""A donor's list as an IT office sends it, through the API: previewed by the spreadsheet's own line
numbers with nothing written, then imported once the flagged lines are left out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from inventory.devices.tables import Device
from inventory.donations.tables import Donation
from inventory.permissions import Role
from tests import donor_sheets, factories

HeadersFor = Callable[..., Awaitable[dict[str, str]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_donor_list_is_previewed_by_line_then_imported_without_the_flagged_lines(
    client: httpx.AsyncClient, headers_for: HeadersFor
) -> None:
    trainee = await headers_for(Role.TRAINEE)
    site_id = await factories.site()
    donor_id = await factories.create_donor(factories.NewDonor(name="Kaupungin tietohallinto"))
    files = {"file": ("laitteet.xlsx", donor_sheets.donor_workbook(), XLSX)}

    preview = await client.post("/api/v1/donations/import/preview", files=files, headers=trainee)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["header_line"], body["units"]) == (donor_sheets.HEADER_LINE, {"ram": "mb", "storage": "gb"})
    status = {row["line"]: row["status"] for row in body["rows"]}
    assert status == {6: "ok", 7: "ok", 8: "ok", 10: "problem", 11: "problem", 12: "warning"}
    assert body["flagged_lines"] == list(donor_sheets.FLAGGED_LINES)
    duplicate = next(r for r in body["rows"] if r["line"] == donor_sheets.DUPLICATE_LINE)
    assert duplicate["problems"][0]["message"] == "Sama sarjanumero on rivillä 6."
    assert (body["device_count"], await Device.count()) == (4, 0)  # a preview writes nothing

    form = {"donor_id": str(donor_id), "site_id": str(site_id)}
    refused = await client.post("/api/v1/donations/import", files=files, data=form, headers=trainee)
    assert refused.status_code == 422
    assert "10, 11" in refused.json()["detail"]
    assert (await Device.count(), await Donation.count()) == (0, 0)

    not_a_row = await client.post(
        "/api/v1/donations/import", files=files, data={**form, "exclude_lines": "10, 11, 9"}, headers=trainee
    )
    assert (not_a_row.status_code, not_a_row.json()["field"]) == (422, "exclude_lines")

    imported = await client.post(
        "/api/v1/donations/import", files=files, data={**form, "exclude_lines": "10, 11"}, headers=trainee
    )
    assert imported.status_code == 201, imported.text
    tags = imported.json()["asset_tags"]
    assert len(tags) == len(donor_sheets.COMPUTER_LINES)
    device = (await client.get(f"/api/v1/devices/{tags[0]}", headers=trainee)).json()
    assert (device["serial"], device["ram_mb"]) == ("PF1K8Z3A", 8192)
    assert device["intake_condition"] == donor_sheets.CONDITION_OF_FIRST
    without_serial = (await client.get(f"/api/v1/devices/{tags[3]}", headers=trainee)).json()
    assert (without_serial["model"], without_serial["serial"]) == ("Esprimo P757", None)
