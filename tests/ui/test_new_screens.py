"""The screens issue 15 added, at a 390 px phone and at desktop width: axe finds nothing serious and no
page scrolls sideways (the hardware check, reserving from the device page, installation profiles)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from inventory.lifecycle import State
from inventory.permissions import Role
from tests import factories
from tests.ui.browser import DESKTOP, PageWatch, run_db, serious_violations, wider_than_screen
from tests.ui.test_browser import authenticate_as, browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]

PHONE_390 = {"width": 390, "height": 844}


def _fits(page: Page, path: str) -> None:
    for size in (PHONE_390, DESKTOP):
        page.set_viewport_size(size)
        page.goto(path)
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert wider_than_screen(page) == [], (path, size)
        assert serious_violations(page) == [], (path, size)


def test_the_new_screens_fit_a_phone_and_pass_axe(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    received, ready = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags

    async def prepare() -> None:
        counsellor = await authenticate_as(Role.COUNSELLOR)
        await factories.client(counsellor=counsellor, full_name="Åsa Äyräpää-Pitkänimi")
        await factories.bring_to(factories_engine(), ready, State.READY)

    run_db(prepare)
    trainee = log_in(browser, live_server, watch, Role.TRAINEE)
    _fits(trainee, f"/devices/{received}")  # the hardware check, opened
    counsellor = log_in(browser, live_server, watch, Role.COUNSELLOR)
    _fits(counsellor, f"/devices/{ready}")
    expect(counsellor.locator("#reserve-client option")).to_have_count(2)  # "choose" and the client
    admin = log_in(browser, live_server, watch, Role.ADMIN)
    _fits(admin, "/admin/profiles")
    _fits(admin, "/admin/profiles/new")
    admin.locator("form.panel button[type=submit]").click()  # nothing filled in: errors tied to fields
    expect(admin.locator("#f-slug")).to_have_attribute("aria-invalid", "true")
    admin.set_viewport_size(PHONE_390)
    assert wider_than_screen(admin) == []
    assert serious_violations(admin) == []
