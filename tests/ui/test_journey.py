"""The whole journey by role in a real browser: bench work with real runs, a client's handover, the dashboard."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from inventory.actors import Actor
from inventory.clock import today
from inventory.database import write_transaction
from inventory.permissions import Role
from inventory.runs.choices import Connection
from inventory.runs.connections import ManualConnection, set_connection
from inventory.runs.outcomes import apply_scan
from inventory.runs.provisioning_profiles import ProfileData, seed_default_profiles
from inventory.settings import Settings
from provisioning.results import _scan_from_fact
from tests.labels.pdf_reading import all_text
from tests.machines import BENCH_USER
from tests.runs.helpers import bare_device, kill_group, sparse_loop, start_server
from tests.runs.test_nwipe_logs import LOOP_BYTES, RealLogs, real_logs
from tests.runs.test_nwipe_logs import _device as donated_with_disks
from tests.ui.browser import PageWatch, run_db, scanner_keys, screenshot, serious_violations
from tests.ui.test_browser import authenticate_as, browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "real_logs", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]

DISK_SIZE = 64 << 20  # small enough to erase in a moment
CLIENT_NAME = "Åsa Äyräpää"
# A quick installation into the test chroot: every role runs, only a few small packages are installed.
JOURNEY_PROFILE = ProfileData(
    slug="journey-small",
    name_fi="Kevyt testiasennus",
    name_en="Small test installation",
    variables={
        "base_system_packages": ["ca-certificates"],
        "desktop_apps_desktop_packages": [],
        "desktop_apps_packages": [],
        "finnish_locale_extra_locales": [],
        "accessibility_enabled": False,
        "client_account_username": "asiakas",
    },
)
RUN_SECONDS = 300


@pytest.fixture(scope="module")
def bench_server(_migrated: None) -> Iterator[str]:
    """The application with two workers that may reach this machine and the test chroot, as a test bench."""
    process, url = start_server(workers=2)
    try:
        yield url
    finally:
        kill_group(process)


@pytest.fixture
def loop_disk(tmp_path: Path) -> Iterator[str]:
    """A small loop device full of random data (the device's only disk); detached and deleted afterwards."""
    with sparse_loop(tmp_path, size=DISK_SIZE) as (device, _):
        with open(device, "wb") as handle:
            handle.write(os.urandom(DISK_SIZE))
            os.fsync(handle.fileno())
        yield device


def _is_zero(device: str) -> bool:
    with open(device, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if chunk.count(0) != len(chunk):
                return False
    return True


def _scanned_fact(device: str) -> dict[str, Any]:
    """kierto_hardware as the bench scan reports it, with this loop device as the only disk.

    The scan run itself would report every loop device attached on this machine (other test runs too),
    and the wipe would then erase them: so the scan's result is recorded, the disk's facts read for real.
    """
    listed = subprocess.run(
        ["lsblk", "--json", "--bytes", "--nodeps", "--output", "NAME,PATH,TYPE,SIZE,ROTA,RM", device],
        capture_output=True,
        text=True,
        check=True,
    )
    disk = json.loads(listed.stdout)["blockdevices"][0]
    backing = Path("/sys/block", disk["name"], "loop", "backing_file").read_text().strip()
    return {
        "system": {"vendor": "LENOVO", "model": "ThinkPad T480", "serial": "PF1JRNY"},
        "cpu": {"model": "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "cores": 4},
        "memory_bytes": 8 << 30,
        "disks": [
            {
                "name": disk["name"],
                "device": disk["path"],
                "model": None,
                "serial": backing,
                "size_bytes": int(disk["size"]),
                "rotational": bool(disk["rota"]),
                "removable": bool(disk["rm"]),
                "transport": None,
                "kind": "virtual",
                "in_use": False,
            }
        ],
        "batteries": [],
        "network": [],
    }


def _bench_ready(device: str) -> str:
    """A received laptop known by its tag, scanned with the loop device as its disk, on this machine."""

    async def work() -> str:
        from inventory.devices.tables import Device

        engine = factories_engine()
        await seed_default_profiles()
        tag = await bare_device(engine)
        row = await Device.select(Device.id).where(Device.asset_tag == tag).first()
        assert row is not None
        async with write_transaction(engine):
            refused = await apply_scan(
                row["id"], _scan_from_fact(_scanned_fact(device)), None, Actor.system("bench scan")
            )
        assert refused is None
        await _connect(tag, ManualConnection(Connection.LOCAL))
        return tag

    return run_db(work)


def _admin_creates_the_profile(admin: Page) -> int:
    """The administrator writes the journey's installation profile on /admin/profiles; returns its id."""
    admin.goto("/admin")
    admin.locator('a[href="/admin/profiles"]').click()
    admin.wait_for_url("**/admin/profiles")
    _check(admin, "profiles")
    admin.locator('a[href="/admin/profiles/new"]').click()
    admin.fill("#f-slug", JOURNEY_PROFILE.slug)
    admin.fill("#f-name-fi", JOURNEY_PROFILE.name_fi)
    admin.fill("#f-name-en", JOURNEY_PROFILE.name_en)
    admin.fill("#f-variables", "wallpaper: blue\n")
    admin.locator("form.panel button[type=submit]").click()
    expect(admin.locator("#f-variables")).to_have_attribute("aria-invalid", "true")  # not a known variable
    _check(admin)
    admin.fill("#f-variables", yaml.safe_dump(JOURNEY_PROFILE.variables))
    admin.locator("form.panel button[type=submit]").click()
    admin.wait_for_url(re.compile(r".*/admin/profiles/\d+\?saved=1$"))
    _check(admin, "profile")
    return int(admin.url.split("?")[0].rsplit("/", 1)[1])


def _hardware_check_by_keyboard(page: Page, tag: str, faulty: str = "") -> None:
    """The trainee answers the hardware checklist with the keyboard alone: Space ticks, Tab moves on."""
    page.goto(f"/devices/{tag}")
    page.focus("#hardware-check summary")
    page.keyboard.press("Enter")  # opens the checklist
    page.keyboard.press("Tab")
    for item in ("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports"):
        expect(page.locator(f"#check-{item}-ok")).to_be_focused()
        if item == faulty:
            page.keyboard.press("ArrowRight")  # the next answer in the group: faulty
        else:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    page.keyboard.type("Saranat jäykät", delay=80)  # a person typing, not a scanner
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**?done=hardware_checked")


async def _connect(tag: str, connection: ManualConnection) -> None:
    from inventory.piccolo_conf import DB

    admin = await authenticate_as(Role.ADMIN)
    await set_connection(DB, tag, connection, admin, Settings(bench_local_connections=True))


def _check(page: Page, name: str | None = None) -> None:
    """axe-core finds nothing serious on the page; keep its pictures at desktop and phone width."""
    assert serious_violations(page) == [], page.url
    if name:
        screenshot(page, f"journey-{name}")


def _run(page: Page, kind: str, tag: str, profile_id: int | None = None) -> None:
    """Start a run from the form on /runs, then follow its page until the bar reaches 100 %."""
    page.goto("/runs")
    _check(page, "runs" if kind == "wipe" else None)
    page.select_option("#run-kind", kind)
    page.locator("#run-tags").click()
    page.keyboard.type(tag, delay=5)
    if profile_id is not None:
        page.select_option("#run-profile", str(profile_id))
    page.locator("form[action='/runs'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    bar = page.locator(f'[data-progress-for="{tag}"]')
    expect(bar.locator('[data-field="percent"]')).to_have_text("100 %", timeout=RUN_SECONDS * 1000)
    expect(page.locator("[data-run-state]")).to_have_text("valmis", timeout=30_000)
    expect(bar).to_have_attribute("data-state", "passed")
    expect(bar.locator("progress")).to_have_attribute("value", "100")
    _check(page, f"run-{kind}")


def _figures(page: Page) -> dict[str, int]:
    page.goto("/dashboard")
    return {
        name: int(page.locator(f'[data-figure="{name}"]').inner_text())
        for name in ("in-workshop", "ready", "handed-over")
    }


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


def test_the_whole_journey_by_role(
    browser: Browser,
    bench_server: str,
    fresh: None,
    watch: PageWatch,
    loop_disk: str,
    bench_chroot: Path,
) -> None:
    tag = _bench_ready(loop_disk)
    admin = log_in(browser, bench_server, watch, Role.ADMIN)
    profile_id = _admin_creates_the_profile(admin)
    coordinator = log_in(browser, bench_server, watch, Role.COORDINATOR)
    before = _figures(coordinator)
    assert before == {"in-workshop": 1, "ready": 0, "handed-over": 0}

    # Trainee: the scanner types the tag into the bench's scan field and presses Enter.
    trainee = log_in(browser, bench_server, watch, Role.TRAINEE)
    _check(trainee, "home")
    trainee.goto("/bench")
    expect(trainee.locator("#bench-scan")).to_be_focused()
    _check(trainee, "bench")
    scanner_keys(trainee, tag)
    trainee.wait_for_url(f"**/devices/{tag}")
    expect(trainee.locator("h1")).to_contain_text("ThinkPad T480")
    _check(trainee, "device-received")

    # Labels: the label's PDF from the device page, then marked attached on the bench.
    with trainee.expect_download() as download:
        trainee.locator("button[name=send][value=pdf]").click()
    label = Path(download.value.path()).read_bytes()
    assert tag in all_text(label)
    trainee.goto("/bench")
    trainee.locator(f'#step-to_label input[name="tag"][value="{tag}"]').check()
    trainee.get_by_role("button", name="Merkitse tarrat kiinnitetyiksi").click()
    expect(trainee.locator("#outcome-heading")).to_contain_text("1 tehty")
    expect(trainee.locator(f'#step-to_wipe input[name="tag"][value="{tag}"]')).to_have_count(1)
    _check(trainee)

    # A real wipe of the loop device, followed on the run's page to 100 %.
    _run(trainee, "wipe", tag)
    assert _is_zero(loop_disk), "every byte of the disk reads back as zero"
    expect(trainee.locator('a[href*="/api/v1/erasures/"]')).to_have_count(1)  # the certificate, from the run
    trainee.goto(f"/devices/{tag}")
    expect(trainee.locator(".state-line strong")).to_have_text("tyhjennetty")
    # The certificate is printed once a coordinator has signed the erasure off (its validating person).
    expect(trainee.locator("#documents-heading + form + ul")).to_contain_text(
        "odottaa koordinaattorin hyväksyntää"
    )
    _check(trainee, "device-wiped")

    # A real installation into the test chroot (the wiped machine now boots the bench system).
    run_db(lambda: _connect(tag, ManualConnection(Connection.CHROOT, str(bench_chroot))))
    _run(trainee, "provision", tag, profile_id)
    assert "asiakas" in (bench_chroot / "etc" / "passwd").read_text()
    assert "fi_FI.UTF-8" in (bench_chroot / "etc" / "default" / "locale").read_text()
    assert (
        "Package: ca-certificates\nStatus: install ok installed"
        in (bench_chroot / "var" / "lib" / "dpkg" / "status").read_text()
    )
    assert BENCH_USER not in (bench_chroot / "etc" / "passwd").read_text()
    trainee.goto(f"/devices/{tag}")
    expect(trainee.locator(".state-line strong")).to_have_text("valmis")
    _hardware_check_by_keyboard(trainee, tag)
    expect(trainee.locator("#condition-grade")).to_contain_text("A: kaikki toimii")
    _check(trainee, "device-checked")
    ready = _figures(coordinator)
    assert ready == {"in-workshop": 1, "ready": 1, "handed-over": 0}

    # Counsellor: the client, the assessment, two orientation sessions.
    counsellor = log_in(browser, bench_server, watch, Role.COUNSELLOR)
    counsellor.goto("/clients")
    _check(counsellor, "clients")
    counsellor.locator('a[href="/clients/new"]').first.click()
    counsellor.wait_for_url("**/clients/new")
    _check(counsellor, "client-new")
    counsellor.fill("#full_name", CLIENT_NAME)
    counsellor.fill("#phone", "040 123 4567")
    counsellor.select_option("#language", "fi")
    counsellor.fill("#consent_recorded_on", today().isoformat())
    counsellor.locator("form.record button[type=submit]").click()
    counsellor.wait_for_url(re.compile(r".*/clients/\d+\?done=created"))
    client_url = counsellor.url.split("?")[0]
    expect(counsellor.locator("h1")).to_contain_text(CLIENT_NAME)

    counsellor.locator('a[href$="/assessment/start"]').click()
    counsellor.wait_for_url("**/assessment/start")
    _check(counsellor, "assessment")
    counsellor.locator("#rating-power_login-4").check()
    counsellor.locator("#rating-wifi-2").check()
    counsellor.locator("#observation-power_login option").nth(1).wait_for(state="attached")
    counsellor.select_option("#observation-power_login", index=1)
    counsellor.fill("#notes", "Harjoitellaan Wi-Fi-yhteyttä.")
    counsellor.locator("form.assessment button[type=submit]").click()
    counsellor.wait_for_url(re.compile(r".*/clients/\d+.*"))
    expect(counsellor.locator("#assessment table").first).to_contain_text("4")

    for minutes, topics in ((60, ("power_login", "safe_use")), (45, ("strong_identification", "wifi"))):
        counsellor.fill("#minutes", str(minutes))
        for topic in topics:
            counsellor.locator(f"#topic-{topic}").check()
        counsellor.locator("form[action$='/sessions'] button[type=submit]").click()
        counsellor.wait_for_load_state()
    expect(counsellor.locator("#orientation p.notice")).to_contain_text("Digiperehdytys on valmis.")
    _check(counsellor, "client")

    # Reserve the device that was just installed, hand it over, sign on screen, open the agreement.
    counsellor.locator(f'a[href="{client_url.removeprefix(bench_server)}/reserve"]').click()
    counsellor.wait_for_url("**/reserve")
    counsellor.select_option("#grade", "A")  # the condition the trainee's check gave
    counsellor.locator("form.filters button[type=submit]").click()
    counsellor.wait_for_url("**/reserve?*grade=A*")
    expect(counsellor.locator("table tbody tr")).to_have_count(1)
    _check(counsellor, "reserve")
    counsellor.locator(f'form:has(input[name="asset_tag"][value="{tag}"]) button[type=submit]').click()
    counsellor.wait_for_url(re.compile(r".*done=reserved.*"))
    expect(counsellor.locator("#reservation")).to_contain_text(tag)
    counsellor.locator('#reservation a[href$="/handover"]').click()
    counsellor.wait_for_url("**/handover")
    _check(counsellor, "handover")
    counsellor.locator("#kind-gift").check()
    counsellor.locator("form.record input[name=accessories]").first.check()
    counsellor.locator("form.record button[type=submit]").click()
    # Signing first: the agreement names the device and the client; nothing is recorded yet.
    expect(counsellor.locator("#agreement")).to_contain_text(tag)
    expect(counsellor.locator("#agreement")).to_contain_text(CLIENT_NAME)
    _check(counsellor, "sign")
    _sign(counsellor, "counsellor_signature")
    counsellor.locator("form[data-signature-form] button[type=submit]").click()
    # The client's signature is missing: it is named, and the counsellor's stays on its pad.
    expect(counsellor.locator(".error-summary")).to_contain_text("Asiakkaan allekirjoitus")
    assert counsellor.input_value("#counsellor_signature").startswith("data:image/png;base64,")
    _check(counsellor)
    _sign(counsellor, "client_signature")
    counsellor.locator("form[data-signature-form] button[type=submit]").click()
    counsellor.wait_for_url(re.compile(r".*/handovers/\d+/sign\?done=signed"))
    expect(counsellor.get_by_text("Allekirjoitettu näytöllä")).to_be_visible()
    agreement_link = counsellor.locator('a[href$="/document.pdf"]').first
    response = counsellor.context.request.get(str(agreement_link.get_attribute("href")))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    agreement = all_text(response.body())
    assert CLIENT_NAME in agreement
    assert tag in agreement
    counsellor.goto(client_url)
    expect(counsellor.locator("#handovers tbody tr")).to_have_count(1)
    expect(counsellor.locator("#handovers tbody tr")).to_contain_text(tag)

    # Coordinator: the dashboard's figures moved with the handover.
    after = _figures(coordinator)
    assert after == {"in-workshop": 0, "ready": 0, "handed-over": 1}
    _check(coordinator, "dashboard")
    trainee.goto(f"/devices/{tag}")
    expect(trainee.locator(".state-line strong")).to_have_text("luovutettu")
    assert CLIENT_NAME not in trainee.content(), "trainees never see a client's name"


def test_an_offline_wipe_stations_log_and_the_hardware_check_in_the_browser(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch, real_logs: RealLogs, tmp_path: Path
) -> None:
    # A laptop from a donor's list (its disk's size, no serial) erased with Debian's own nwipe elsewhere.
    tag, (disk_id,) = run_db(lambda: donated_with_disks(factories_engine(), LOOP_BYTES))
    log = tmp_path / "nwipe.log"
    log.write_text(real_logs.zero_fill, encoding="utf-8")
    trainee = log_in(browser, live_server, watch, Role.TRAINEE)
    trainee.goto(f"/devices/{tag}")
    trainee.set_input_files("#nwipe-file", str(log))
    trainee.locator("form[action$='/nwipe'] button[type=submit]").click()
    # nwipe could not read a loop device's serial: the trainee says which disk the log's drive is.
    expect(trainee.locator("#nwipe-error")).to_contain_text(real_logs.drives[0])
    _check(trainee, "nwipe-pairing")
    trainee.select_option("#pair-1", str(disk_id))
    trainee.locator("form[action$='/nwipe'] button[type=submit]").click()
    trainee.wait_for_url("**?done=wipe_passed")
    expect(trainee.locator(".state-line strong")).to_have_text("tyhjennetty")
    expect(trainee.locator("ol.timeline")).to_contain_text("Todistus E-")

    _hardware_check_by_keyboard(trainee, tag, faulty="webcam")
    expect(trainee.locator("#condition-grade")).to_contain_text("B: yksi pieni vika tai kulunut akku")
    expect(trainee.locator("#hardware-check")).to_contain_text("Verkkokamera: viallinen")
    _check(trainee, "device-graded")
    counsellor = log_in(browser, live_server, watch, Role.COUNSELLOR)
    counsellor.goto(f"/devices/{tag}")
    expect(counsellor.locator("#condition-grade")).to_contain_text("B: yksi pieni vika")
    expect(counsellor.locator("#hardware-check form")).to_have_count(0)  # counsellors read it, trainees check
