"""Donations from the browser: rows entered by hand, a spreadsheet checked row by row before it is imported."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from inventory.devices.tables import Device, Disk
from inventory.donations.services import NewDonor, create_donor
from inventory.donations.tables import Donation, Donor
from inventory.permissions import Role
from tests import donor_sheets, factories
from tests.ui.conftest import HTML, log_in, post_form, text_of

GOOD_CSV = "Merkki;Malli;Sarjanumero;Muisti;Levy\nLenovo;T480;PF0A1;8 GB;256 GB SSD\nDell;Latitude 5490;DL0B2;16;512 GB NVMe\n"
BAD_CSV = "Merkki;Malli;Sarjanumero;Muisti\nLenovo;T480;PF0A1;kahdeksan\n"


async def _donor_and_site() -> tuple[int, int]:
    return await create_donor(NewDonor(name="Kaupunki Oy")), await factories.site()


async def test_a_donation_is_entered_row_by_row(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    donor_id, site_id = await _donor_and_site()
    await log_in(client, trainee)
    form = await client.get("/donations/new", headers=HTML)
    assert form.status_code == 200
    assert form.text.count("<tr data-row>") == 5 + 1  # five rows and the template for more
    response = await post_form(
        client,
        "/donations/new",
        [
            ("donor_id", str(donor_id)),
            ("site_id", str(site_id)),
            ("received_on", ""),
            ("reference", "Lähete 7"),
            ("notes", ""),
            *[
                (name, value)
                for name, value in (
                    ("kind", "laptop"),
                    ("make", "HP"),
                    ("model", "EliteBook 840"),
                    ("serial", "5cg1"),
                    ("cpu", ""),
                    ("ram_gb", "8"),
                    ("disk_gb", "256"),
                    ("disk_kind", "ssd"),
                )
            ],
            *[
                (name, value)
                for name, value in (
                    ("kind", "laptop"),
                    ("make", ""),
                    ("model", ""),
                    ("serial", ""),
                    ("cpu", ""),
                    ("ram_gb", ""),
                    ("disk_gb", ""),
                    ("disk_kind", "ssd"),
                )
            ],
        ],
    )
    assert response.status_code == 303, text_of(response.text)
    assert re.fullmatch(r"/donations/\d+\?created=1", response.headers["location"])
    device = await Device.select(Device.serial, Device.ram_mb, Device.make).first()
    assert device == {"serial": "5CG1", "ram_mb": 8192, "make": "HP"}
    assert await Disk.select(Disk.size_bytes).first() == {"size_bytes": 256 * 10**9}
    detail = await client.get(response.headers["location"], headers=HTML)
    assert "Lahjoitus on tallennettu" in text_of(detail.text)


async def test_a_mistake_on_a_row_comes_back_under_that_field(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    donor_id, site_id = await _donor_and_site()
    await log_in(client, trainee)
    response = await post_form(
        client,
        "/donations/new",
        {
            "donor_id": donor_id,
            "site_id": site_id,
            "make": "HP",
            "model": "x",
            "serial": "",
            "ram_gb": "lots",
            "kind": "laptop",
            "disk_kind": "ssd",
        },
    )
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="f-row-0-ram_gb-error"' in response.text
    assert 'value="HP"' in response.text  # what was typed stays
    assert await Donation.count() == 0
    more = await post_form(client, "/donations/new", {"donor_id": donor_id, "make": "HP", "add_rows": "1"})
    assert more.status_code == 200
    assert more.text.count("<tr data-row>") == 1 + 5 + 1


async def test_an_import_is_previewed_row_by_row_then_saved(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    donor_id, site_id = await _donor_and_site()
    await log_in(client, trainee)
    fields = {
        "donor_id": str(donor_id),
        "site_id": str(site_id),
        "received_on": "",
        "reference": "",
        "_csrf_token": client.cookies["kierto_csrf"],
    }
    bad = await client.post(
        "/donations/import/preview",
        data=fields,
        files={"file": ("list.csv", BAD_CSV.encode(), "text/csv")},
        headers=HTML,
    )
    assert bad.status_code == 200
    assert "1 rivillä on ongelmia." in text_of(bad.text)
    assert 'name="payload"' not in bad.text
    good = await client.post(
        "/donations/import/preview",
        data=fields,
        files={"file": ("list.csv", GOOD_CSV.encode(), "text/csv")},
        headers=HTML,
    )
    assert "2 laitetta voidaan tuoda." in text_of(good.text)
    assert await Device.count() == 0  # the preview saves nothing
    payload = re.search(r'name="payload" value="([^"]+)"', good.text)
    assert payload is not None
    imported = await post_form(
        client,
        "/donations/import",
        {**{k: v for k, v in fields.items() if k != "_csrf_token"}, "payload": payload.group(1)},
    )
    assert imported.status_code == 303
    assert sorted(r["serial"] for r in await Device.select(Device.serial)) == ["DL0B2", "PF0A1"]
    tampered = await post_form(
        client, "/donations/import", {"donor_id": donor_id, "site_id": site_id, "payload": "not base64!"}
    )
    assert tampered.status_code == 422
    assert await Donation.count() == 1


async def test_a_donor_list_is_imported_without_its_flagged_lines_and_the_condition_reaches_the_bench(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    donor_id, site_id = await _donor_and_site()
    await log_in(client, trainee)
    fields = {"donor_id": str(donor_id), "site_id": str(site_id), "received_on": "", "reference": "syksy"}
    preview = await client.post(
        "/donations/import/preview",
        data={**fields, "_csrf_token": client.cookies["kierto_csrf"]},
        files={"file": ("lista.xlsx", donor_sheets.donor_workbook(), "application/octet-stream")},
        headers=HTML,
    )
    assert preview.status_code == 200
    page = html.unescape(text_of(preview.text)).replace(" :", ":")
    summary = page[: page.index("Sarakkeet")]  # the problems come first, before columns and rows
    assert "Rivi 10: Tyyppi: 'Näyttö' ei ole tietokone" in summary
    assert "Rivi 11: Sarjanumero: Sama sarjanumero on rivillä 6." in summary
    assert "Rivi 12: Sarjanumero puuttuu" in summary
    assert 'href="#line-10"' in preview.text
    assert 'id="line-10"' in preview.text
    assert "Otsikkorivi on rivi 5." in page
    again = re.search(r'href="(/donations/import\?[^"]+)"', preview.text)
    assert again is not None
    upload_page = await client.get(again.group(1).replace("&amp;", "&"), headers=HTML)
    assert f'<option value="{donor_id}" selected' in upload_page.text
    assert 'value="syksy"' in upload_page.text
    payload = re.search(r'name="payload" value="([^"]+)"', preview.text)
    excluded = re.search(r'name="exclude_lines" value="([^"]*)"', preview.text)
    assert payload is not None
    assert excluded is not None
    assert excluded.group(1) == "10,11"
    imported = await post_form(
        client,
        "/donations/import",
        {**fields, "payload": payload.group(1), "exclude_lines": excluded.group(1)},
    )
    assert imported.status_code == 303, imported.text
    assert await Device.count() == len(donor_sheets.COMPUTER_LINES)
    first = await Device.select(Device.asset_tag).where(Device.serial == "PF1K8Z3A").first()
    assert first is not None
    detail = await client.get(f"/devices/{first['asset_tag']}", headers=HTML)
    assert "Kunto vastaanotettaessa" in text_of(detail.text)
    assert donor_sheets.CONDITION_OF_FIRST in text_of(detail.text)


async def test_donors_are_kept_by_coordinators(db: Any, client: httpx.AsyncClient) -> None:
    coordinator = await factories.user(Role.COORDINATOR)
    await log_in(client, coordinator)
    wrong = await post_form(
        client, "/donors", {"name": "Yritys Oy", "kind": "organisation", "email": "not an address"}
    )
    assert wrong.status_code == 422
    assert 'id="f-email-error"' in wrong.text
    saved = await post_form(
        client,
        "/donors",
        {"name": "Yritys Oy", "kind": "organisation", "email": "it@yritys.fi", "phone": "+358 40 1"},
    )
    assert saved.status_code == 303
    assert await Donor.select(Donor.name, Donor.email).first() == {
        "name": "Yritys Oy",
        "email": "it@yritys.fi",
    }
    listing = await client.get("/donors", headers=HTML)
    assert "it@yritys.fi" in listing.text
