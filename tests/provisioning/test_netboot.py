"""Network boot on a bench network in namespaces: the workshop router gives addresses, Kierto only proxies the boot.

The bench network is a bridge in a network namespace. A dnsmasq there plays the workshop's router (the only
DHCP server that hands out addresses); `kierto bench-image netboot` runs on this host's end of a veth pair
as the bench worker would (proxy DHCP, TFTP, HTTP); a virtual laptop on a tap of the bridge boots over the
network by UEFI (GRUB's EFI image over TFTP) and checks in; test_laptop_journey.py boots over the network by BIOS
(with the same checks of the router's lease and the proxy's log) and goes on to install. Like test_live_boot.py it
runs in the SQLite pass only.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from inventory.permissions import Role
from tests import factories
from tests.provisioning.bench_network import BenchNet, bench_net, netboot, worker_server
from tests.virtual_laptop import VirtualLaptop, require_qemu, running

BOOT_SECONDS = 480


def test_network_boot_is_off_until_its_setting_names_an_interface(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("kt_x")
    env = {**os.environ, "KIERTO_DATA_DIR": str(tmp_path), "KIERTO_BENCH_NETBOOT_INTERFACE": ""}
    result = subprocess.run(
        [sys.executable, "-m", "inventory.cli", "bench-image", "netboot", "--site", "JNS", "--server", "http://x",
         "--token-file", str(tmp_path / "token")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Network boot is off" in result.stderr


async def _people() -> tuple[dict[str, str], str]:
    from inventory.piccolo_conf import DB

    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(DB, devices=1)).asset_tags[0]
    return {"Authorization": f"Bearer {await factories.token(trainee)}"}, tag


@pytest.mark.parametrize("firmware", ["uefi"])
def test_a_laptop_boots_over_the_bench_network_and_checks_in(
    firmware: str, netboot: Path, bench_net: BenchNet, worker_server: str, tmp_path: Path
) -> None:
    require_qemu(firmware)
    trainee, tag = asyncio.run(_people())
    serial = f"NET-{firmware.upper()}-{tag[-8:]}"
    mac = "52:54:00:77:00:0" + ("1" if firmware == "uefi" else "2")
    tap = f"ktap{os.getpid() % 1000}{firmware[0]}"
    bench_net.add_tap(tap)
    laptop = VirtualLaptop(
        firmware, serial, tmp_path, netdev=f"tap,id=net0,ifname={tap},script=no,downscript=no"
    )
    laptop.nic = f"virtio-net-pci,netdev=net0,mac={mac},bootindex=0"
    laptop.prefix = ["ip", "netns", "exec", bench_net.namespace]
    laptop.add_blank_disk(tmp_path / "disk.img")
    try:
        with running(laptop):
            deadline = time.monotonic() + BOOT_SECONDS
            while time.monotonic() < deadline:
                listed = httpx.get(
                    f"{worker_server}/api/v1/bench/machines", headers=trainee, timeout=10
                ).json()
                if any(m["dmi_serial"] == serial for m in listed):
                    break
                assert laptop.process is not None
                assert laptop.process.poll() is None, laptop.console()[-3000:]
                time.sleep(2)
            else:
                raise AssertionError(
                    f"{firmware}: no check-in over the network; console:\n{laptop.console()[-3000:]}"
                )
            print(
                {
                    f"{firmware}: power-on to check-in over the network, s": round(
                        time.monotonic() - laptop.started, 1
                    )
                }
            )
            laptop.wait_for(r"kierto-screen: phase=waiting_scan", 60)
            assert "Kierto bench settings read from the network boot" in laptop.console()
    finally:
        bench_net.delete_tap(tap)
    leases = bench_net.router_leases.read_text()
    assert mac in leases, "the laptop's address came from the workshop router"
    served = netboot.read_text(errors="replace")
    assert re.search(r"proxy", served), served[-2000:]
    assert "sent" in served, "GRUB went out over TFTP"


__all__ = ["bench_net", "netboot", "worker_server"]  # the fixtures, from bench_network.py
