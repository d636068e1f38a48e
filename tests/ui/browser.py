"""Helpers for the browser tests: Debian's chromium through Playwright, axe-core, screenshots, a strict CSP."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.support import require

T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # A camera that shows a test pattern, allowed without asking: for the camera-scanning test.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
# What the later security pass will send; pages must already work under it.
STRICT_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SERIOUS = frozenset({"serious", "critical"})


def require_chromium() -> str:
    """Debian's chromium, which the tests drive (never a browser Playwright downloads)."""
    require(os.path.exists(CHROMIUM) or shutil.which("chromium") is not None, "chromium is not installed")
    return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))


def run_db(work: Callable[[], Awaitable[T]]) -> T:
    """Run database work from a synchronous browser test, in its own thread, loop and connection pool."""
    from piccolo.engine.postgres import PostgresEngine

    from inventory.piccolo_conf import DB

    async def main() -> T:
        pooled = isinstance(DB, PostgresEngine)
        if pooled:
            await DB.start_connection_pool(min_size=1, max_size=4)
        try:
            return await work()
        finally:
            if pooled:
                await DB.close_connection_pool()

    # Playwright's synchronous API keeps an event loop running in this thread: use another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


class PageWatch:
    """Collects what must never happen on a page: CSP violations and script errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        """Listen to the page's console and errors."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        text = message.text
        # A refused form answers 4xx on purpose; the browser logs that as a failed load.
        if "Content Security Policy" in text or (
            message.type == "error" and not text.startswith("Failed to load resource")
        ):
            self.problems.append(f"console {message.type}: {text}")


def _with_strict_csp(route: Route) -> None:
    uploading = "multipart/form-data" in (route.request.headers.get("content-type") or "")
    if route.request.resource_type != "document" or uploading:
        # Chromium does not hand an intercepted request's files to Playwright: re-sent, they would arrive empty.
        route.continue_()
        return
    response = route.fetch(max_redirects=0)  # the browser follows redirects itself, keeping its URL right
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})


def new_context(browser: Browser, base_url: str, watch: PageWatch, **options: Any) -> BrowserContext:
    """A fresh context (its own cookies) whose documents carry the strict CSP."""
    context = browser.new_context(base_url=base_url, locale="fi-FI", viewport=DESKTOP, **options)
    context.route("**/*", _with_strict_csp)
    context.on("page", watch.attach)
    return context


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page at desktop and at phone width as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def serious_violations(page: Page) -> list[str]:
    """axe-core's violations of serious or critical impact on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


WIDER_THAN_SCREEN = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth + 1) { return []; }
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
}"""


def wider_than_screen(page: Page) -> list[str]:
    """The outermost elements that make the page scroll sideways (tables scroll in their own box)."""
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return list(page.evaluate(WIDER_THAN_SCREEN))


def scanner_keys(page: Page, code: str, gap_ms: float = 5.0, focus_after_first: str | None = None) -> None:
    """A keyboard-wedge scanner typing into whatever has the focus: real (trusted) keystrokes that
    insert text and whose Enter submits a form, each stamped `gap_ms` after the one before, so the
    rhythm the page sees is a scanner's however loaded the machine is. With `focus_after_first`, that
    field takes the focus after the first key, as a page's autofocus does when a scan beats it.
    """
    session = page.context.new_cdp_session(page)
    start = time.time()
    try:
        for index, key in enumerate([*code, "Enter"]):
            stamp = start + index * gap_ms / 1000
            named = (
                {"key": key, "code": "Enter", "windowsVirtualKeyCode": 13} if key == "Enter" else {"key": key}
            )
            text = "\r" if key == "Enter" else key
            session.send(
                "Input.dispatchKeyEvent", {"type": "keyDown", "text": text, "timestamp": stamp, **named}
            )
            session.send("Input.dispatchKeyEvent", {"type": "keyUp", "timestamp": stamp, **named})
            if index == 0 and focus_after_first is not None:
                page.focus(focus_after_first)
    finally:
        session.detach()


def take_step(page: Page, action: str) -> None:
    """Take a step on the device page: its button, then the confirmation that names the device."""
    page.click(f"#step-{action} button[type=submit]")
    page.click("#confirm-step button[type=submit]")
    page.wait_for_url(f"**?done={action}")


def scanner_burst(page: Page, code: str) -> None:
    """A keyboard-wedge scanner's burst on the page: each character's keydown, then Enter, with no time
    between them. Playwright's own keystrokes are separate round trips to the browser, which a loaded
    machine can spread further apart than any scanner would (the page tells scanners by speed).
    """
    page.evaluate(
        """code => {
            const target = document.activeElement || document.body;
            for (const key of [...code, "Enter"]) {
                target.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
            }
        }""",
        code,
    )
