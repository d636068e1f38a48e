"""Each role's workspace with the demo data, in a real browser at phone and desktop width: a short menu of
the role's daily work with the rest one level down, a compact header on a phone, the scan field first,
the language changed by choosing it, axe clean, no sideways scroll. The README's screenshots come from here."""

from __future__ import annotations

import os
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from inventory.demo import DemoLogin, load_demo_data
from inventory.navigation import PRIMARY, START_PAGES
from inventory.permissions import Role
from tests.conftest import _truncate_all
from tests.ui.browser import (
    ARTIFACTS,
    DESKTOP,
    PageWatch,
    new_context,
    run_db,
    serious_violations,
    wider_than_screen,
)
from tests.ui.test_browser import browser, watch

__all__ = ["browser", "watch"]
pytestmark = [pytest.mark.db, pytest.mark.slow]

# The README's pictures are rewritten only when asked (make screenshots); a test run keeps them as artefacts.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("KIERTO_UPDATE_SCREENSHOTS")
    else ARTIFACTS / "readme"
)
PHONE = {"width": 390, "height": 844}
HEADER_SHARE_ON_PHONE = 0.25  # the header may take at most a quarter of a phone's height


@pytest.fixture(scope="module")
def demo(_migrated: None) -> dict[Role, DemoLogin]:
    """The demo data `make run` loads, in the live server's database; the logins by role."""

    async def work() -> list[DemoLogin]:
        from inventory.piccolo_conf import DB

        await _truncate_all()
        return await load_demo_data(DB)

    return {login.role: login for login in run_db(work)}


def _sign_in(browser: Browser, base_url: str, watch: PageWatch, login: DemoLogin) -> Page:
    page = new_context(browser, base_url, watch).new_page()
    page.goto("/login")
    page.fill("#username", login.username)
    page.fill("#password", login.password)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    if "/login/code/setup" in page.url:  # an administrator sets up the one-time code at first login
        page.fill("#code", pyotp.TOTP(page.locator("code.secret").inner_text().replace(" ", "")).now())
        page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _check_layout(page: Page, where: str) -> list[str]:
    problems = [f"{where}: wider than the screen: {element}" for element in wider_than_screen(page)]
    return problems + [f"{where}: {violation}" for violation in serious_violations(page)]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_workspace_reads_at_phone_and_desktop_width(
    browser: Browser, live_server: str, demo: dict[Role, DemoLogin], watch: PageWatch, role: Role
) -> None:
    page = _sign_in(browser, live_server, watch, demo[role])
    assert page.url.endswith(START_PAGES[role]), page.url
    primary = page.locator("nav.menu > ul > li:not(.more) > a")
    expect(primary).to_have_count(len(PRIMARY[role]))
    # The scan field comes first in the header, before the menu (a scanner's burst lands there anyway).
    order = page.evaluate(
        "() => document.querySelector('#scan-code').compareDocumentPosition(document.querySelector('nav.menu'))"
    )
    assert order & 4, "the scan field precedes the menu"

    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        problems += _check_layout(page, f"{role.value} at {name} width")
        page.screenshot(path=str(SCREENSHOTS / f"{role.value}-{name}.png"))
        header = page.locator("header.top").bounding_box()
        assert header is not None
        if name == "phone":
            assert header["height"] <= size["height"] * HEADER_SHARE_ON_PHONE, header
        # The rest of the role's pages, one level down: open, usable, and still within the screen.
        more = page.locator("nav.menu details.dropdown")
        more.locator("summary").click()
        expect(more.locator("ul a").first).to_be_visible()
        problems += _check_layout(page, f"{role.value} at {name} width, more pages open")
        page.keyboard.press("Escape")
        expect(more.locator("ul a").first).to_be_hidden()
    assert problems == []


def test_the_language_changes_when_it_is_chosen(
    browser: Browser, live_server: str, demo: dict[Role, DemoLogin], watch: PageWatch
) -> None:
    page = _sign_in(browser, live_server, watch, demo[Role.COUNSELLOR])
    page.locator("details.account-menu summary").click()
    expect(page.locator("form.language button")).to_be_hidden()  # the button is only for pages without script
    with page.expect_navigation():
        page.select_option("#language-choice", "sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert page.url.endswith(START_PAGES[Role.COUNSELLOR])
    expect(page.locator("nav.menu")).to_contain_text("Klienter")


def test_without_script_the_menus_and_the_language_still_work(
    browser: Browser, live_server: str, demo: dict[Role, DemoLogin], watch: PageWatch
) -> None:
    context = new_context(browser, live_server, watch, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    login = demo[Role.TRAINEE]
    page.fill("#username", login.username)
    page.fill("#password", login.password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.locator("nav.menu details.dropdown summary").click()
    expect(page.locator("nav.menu details.dropdown ul a").first).to_be_visible()
    page.locator("details.account-menu summary").click()
    page.select_option("#language-choice", "en")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
