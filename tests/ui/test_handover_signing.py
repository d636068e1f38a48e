"""Handing over in a real browser: the agreement is signed first and recorded after, a missing signature is
named while the other stays on its pad, and signing on paper is confirmed naming the device and client."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from inventory.clients.reservations import reserve_device
from inventory.clients.tables import Handover
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.ui.browser import DESKTOP, PageWatch, run_db, serious_violations, wider_than_screen
from tests.ui.test_browser import authenticate_as, browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]

INKED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { inked += 1; } }
  return inked;
}"""


def _sign(page: Page, canvas: str) -> None:
    pad = page.locator(f'canvas[data-target="{canvas}"]')
    pad.scroll_into_view_if_needed()  # the mouse only reaches what is on the screen
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + box["height"] / 2 + (15 if step % 2 else -15))
    page.mouse.up()


def test_the_agreement_is_signed_before_anything_is_recorded(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    on_screen, on_paper = run_db(lambda: factories.donation(factories_engine(), devices=2)).asset_tags

    async def prepare() -> tuple[int, int]:
        counsellor = await authenticate_as(Role.COUNSELLOR)
        ids = []
        for tag, name in ((on_screen, "Åsa Äyräpää"), (on_paper, "Pekka Paperinen")):
            client_id = await factories.client(counsellor=counsellor, full_name=name)
            await factories.bring_to(factories_engine(), tag, State.READY)
            await reserve_device(factories_engine(), client_id, tag, counsellor, get_settings())
            ids.append(client_id)
        return ids[0], ids[1]

    first, second = run_db(prepare)
    page = log_in(browser, live_server, watch, Role.COUNSELLOR)
    page.goto(f"/clients/{first}/handover")
    page.locator("form.record button[type=submit]").click()
    expect(page.locator("#agreement")).to_contain_text(on_screen)
    expect(page.locator("#agreement")).to_contain_text("Åsa Äyräpää")
    assert run_db(Handover.count) == 0
    page.set_viewport_size({"width": 390, "height": 844})
    assert wider_than_screen(page) == []
    assert serious_violations(page) == []
    page.set_viewport_size(DESKTOP)
    _sign(page, "counsellor_signature")
    page.locator("form[data-signature-form] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Asiakkaan allekirjoitus: Allekirjoita ensin ruutuun."
    )
    expect(page.locator("#client_signature-error")).to_be_visible()
    expect(page.locator("#counsellor_signature-error")).to_have_count(0)
    page.wait_for_function(f"() => ({INKED})('counsellor_signature-pad') > 0")  # still signed
    assert page.evaluate(INKED, "client_signature-pad") == 0
    assert serious_violations(page) == []
    assert run_db(Handover.count) == 0
    _sign(page, "client_signature")
    page.locator("form[data-signature-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/handovers/\d+/sign\?done=signed$"))
    expect(page.get_by_text("Allekirjoitettu näytöllä")).to_be_visible()
    assert run_db(Handover.count) == 1

    page.goto(f"/clients/{second}/handover")
    page.locator("#kind-loan").check()
    page.locator("form.record button[type=submit]").click()
    expect(page.locator("#agreement")).to_contain_text("Laina")
    page.get_by_role("button", name="Tulostettu sopimus allekirjoitettiin").click()
    expect(page.locator("h1")).to_contain_text("Vahvista")
    expect(page.locator(".warning")).to_contain_text(f"Pekka Paperinen lainasi laitteen {on_paper}")
    assert serious_violations(page) == []
    assert run_db(Handover.count) == 1
    page.locator("#confirm-paper button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/handovers/\d+/sign\?done=paper$"))
    expect(page.get_by_text("Allekirjoitettu paperilla")).to_be_visible()
    assert run_db(Handover.count) == 2
