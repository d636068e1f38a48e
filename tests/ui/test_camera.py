"""Camera scanning in a real chromium whose fake camera films a label rendered by labels/.

Debian's chromium has no BarcodeDetector on Linux, so the vendored ZXing-C++ WebAssembly decoder reads
the label here, as it would in Firefox; the browser's own detector is tested in test_browser.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright

from inventory.permissions import Role
from labels.asset_labels import AssetLabel, render_asset_labels
from labels.stocks import BROTHER_62X29
from tests import factories
from tests.ui.browser import CHROMIUM_ARGS, PageWatch, require_chromium, run_db
from tests.ui.test_browser import browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]

VENDOR = Path(__file__).resolve().parents[2] / "inventory" / "static" / "vendor" / "zxing-wasm"
VENDORED_VERSION = "3.1.8"
FRAME = (640, 480)


def label_frame(tag: str, base_url: str) -> Image.Image:
    """The label as the camera sees it: the PDF from labels/ rasterised, on a grey desk, off centre."""
    pdf = render_asset_labels(
        [AssetLabel(tag, f"{base_url}/devices/{tag}", "Joensuu", "Lenovo T480 · i5-8250U · 8 GB")],
        BROTHER_62X29,
    )
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        label = document[0].render(scale=2.8).to_pil().convert("L")
    finally:
        document.close()
    frame = Image.new("L", FRAME, 150)
    frame.paste(label, (60, (FRAME[1] - label.height) // 2 + 20))
    return frame


def write_y4m(image: Image.Image, path: Path, frames: int = 3) -> None:
    """A YUV4MPEG2 video of a still grey picture (4:2:0, the chroma planes neutral), for chromium's
    --use-file-for-fake-video-capture.
    """
    width, height = image.size
    luma = image.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@contextmanager
def filming(video: Path) -> Iterator[Browser]:
    """A chromium whose camera films `video` (launched per test: the video is made from that test's tag)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=require_chromium(),
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={video}"],
        )
        try:
            yield launched
        finally:
            launched.close()


def test_the_vendored_decoder_is_the_pinned_release_with_its_licences() -> None:
    script = (VENDOR / "zxing-reader.js").read_text(encoding="utf-8")
    assert f"zxing-wasm@{VENDORED_VERSION}/" in script  # the package's own default path names its version
    assert f"zxing-wasm {VENDORED_VERSION} " in (VENDOR / "UPDATING.txt").read_text(encoding="utf-8")
    assert (VENDOR / "zxing_reader.wasm").read_bytes()[:4] == b"\0asm"  # the module itself, not a pointer
    assert "MIT License" in (VENDOR / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in (VENDOR / "LICENSE-zxing-cpp.txt").read_text(encoding="utf-8")


def test_the_camera_reads_a_printed_label_and_opens_its_device(
    live_server: str, fresh: None, watch: PageWatch, tmp_path: Path
) -> None:
    tag = run_db(lambda: factories.donation(factories_engine(), devices=1)).asset_tags[0]
    write_y4m(label_frame(tag, live_server), tmp_path / "label.y4m")
    with filming(tmp_path / "label.y4m") as camera_browser:
        page = log_in(camera_browser, live_server, watch, Role.TRAINEE)
        _scan_with_camera(page, live_server, tag)


def _scan_with_camera(page: Page, live_server: str, tag: str) -> None:
    wasm: list[str] = []
    page.on("request", lambda request: wasm.append(request.url) if request.url.endswith(".wasm") else None)
    page.goto("/devices")
    assert page.evaluate("'BarcodeDetector' in window") is False  # so the WebAssembly decoder reads it
    camera = page.locator("header [data-camera-scan]")
    expect(camera).to_be_visible()
    camera.click()
    expect(page.locator("[data-camera-panel]")).to_be_visible()
    page.wait_for_url(f"**/devices/{tag}", timeout=30_000)
    expect(page.locator("h1")).to_contain_text(tag)
    assert wasm == [f"{live_server}/static/vendor/zxing-wasm/zxing_reader.wasm"]


@pytest.mark.parametrize(
    "no_camera",
    [
        "Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined });",
        "MediaDevices.prototype.enumerateDevices = async () => [{ kind: 'audioinput', deviceId: 'a' }];",
    ],
    ids=["no-media-devices", "no-video-input"],
)
def test_no_camera_no_camera_button(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch, no_camera: str
) -> None:
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.context.add_init_script(no_camera)
    page.goto("/devices")
    page.wait_for_selector("[data-camera-panel][data-camera='none']", state="attached")
    button = page.locator("header [data-camera-scan]")
    expect(button).to_have_attribute("hidden", re.compile(".*"))
    expect(button).to_be_hidden()
