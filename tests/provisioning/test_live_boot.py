"""The bench live system boots a virtual laptop from a USB stick by BIOS, checks in, and its screen follows.

The stick by UEFI is test_laptop_journey.py's way in (with the same checks: the screen's colour, the bench's key
and the reported host key, the tools); this boots the hybrid ISO's other path, legacy BIOS. It runs Kierto as a
real server and creates its data without the per-test `db` fixture, so it runs once (in the SQLite pass of
`make test`), not again in the PostgreSQL pass.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from inventory.cli import main as kierto
from inventory.permissions import Role
from inventory.runs.tables import BenchMachine
from provisioning.live.build import LiveImage
from provisioning.live.screen import PALETTE
from tests import factories
from tests.runs.helpers import bench_token, kill_group, start_server
from tests.virtual_laptop import (
    VirtualLaptop,
    dominant_colour,
    free_tcp_port,
    require_qemu,
    running,
)

BOOT_SECONDS = 420  # TCG on a busy 2-core machine; a quiet one checks in within ~90 s
FIGURES: dict[str, float] = {}


@pytest.fixture(scope="module")
def bench_server(_migrated: None) -> Iterator[str]:
    """Kierto served for the virtual laptops (QEMU's user network reaches the host's loopback as 10.0.2.2)."""
    process, url = start_server(workers=1)
    try:
        yield url
    finally:
        kill_group(process)


@pytest.fixture(scope="module")
def stick(
    live_image: LiveImage, live_cache: Path, bench_key: Path, bench_server: str, tmp_path_factory: Any
) -> Path:
    """A stick written for site JNS by the documented command, pointing at the test server."""
    folder = tmp_path_factory.mktemp("stick")
    token = folder / "token"
    token.write_text(asyncio.run(bench_token("JNS")))
    port = bench_server.rsplit(":", 1)[1]
    image = folder / "stick.img"
    result = CliRunner().invoke(
        kierto,
        [
            "bench-image",
            "write-stick",
            str(image),
            "--site",
            "JNS",
            "--server",
            f"http://10.0.2.2:{port}",
            "--token-file",
            str(token),
            "--language",
            "fi",
            "--bench-key",
            str(bench_key.with_suffix(".pub")),
            "--cache-dir",
            str(live_cache),
        ],
    )
    assert result.exit_code == 0, result.output
    return image


async def _people() -> tuple[dict[str, str], str]:
    from inventory.piccolo_conf import DB

    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(DB, devices=1)).asset_tags[0]
    return {"Authorization": f"Bearer {await factories.token(trainee)}"}, tag


async def _first(query: Any) -> dict[str, Any] | None:
    row = await query.first()
    return dict(row) if row else None


def _machine(server: str, headers: dict[str, str], serial: str, deadline: float) -> dict[str, Any]:
    while time.monotonic() < deadline:
        listed = httpx.get(f"{server}/api/v1/bench/machines", headers=headers, timeout=10).json()
        found = [m for m in listed if m["dmi_serial"] == serial]
        if found:
            return dict(found[0])
        time.sleep(2)
    raise AssertionError(f"The machine {serial} never checked in.")


@pytest.mark.parametrize("firmware", ["bios"])
def test_a_laptop_boots_the_stick_checks_in_and_its_screen_shows_the_pairing(
    firmware: str, stick: Path, bench_server: str, bench_key: Path, tmp_path: Path
) -> None:
    require_qemu(firmware)
    trainee, tag = asyncio.run(_people())
    serial = f"VM-{firmware.upper()}-{tag[-8:]}"
    ssh_port = free_tcp_port()
    laptop = VirtualLaptop(
        firmware, serial, tmp_path, netdev=f"user,id=net0,hostfwd=tcp:127.0.0.1:{ssh_port}-:22"
    )
    laptop.add_usb_stick(stick)
    laptop.add_blank_disk(tmp_path / "disk.img", nvme=firmware == "uefi")
    with running(laptop):
        machine = _machine(bench_server, trainee, serial, time.monotonic() + BOOT_SECONDS)
        FIGURES[f"{firmware}: power-on to check-in, s"] = round(time.monotonic() - laptop.started, 1)
        laptop.wait_for(r"kierto-screen: phase=waiting_scan tone=waiting", 60)

        paired = httpx.post(
            f"{bench_server}/api/v1/bench/machines/{machine['id']}/pair", json={"code": tag}, headers=trainee
        )
        assert paired.status_code == 200, paired.text
        laptop.wait_for(rf"kierto-screen: phase=checked_in tone=waiting percent=None asset_tag={tag}", 60)
        time.sleep(2)
        colour = dominant_colour(laptop.screendump(tmp_path / "screen.ppm"))
        expected = PALETTE[3]  # the waiting tone's background, full screen
        assert colour == tuple(int(expected[i : i + 2], 16) for i in (0, 2, 4)), colour

        # The bench reaches it with its key, and the host key is the one the check-in reported.
        row = asyncio.run(
            _first(BenchMachine.select(BenchMachine.host_key).where(BenchMachine.id == machine["id"]))
        )
        assert row is not None
        reported = row["host_key"]
        assert reported, "the check-in reported no SSH host key"
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{ssh_port} {reported}\n")
        ssh = subprocess.run(
            [
                "ssh",
                "-i",
                str(bench_key),
                "-p",
                str(ssh_port),
                "-o",
                f"UserKnownHostsFile={known}",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "BatchMode=yes",
                "kierto-bench@127.0.0.1",
                "sudo -n cat /sys/class/dmi/id/product_serial; sudo -n sh -c 'for t in nwipe hdparm nvme smartctl dmidecode; do command -v $t; done'",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert ssh.returncode == 0, ssh.stderr
        assert ssh.stdout.splitlines()[0] == serial
        assert len(ssh.stdout.splitlines()) == 6, ssh.stdout
    print(FIGURES)
