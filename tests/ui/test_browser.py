"""The web interface in a real browser: journeys by role, axe-core on every page, screenshots, a strict CSP.

One chromium for the module. Each journey is its own test function with its own data and cookies, so
later journeys (real wipe runs with progress, the counsellor's handover) are added beside these.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from inventory.actors import Actor
from inventory.clock import now
from inventory.devices.tables import Device, DeviceEvent, Erasure
from inventory.donations.services import NewDonor, create_donor
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.reports.pages import WAITING_PER_PAGE
from inventory.reports.queries import DASHBOARD_ROWS
from tests import factories
from tests.conftest import _truncate_all, truncate
from tests.ui.browser import (
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    TABLET,
    PageWatch,
    new_context,
    require_chromium,
    run_db,
    scanner_burst,
    scanner_keys,
    screenshot,
    serious_violations,
    take_step,
    wider_than_screen,
)
from tests.ui.every_page import USERS, every_page, seed_every_page

pytestmark = [pytest.mark.db, pytest.mark.slow]

IMPORT_CSV = "Merkki;Malli;Sarjanumero;Muisti;Levy\nLenovo;T480;PF9X1;8 GB;256 GB SSD\nDell;Latitude 5490;DL9X2;16;512 GB\n"
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["code_128", "qr_code"]; }
  constructor(options) { this.options = options; }
  async detect(source) { return [{ rawValue: location.origin + "/devices/" + window.__kiertoCameraTag, format: "qr_code" }]; }
};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless chromium, started once for these tests."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def fresh(_migrated: None) -> None:
    """An empty database but for the sites and one user per role (password: factories.PASSWORD).

    The users are kept from test to test when they exist: hashing their passwords is the slow part.
    """

    async def work() -> None:
        from inventory.accounts.tables import User
        from inventory.database import is_sqlite
        from inventory.piccolo_app import TABLES
        from inventory.piccolo_conf import DB
        from inventory.sites.tables import Site

        kept = {Site._meta.tablename, User._meta.tablename}
        names = [table._meta.tablename for table in TABLES if table._meta.tablename not in kept]
        if is_sqlite(DB):
            async with DB.transaction():
                for name in reversed(names):
                    await DB.run_ddl(f'DELETE FROM "{name}"')
        else:
            await truncate("TRUNCATE " + ", ".join(f'"{name}"' for name in names) + " RESTART IDENTITY")
        existing = {row["username"] for row in await User.select(User.username)}
        if existing != set(USERS.values()):
            await _truncate_all()
            for role, username in USERS.items():
                await factories.user(role, username=username)

    run_db(work)


@pytest.fixture
def watch() -> Iterator[PageWatch]:
    """Fails the test on a CSP violation or a script error on any page."""
    watched = PageWatch()
    yield watched
    assert watched.problems == []


def _actor(role: Role) -> Actor:
    async def work() -> Actor:
        from inventory.accounts.users import authenticate

        actor = await authenticate(USERS[role], factories.PASSWORD)
        assert actor is not None
        return actor

    return run_db(work)


def log_in(browser: Browser, base_url: str, watch: PageWatch, role: Role) -> Page:
    """A new browser context logged in through the login form."""
    page = new_context(browser, base_url, watch).new_page()
    page.goto("/login")
    page.fill("#username", USERS[role])
    page.fill("#password", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    if "/login/code/setup" in page.url:  # administrators set up a one-time-code app at first login
        seed = page.locator("code.secret").inner_text().replace(" ", "")
        page.fill("#code", pyotp.TOTP(seed).now())
        page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # the role's own first page (navigation.START_PAGES)
    return page


def test_a_trainee_scans_a_tag_and_takes_the_steps(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag = run_db(lambda: factories.donation(factories_engine(), devices=1)).asset_tags[0]
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/devices")
    page.locator("h1").click()  # nothing focused: the scanner's burst goes to the page
    page.keyboard.type(tag[:-2], delay=120)  # a person typing slowly on the page opens nothing
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith("/devices")
    scanner_burst(page, tag)  # a scanner: fast keystrokes, then Enter
    page.wait_for_url(f"**/devices/{tag}")

    take_step(page, "start_wipe")
    page.fill("#tool-wipe_passed", "")
    page.click("#step-wipe_passed button[type=submit]")
    expect(page.locator("#tool-wipe_passed")).to_have_attribute("aria-invalid", "true")
    page.fill("#tool-wipe_passed", "nwipe 0.36")
    page.click("#step-wipe_passed button[type=submit]")
    expect(page.locator("main")).to_contain_text("nwipe 0.36")
    expect(page.locator(".warning")).to_contain_text("tietojen hävittämisestä")
    assert serious_violations(page) == []
    page.click("#confirm-step button[type=submit]")
    page.wait_for_url("**?done=wipe_passed")
    take_step(page, "start_provisioning")
    take_step(page, "provisioned")
    timeline = page.locator("ol.timeline li")
    expect(timeline).to_have_count(5)
    expect(timeline.first).to_contain_text("Asennus valmistui")
    expect(page.locator(".state-line strong")).to_have_text("valmis")
    assert serious_violations(page) == []
    screenshot(page, "device")


def test_a_scan_into_a_step_field_opens_the_scanned_device_and_takes_no_step(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    working, scanned = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags
    run_db(lambda: factories.bring_to(factories_engine(), working, State.WIPING))
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    for field in ("#tool-wipe_passed", "#reason-wipe_failed", "#reason-hold"):
        page.goto(f"/devices/{working}")
        page.fill(field, "nwipe")
        page.focus(field)
        scanner_keys(page, scanned)  # the next machine's tag, scanned with the cursor in a step's field
        page.wait_for_url(f"**/devices/{scanned}")
        page.go_back()
        expect(page.locator(field)).to_have_value("nwipe")  # what the scan typed there was taken back
    events = run_db(
        lambda: DeviceEvent.select(DeviceEvent.action).where(DeviceEvent.device.asset_tag == working)
    )
    assert [event["action"] for event in events] == ["intake", "start_wipe"]
    assert run_db(Erasure.count) == 0

    # Typed by a person and sent with Enter, the step still only asks first, naming the device.
    page.goto(f"/devices/{working}")
    page.fill("#reason-hold", "akku turvonnut")
    page.press("#reason-hold", "Enter")
    expect(page.locator("h1")).to_contain_text("Vahvista")
    expect(page.locator(".confirm-device")).to_contain_text(working)
    assert serious_violations(page) == []
    page.click("#confirm-step button[type=submit]")
    page.wait_for_url("**?done=hold")


def test_a_rescan_after_a_wrong_scan_replaces_the_wrong_code(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag = run_db(lambda: factories.donation(factories_engine(), devices=1)).asset_tags[0]
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/scan?code=JNS-999999-9")
    expect(page.locator("#f-code")).to_have_attribute("aria-invalid", "true")
    page.evaluate("() => { const f = document.getElementById('f-code'); f.setSelectionRange(0, 0); }")
    scanner_keys(page, tag)  # the cursor at the start of the old code: the scan still stands alone
    page.wait_for_url(f"**/devices/{tag}")


def test_the_bench_scan_field_is_ready_and_a_selection_takes_one_step(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tags = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/bench")
    expect(page.locator("#bench-scan")).to_be_focused()
    select_all = page.locator('[data-select-all="step-to_label"]')
    expect(select_all).to_be_visible()
    select_all.check()
    for tag in tags:
        expect(page.locator(f'input[name="tag"][value="{tag}"]')).to_be_checked()
    page.get_by_role("button", name="Merkitse tarrat kiinnitetyiksi").click()
    expect(page.locator("#outcome-heading")).to_contain_text("2 tehty")
    expect(page.locator("#step-to_wipe tbody tr")).to_have_count(2)
    page.locator(f'input[name="tag"][value="{tags[0]}"]').check()
    page.locator("#step-to_wipe").get_by_role("button", name="Aloita tyhjennys").click()
    expect(page.locator("#outcome-heading")).to_contain_text("1 tehty")
    expect(page.locator("#step-wiping tbody tr")).to_have_count(1)
    page.locator("#bench-scan").fill(tags[1].lower())
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/devices/{tags[1]}")


def test_camera_scanning_opens_the_device_where_the_browser_reads_barcodes(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag = run_db(lambda: factories.donation(factories_engine(), devices=1)).asset_tags[0]
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.context.add_init_script(FAKE_DETECTOR + f"window.__kiertoCameraTag = {tag!r};")
    page.goto("/devices")
    camera = page.locator("header [data-camera-scan]")
    expect(camera).to_be_visible()
    camera.click()
    page.wait_for_url(f"**/devices/{tag}")


def test_the_coordinator_sees_the_dashboard_numbers_change(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tags = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags
    page = log_in(browser, live_server, watch, Role.COORDINATOR)
    page.goto("/dashboard")
    expect(page.locator('[data-figure="handed-over"]')).to_have_text("0")
    expect(page.locator('[data-figure="in-workshop"]')).to_have_text("2")

    async def hand_over() -> None:
        await factories.bring_to(
            factories_engine(), tags[0], State.HANDED_OVER, client_id=await factories.client()
        )

    run_db(hand_over)
    page.reload()
    expect(page.locator('[data-figure="handed-over"]')).to_have_text("1")
    expect(page.locator('[data-figure="in-workshop"]')).to_have_text("1")
    page.get_by_text("Luvut taulukkona").click()
    expect(page.locator("table.months tbody tr").last).to_contain_text("1")


def test_the_dashboard_links_to_the_whole_waiting_list_a_page_at_a_time(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    async def backlog() -> tuple[str, ...]:
        tags = (await factories.donation(factories_engine(), devices=WAITING_PER_PAGE + 2)).asset_tags
        await Device.update({Device.state_changed_at: now() - dt.timedelta(days=30)}).where(
            Device.asset_tag.is_in(list(tags))
        )
        return tags

    tags = run_db(backlog)
    page = log_in(browser, live_server, watch, Role.COORDINATOR)
    page.goto("/dashboard")
    expect(page.locator("#stuck-heading ~ .table-scroll tbody tr")).to_have_count(DASHBOARD_ROWS)
    page.get_by_role("link", name="Koko lista vaiheittain ja toimipisteittäin").click()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(WAITING_PER_PAGE)
    page.get_by_role("link", name="Seuraava sivu").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_role("status")).to_contain_text("sivu 2/2")
    page.get_by_role("link", name="Edellinen sivu").click()
    expect(rows).to_have_count(WAITING_PER_PAGE)
    page.select_option("#filter-state", "wiping")
    page.get_by_role("button", name="Näytä").click()
    expect(page.locator("main p.empty")).to_be_visible()
    assert serious_violations(page) == []
    assert len(tags) == WAITING_PER_PAGE + 2


def test_an_admin_creates_a_user_who_can_then_log_in(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    page = log_in(browser, live_server, watch, Role.ADMIN)
    page.goto("/admin/users")
    page.fill("#f-username", "maija")
    page.fill("#f-display-name", "Maija Meikäläinen")
    page.select_option("#f-role", "counsellor")
    page.select_option("#f-site-code", "JNS")
    page.fill("#f-password", "short")
    page.click("text=Luo käyttäjätili")
    expect(page.locator("#f-password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.fill("#f-password", "a-long-enough-password")
    page.click("text=Luo käyttäjätili")
    expect(page.locator("p.notice")).to_have_text("Käyttäjätili maija on luotu.")
    other = new_context(browser, live_server, watch).new_page()
    other.goto("/login")
    other.fill("#username", "maija")
    other.fill("#password", "a-long-enough-password")
    other.click("form.login button[type=submit]")
    expect(other.locator(".who")).to_contain_text("Maija Meikäläinen (Ohjaaja)")


def test_a_donors_list_is_previewed_then_imported(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    run_db(lambda: create_donor(NewDonor(name="Kaupunki Oy")))
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/donations/import")
    page.set_input_files(
        "#f-file", files=[{"name": "laitteet.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}]
    )
    page.select_option("#f-donor-id", label="Kaupunki Oy")
    page.click("text=Tarkista luettelo")
    expect(page.locator("table.preview tbody tr")).to_have_count(2)
    expect(page.get_by_text("2 laitetta voidaan tuoda.")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "donation-import-preview")
    page.get_by_role("button", name="Tuo 2 laitetta").click()
    page.wait_for_url(re.compile(r".*/donations/\d+\?created=1"))
    expect(page.locator("table tbody tr")).to_have_count(2)


def test_keyboard_users_skip_to_the_content(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto("/devices")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_every_page_passes_axe_fits_phones_and_tablets_and_keeps_the_csp(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    seeded = run_db(seed_every_page)
    pages: dict[Role | None, Page] = {None: new_context(browser, live_server, watch).new_page()}
    failures: list[str] = []
    for role, path, name in every_page(seeded):
        if role not in pages:
            pages[role] = log_in(browser, live_server, watch, role)
        page = pages[role]
        page.goto(path)
        failures += [f"{path} as {role}: {problem}" for problem in serious_violations(page)]
        if name:
            screenshot(page, name)
        failures += _sideways(page, f"{path} as {role}")
    # A session that has ended: the next click lands on the login page, which passes too.
    expired = pages[Role.COUNSELLOR]
    expired.context.clear_cookies()
    expired.goto(f"/clients/{seeded['client']}")
    expect(expired.locator("#username")).to_be_visible()
    failures += [f"expired session: {problem}" for problem in serious_violations(expired)]
    failures += _sideways(expired, "expired session")
    assert failures == [], "\n".join(failures)


def _sideways(page: Page, where: str) -> list[str]:
    """What scrolls sideways on a phone (390 px) and a tablet (768 px); back to desktop width after."""
    found = []
    for size in (PHONE, TABLET):
        page.set_viewport_size(size)
        wide = wider_than_screen(page)
        if wide:
            found.append(f"{where}: scrolls sideways at {size['width']} px because of {wide}")
    page.set_viewport_size(DESKTOP)
    return found


def factories_engine() -> Any:
    """The Piccolo engine the factories write through."""
    from inventory.piccolo_conf import DB

    return DB


async def authenticate_as(role: Role) -> Actor:
    """The actor of the seeded user of a role."""
    from inventory.accounts.users import authenticate

    actor = await authenticate(USERS[role], factories.PASSWORD)
    assert actor is not None
    return actor
