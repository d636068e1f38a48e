"""Labels from the service: the right devices, stock and position, readable codes, a history entry each."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import zxingcpp
from pypdf import PdfReader

from inventory.devices.tables import DeviceEvent
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.sites.tables import Site
from labels import get_stock
from tests import factories
from tests.documents.helpers import decoded_symbols, pdf_text, star_site_code, wipe
from tests.labels.pdf_reading import mm_to_px, render_pages

BASE_URL = "http://127.0.0.1:8000"


async def test_a_star_tag_label_reads_back_as_the_tag_and_the_escaped_device_url(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    site = star_site_code()
    created = await factories.donation(db, devices=1, site_code=site)
    tag = created.asset_tags[0]
    assert tag.endswith("-*")
    headers = await headers_for(Role.TRAINEE, site_code=site)
    response = await client.post(
        "/api/v1/labels/pdf", json={"tags": [tag.lower()], "stock": "brother-62x29"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="tarrat-{tag[:-1]}_.pdf"'
    )
    url = f"{BASE_URL}/devices/{quote(tag, safe='')}"
    assert url.endswith("-%2A")
    assert decoded_symbols(response.content) == [{"Code 128": tag, "QR Code": url}]
    assert "Lenovo ThinkPad T480 · i5-8250U · 8 GB · 256 GB NVME" in pdf_text(response.content)
    # The QR code's address opens the device's page.
    page = await client.get(url.removeprefix(BASE_URL), headers=headers)
    assert page.status_code == 200
    assert tag in page.text


async def test_printing_is_an_activity_in_each_devices_history_and_reprints_the_same_bytes(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=2)
    headers = await headers_for(Role.TRAINEE, language=Language.SV)
    body = {"tags": list(created.asset_tags), "stock": "dymo-54x25"}
    first = await client.post("/api/v1/labels/pdf", json=body, headers=headers)
    again = await client.post("/api/v1/labels/pdf", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert 'filename="etiketter-' in first.headers["content-disposition"]
    for tag in created.asset_tags:
        events = (await client.get(f"/api/v1/devices/{tag}/events", headers=headers)).json()
        printed = [event for event in events if event["action"] == "label_printed"]
        assert len(printed) == 2
        assert printed[0]["from_state"] == printed[0]["to_state"] == "received"
        assert printed[0]["details"] == {"stock": "dymo-54x25", "to": "pdf", "labels": 2}
    assert await DeviceEvent.count().where(DeviceEvent.action == "label_printed") == 4


async def test_a_whole_donation_on_a_half_used_sheet_starts_at_the_first_free_label(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=3)
    headers = await headers_for(Role.COORDINATOR)
    response = await client.post(
        "/api/v1/labels/pdf",
        json={"donation_id": created.id, "stock": "a4-70x37", "start_position": 22},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert f'filename="tarrat-lahjoitus-{created.id}.pdf"' in response.headers["content-disposition"]
    stock = get_stock("a4-70x37")
    pages = render_pages(response.content, 300)
    assert len(pages) == 2
    found = []
    for index, tag in enumerate(created.asset_tags):
        page, position = divmod(22 + index, stock.labels_per_page)
        x, y = stock.label_origin_mm(position)
        box = (
            mm_to_px(x, 300),
            mm_to_px(stock.page_height_mm - y - stock.label_height_mm, 300),
            mm_to_px(x + stock.label_width_mm, 300),
            mm_to_px(stock.page_height_mm - y, 300),
        )
        decoded = {str(r.format): r.text for r in zxingcpp.read_barcodes(pages[page].crop(box))}
        found.append(decoded.get("Code 128"))
        assert decoded.get("QR Code") == f"{BASE_URL}/devices/{tag}"
    assert found == list(created.asset_tags)


async def test_the_stock_defaults_to_the_one_an_administrator_set_for_the_users_site(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    site = await Site.select(Site.id).where(Site.code == "JNS").first()
    assert site is not None
    admin = await headers_for(Role.ADMIN, language=Language.EN)
    bad = await client.patch(
        f"/api/v1/sites/{site['id']}", json={"printer_queue": "Brother QL"}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "printer_queue"
    unknown = await client.patch(f"/api/v1/sites/{site['id']}", json={"label_stock": "zebra"}, headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "label_stock"
    changed = await client.patch(
        f"/api/v1/sites/{site['id']}", json={"label_stock": "dymo-54x25"}, headers=admin
    )
    assert changed.status_code == 200
    assert changed.json()["label_stock"] == "dymo-54x25"
    headers = await headers_for(Role.TRAINEE)
    response = await client.post(
        "/api/v1/labels/pdf", json={"tags": list(created.asset_tags)}, headers=headers
    )
    events = (await client.get(f"/api/v1/devices/{created.asset_tags[0]}/events", headers=headers)).json()
    assert events[-1]["details"]["stock"] == "dymo-54x25"
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((54 / 25.4 * 72, 25 / 25.4 * 72))


async def test_refusals_name_what_is_wrong(db: Any, client: httpx.AsyncClient, headers_for: Any) -> None:
    created = await factories.donation(db, devices=1)
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    tag = created.asset_tags[0]
    unknown = await client.post("/api/v1/labels/pdf", json={"tags": [tag, "JNS-999999-0"]}, headers=headers)
    assert unknown.status_code == 404
    assert "JNS-999999-0" in unknown.json()["detail"]
    stock = await client.post(
        "/api/v1/labels/pdf", json={"tags": [tag], "stock": "zebra-1x1"}, headers=headers
    )
    assert stock.status_code == 422
    assert stock.json()["field"] == "stock"
    assert "brother-62x29" in stock.json()["detail"]
    position = await client.post(
        "/api/v1/labels/pdf", json={"tags": [tag], "stock": "a4-70x37", "start_position": 24}, headers=headers
    )
    assert position.status_code == 422
    assert position.json()["field"] == "start_position"
    nothing = await client.post("/api/v1/labels/pdf", json={}, headers=headers)
    assert nothing.status_code == 422
    no_printer = await client.post("/api/v1/labels/print", json={"tags": [tag]}, headers=headers)
    assert no_printer.status_code == 409
    assert "No label printer is set for Joensuu" in no_printer.json()["detail"]
    assert await DeviceEvent.count().where(DeviceEvent.action == "label_printed") == 0


async def test_the_label_page_downloads_or_shows_the_refusal(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    headers = await headers_for(Role.TRAINEE)
    form = await client.get(f"/labels?tag={created.asset_tags[0]}", headers=headers)
    assert form.status_code == 200
    assert created.asset_tags[0] in form.text
    download = await client.post(
        "/labels",
        data={"tags": created.asset_tags[0], "stock": "brother-62x29", "start": "1", "send": "pdf"},
        headers=headers,
    )
    assert download.status_code == 200
    assert decoded_symbols(download.content)[0]["Code 128"] == created.asset_tags[0]
    refused = await client.post(
        "/labels", data={"tags": "JNS-424242", "send": "pdf"}, headers={**headers, "accept": "text/html"}
    )
    assert refused.status_code == 404
    assert "JNS-424242" in refused.text
    assert 'role="alert"' in refused.text


async def test_the_device_page_offers_labels_and_certificates_to_the_bench_only(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    created = await factories.donation(db, devices=1)
    tag = created.asset_tags[0]
    trainee = await factories.user(Role.TRAINEE)
    number = await wipe(db, tag, trainee)
    bench = {**await headers_for(Role.TRAINEE, language=Language.EN), "accept": "text/html"}
    page = await client.get(f"/devices/{tag}", headers=bench)
    assert "Print label" in page.text
    assert f"/api/v1/erasures/{number}/certificate?language=en" in page.text
    counsellor = {**await headers_for(Role.COUNSELLOR, language=Language.EN), "accept": "text/html"}
    page = await client.get(f"/devices/{tag}", headers=counsellor)
    assert page.status_code == 200
    assert "Print label" not in page.text
    assert "/certificate" not in page.text
