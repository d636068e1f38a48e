"""A keyboard-wedge scanner in every field: a scan never takes a form's step, it goes to the scan.

Each test types a tag at scanner speed (real keystrokes a few milliseconds apart, then Enter) into every
field of a page and checks that nothing but the scan happened: no state changed, no document issued,
no count or run started, and the scanned device opened (or, in a field made for scans, the scan was
taken there). A refused scan leaves its code selected, so the next scan replaces it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Handover
from inventory.clock import now
from inventory.devices.tables import DeviceEvent, Erasure
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.tables import BenchMachine, Run
from inventory.settings import get_settings
from inventory.stocktake.tables import StockTake, StockTakeScan
from tests import factories
from tests.ui.browser import PageWatch, run_db, scanner_keys, serious_violations
from tests.ui.test_browser import authenticate_as, browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]

# Every field a person can type into, with its id; <details> are opened first so none is hidden.
TYPED_FIELDS = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const skip = ["hidden", "checkbox", "radio", "button", "submit", "reset", "file", "image", "range", "color"];
  return [...document.querySelectorAll("input, textarea")]
    .filter((e) => e.id && !skip.includes((e.getAttribute("type") || "text").toLowerCase()))
    .filter((e) => e.getClientRects().length > 0 && !e.disabled)
    .map((e) => e.id);
}"""


def _typed_fields(page: Page) -> list[str]:
    return list(page.evaluate(TYPED_FIELDS))


def _open_details(page: Page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def _actions(tag: str) -> list[str]:
    rows = run_db(lambda: DeviceEvent.select(DeviceEvent.action).where(DeviceEvent.device.asset_tag == tag))
    return [row["action"] for row in rows]


def _scan_every_field_opens(page: Page, path: str, scanned: str, at_least: int) -> list[str]:
    """Scan `scanned` into each typed field of the page at `path`; each scan must open that device."""
    page.goto(path)
    fields = _typed_fields(page)
    assert len(fields) >= at_least, fields
    for field in fields:
        page.goto(path)
        _open_details(page)
        typed = "" if page.get_attribute(f"#{field}", "type") == "date" else "abc"
        if typed:
            page.fill(f"#{field}", typed)
        page.focus(f"#{field}")
        keeps = page.get_attribute(f"#{field}", "data-scan-keeps") is not None
        scanner_keys(page, scanned)
        if keeps:  # a field for scanned serial numbers keeps the code; its form is not sent
            expect(page.locator(f"#{field}")).to_have_value(f"{typed}{scanned}")
            assert page.url.endswith(path)
            continue
        page.wait_for_url(f"**/devices/{scanned}")
    return fields


def test_a_scan_into_any_field_of_the_device_page_only_opens_the_scanned_device(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    wiping, received, scanned = run_db(lambda: factories.donation(factories_engine(), devices=3)).asset_tags
    run_db(lambda: factories.bring_to(factories_engine(), wiping, State.WIPING))
    trainee = log_in(browser, live_server, watch, Role.TRAINEE)
    fields = _scan_every_field_opens(trainee, f"/devices/{wiping}", scanned, at_least=4)
    assert {"scan-code", "tool-wipe_passed", "reason-hold", "reason-wipe_failed"} <= set(fields)
    # A coordinator sees more on a received device: scrapping, and correcting or destroying its disk.
    coordinator = log_in(browser, live_server, watch, Role.COORDINATOR)
    more = _scan_every_field_opens(coordinator, f"/devices/{received}", scanned, at_least=6)
    assert {"recycler-scrap", "reason-hold"} <= set(more)
    assert any(field.startswith("witness-") for field in more)
    assert _actions(wiping) == ["intake", "start_wipe"]
    assert _actions(received) == ["intake"]
    assert _actions(scanned) == ["intake"]
    assert run_db(Erasure.count) == 0


def test_a_scan_on_the_stocktake_counts_it_and_a_rescan_replaces_a_refused_code(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    first, second = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/stocktakes")
    # The start form: a scan in its text field starts nothing and opens the device.
    _scan_every_field_opens(page, "/stocktakes", first, at_least=2)
    assert run_db(StockTake.count) == 0
    page.goto("/stocktakes")
    page.select_option("#f-site-id", index=1)
    page.click("form.panel button[type=submit]")
    page.wait_for_url(re.compile(r".*/stocktakes/\d+$"))
    count_path = page.url

    # A scan that beats the page's autofocus: its first key lands on the page, the rest in the count field.
    expect(page.locator("#f-code")).to_be_focused()
    page.evaluate("() => document.activeElement.blur()")
    scanner_keys(page, first, focus_after_first="#f-code")
    expect(page.locator("#last-scan")).to_contain_text(first)
    mistyped = second[:-1] + ("A" if second[-1] != "A" else "B")
    page.fill("#f-code", mistyped)
    page.press("#f-code", "Enter")
    expect(page.locator("#f-code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-code")).to_be_focused()
    # scanner.js selects the refused code once it has loaded, which may be after the autofocus.
    page.wait_for_function(
        "n => { const f = document.activeElement; return f.selectionEnd - f.selectionStart === n; }",
        arg=len(mistyped),
    )
    assert serious_violations(page) == []
    page.evaluate("() => document.getElementById('f-code').setSelectionRange(0, 0)")  # the cursor moved
    scanner_keys(page, second)  # the rescan stands alone: never glued to the refused code
    expect(page.locator("#last-scan")).to_contain_text(second)
    codes = run_db(lambda: StockTakeScan.select(StockTakeScan.code).order_by(StockTakeScan.id))
    assert [row["code"] for row in codes] == [first, second]

    # The header's scan field on the count page opens the device; nothing is counted.
    page.goto(count_path)
    page.focus("#scan-code")
    scanner_keys(page, first)
    page.wait_for_url(f"**/devices/{first}")
    assert run_db(StockTakeScan.count) == 2
    assert _actions(first) == ["intake"]


def test_a_scan_on_the_runs_page_starts_nothing_and_pairing_takes_a_rescan(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag, other = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags

    async def machine() -> int:
        site_id = await factories.site()
        rows = await BenchMachine.insert(
            BenchMachine(site=site_id, mac="52:54:00:12:34:56", address="10.0.2.15", checked_in_at=now())
        ).returning(BenchMachine.id)
        return int(rows[0]["id"])

    machine_id = run_db(machine)
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/runs")
    # The tag list takes each scan on a line of its own; the run is not started by it.
    page.focus("#run-tags")
    scanner_keys(page, tag)
    scanner_keys(page, other)
    expect(page.locator("#run-tags")).to_have_value(f"{tag}\n{other}\n")
    assert page.url.endswith("/runs")
    page.focus("#scan-code")
    scanner_keys(page, tag)
    page.wait_for_url(f"**/devices/{tag}")

    # Pairing: a wrong scan is refused and left selected, the next scan replaces it and pairs.
    page.goto("/runs")
    page.focus(f"#pair-{machine_id}")
    scanner_keys(page, "JNS-999999-9")
    expect(page.locator(f"#pair-{machine_id}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#pair-{machine_id}")).to_be_focused()
    assert serious_violations(page) == []
    page.evaluate(f"() => document.getElementById('pair-{machine_id}').setSelectionRange(0, 0)")
    scanner_keys(page, tag)
    page.wait_for_url("**/runs")
    paired = run_db(lambda: BenchMachine.select(BenchMachine.device.asset_tag).first())
    assert paired is not None
    assert paired["device.asset_tag"] == tag
    assert run_db(Run.count) == 0


def test_a_refused_label_tag_is_selected_so_the_next_scan_replaces_it(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag, other = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/labels")
    page.focus("#labels-tags")
    scanner_keys(page, tag)
    scanner_keys(page, "jns-999999-9")  # a wrong code: the list takes it like any scan
    expect(page.locator("#labels-tags")).to_have_value(f"{tag}\njns-999999-9\n")
    page.click("button[value=pdf]")
    expect(page.locator("#labels-error")).to_contain_text("JNS-999999-9")
    expect(page.locator("#labels-tags")).to_be_focused()
    page.wait_for_function(
        "code => { const f = document.activeElement;"
        " return f.value.slice(f.selectionStart, f.selectionEnd) === code; }",
        arg="jns-999999-9",
    )
    scanner_keys(page, other)
    expect(page.locator("#labels-tags")).to_have_value(f"{tag}\n{other}\n\n")
    assert serious_violations(page) == []


def test_a_scan_into_the_handover_form_records_nothing_and_opens_the_scanned_device(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    reserved, scanned = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags

    async def prepare() -> int:
        counsellor = await authenticate_as(Role.COUNSELLOR)
        client_id = await factories.client(counsellor=counsellor)
        await factories.bring_to(factories_engine(), reserved, State.READY)
        await reserve_device(factories_engine(), client_id, reserved, counsellor, get_settings())
        return client_id

    client_id = run_db(prepare)
    page = log_in(browser, live_server, watch, Role.COUNSELLOR)
    fields = _scan_every_field_opens(page, f"/clients/{client_id}/handover", scanned, at_least=3)
    assert {"due_on", "other_accessories"} <= set(fields)
    assert run_db(Handover.count) == 0
    assert _actions(reserved)[-1] == "reserve"
    assert _actions(scanned) == ["intake"]
