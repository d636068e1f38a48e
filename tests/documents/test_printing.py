"""Direct printing through a real CUPS: a cups-pdf queue stands in for the site's label printer."""

from __future__ import annotations

import io
import os
import pwd
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from inventory.app import create_app
from inventory.devices.tables import DeviceEvent
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.settings import Settings
from inventory.sites.services import update_site
from inventory.sites.tables import Site
from tests import factories
from tests.conftest import free_port
from tests.documents.helpers import decoded_symbols, star_site_code
from tests.support import require, require_tool

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
BASE_URL = "http://127.0.0.1:8000"


def _scheduler_running() -> bool:
    state = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, check=False)
    return "is running" in state.stdout


def _output_directory() -> Path:
    """Where cups-pdf writes this user's jobs (its `Out` setting, ${HOME} filled in)."""
    out = "${HOME}/PDF"
    for line in CUPS_PDF_CONF.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*Out\s+(\S+)", line)
        if match:
            out = match.group(1)
    home = pwd.getpwuid(os.getuid()).pw_dir
    return Path(out.replace("${HOME}", home).replace("${USER}", pwd.getpwuid(os.getuid()).pw_name))


@pytest.fixture(scope="module")
def cups_pdf_queue() -> Iterator[tuple[str, Path]]:
    """A cups-pdf print queue on a running CUPS scheduler (started here if it was not running)."""
    require_tool("lp", "cups-client")
    lpadmin = require_tool("lpadmin", "cups-client")
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    require(Path(cupsd).exists(), "the CUPS scheduler (cups) is not installed")
    require(CUPS_PDF_PPD.exists() and CUPS_PDF_CONF.exists(), "the cups-pdf virtual printer is not installed")
    require(os.geteuid() == 0, "adding a print queue needs root")
    started = None
    if not _scheduler_running():
        started = subprocess.Popen([cupsd, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not _scheduler_running():
            assert time.monotonic() < deadline, "the CUPS scheduler did not start"
            time.sleep(0.2)
    queue = f"kierto-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [lpadmin, "-p", queue, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PDF_PPD)],
        check=True,
        capture_output=True,
    )
    try:
        yield queue, _output_directory()
    finally:
        subprocess.run([lpadmin, "-x", queue], check=False, capture_output=True)
        if started is not None:
            started.terminate()
            started.wait(timeout=30)


def _arrived(directory: Path, before: set[Path], timeout: float = 60.0) -> Path:
    """The PDF cups-pdf writes for the job, once it is complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = sorted(set(directory.glob("*.pdf")) - before) if directory.exists() else []
        if new:
            path = new[0]
            size = path.stat().st_size
            time.sleep(0.3)
            if size and size == path.stat().st_size:
                return path
        time.sleep(0.2)
    raise AssertionError(f"no PDF arrived in {directory}")


async def test_print_sends_the_label_to_the_sites_queue_and_it_comes_out(
    db: Any, client: httpx.AsyncClient, headers_for: Any, cups_pdf_queue: tuple[str, Path]
) -> None:
    queue, out_dir = cups_pdf_queue
    site = star_site_code()
    created = await factories.donation(db, devices=1, site_code=site)
    tag = created.asset_tags[0]
    site_row = await Site.select(Site.id).where(Site.code == site).first()
    assert site_row is not None
    await update_site(site_row["id"], None, queue, "brother-62x29")
    before = set(out_dir.glob("*.pdf")) if out_dir.exists() else set()
    headers = await headers_for(Role.TRAINEE, site_code=site)
    response = await client.post("/api/v1/labels/print", json={"tags": [tag]}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["queue"] == queue
    assert body["job_id"].startswith(f"{queue}-")
    assert body["stock"] == "brother-62x29"
    assert body["job_state"] == "completed", "cups-pdf prints in well under the few seconds we follow a job"
    printed = _arrived(out_dir, before)
    try:
        pdf = printed.read_bytes()
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        assert tag in page.extract_text()
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (62, 29)
        assert decoded_symbols(pdf) == [{"Code 128": tag, "QR Code": f"{BASE_URL}/devices/{tag[:-1]}%2A"}]
    finally:
        printed.unlink()
    events = (
        await DeviceEvent.select(DeviceEvent.details)
        .where(DeviceEvent.action == "label_printed")
        .output(load_json=True)
    )
    assert [event["details"]["to"] for event in events] == [queue]
    assert events[0]["details"]["job"] == body["job_id"]


async def test_a_queue_cups_does_not_know_is_refused_in_plain_words(
    db: Any, client: httpx.AsyncClient, headers_for: Any, cups_pdf_queue: tuple[str, Path]
) -> None:
    created = await factories.donation(db, devices=1)
    site_row = await Site.select(Site.id).where(Site.code == "JNS").first()
    assert site_row is not None
    await update_site(site_row["id"], None, "no-such-printer-here")
    headers = await headers_for(Role.TRAINEE)
    response = await client.post(
        "/api/v1/labels/print", json={"tags": list(created.asset_tags)}, headers=headers
    )
    assert response.status_code == 409
    assert "no-such-printer-here" in response.json()["detail"]
    assert "tulostinta" in response.json()["detail"], "told apart from an unreachable server, in Finnish"
    assert await DeviceEvent.count().where(DeviceEvent.action == "label_printed") == 0
    page = await client.post(
        "/labels",
        data={"tags": created.asset_tags[0], "send": "print"},
        headers={**headers, "accept": "text/html"},
    )
    assert page.status_code == 409
    assert "no-such-printer-here" in page.text


@pytest.fixture(scope="module")
def failing_queue(
    cups_pdf_queue: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A cups-pdf queue whose PPD sends PDF through a filter that cannot read it (imagetoraster)."""
    ppd = tmp_path_factory.mktemp("ppd") / "failing.ppd"
    lines = CUPS_PDF_PPD.read_text(encoding="utf-8").splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("*ModelName"))
    lines.insert(at + 1, '*cupsFilter: "application/vnd.cups-pdf 0 imagetoraster"')
    ppd.write_text("\n".join(lines) + "\n", encoding="utf-8")
    queue = f"kierto-failing-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["lpadmin", "-p", queue, "-E", "-v", "cups-pdf:/", "-P", str(ppd)], check=True, capture_output=True
    )
    try:
        yield queue
    finally:
        subprocess.run(["lpadmin", "-x", queue], check=False, capture_output=True)


async def test_a_print_whose_filter_fails_is_reported_as_failed_within_seconds(
    db: Any, client: httpx.AsyncClient, headers_for: Any, failing_queue: str
) -> None:
    created = await factories.donation(db, devices=1)
    site_row = await Site.select(Site.id).where(Site.code == "JNS").first()
    assert site_row is not None
    await update_site(site_row["id"], None, failing_queue, "dymo-54x25")
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    started = time.monotonic()
    response = await client.post(
        "/api/v1/labels/print", json={"tags": list(created.asset_tags)}, headers=headers
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"The printer {failing_queue} could not print the labels"), detail
    assert elapsed < 10, f"the failure took {elapsed:.1f} s to report"
    assert await DeviceEvent.count().where(DeviceEvent.action == "label_printed") == 0


async def test_an_unreachable_print_server_is_told_apart_from_a_missing_printer(
    db: Any, headers_for: Any, cups_pdf_queue: tuple[str, Path]
) -> None:
    queue, _ = cups_pdf_queue
    created = await factories.donation(db, devices=1)
    site_row = await Site.select(Site.id).where(Site.code == "JNS").first()
    assert site_row is not None
    await update_site(site_row["id"], None, queue)
    closed_port = f"127.0.0.1:{free_port()}"
    app = create_app(Settings(cups_server=closed_port))
    headers = await headers_for(Role.TRAINEE, language=Language.SV)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as http:
        response = await http.post(
            "/api/v1/labels/print", json={"tags": list(created.asset_tags)}, headers=headers
        )
    assert response.status_code == 409
    assert closed_port in response.json()["detail"]
    assert "nås inte" in response.json()["detail"], "in the user's language (Swedish)"
