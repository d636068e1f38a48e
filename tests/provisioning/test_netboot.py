"""Network boot on a bench network in namespaces: the workshop router gives addresses, Kierto only proxies the boot.

The bench network is a bridge in a network namespace. A dnsmasq there plays the workshop's router (the only
DHCP server that hands out addresses); `kierto bench-image netboot` runs on this host's end of a veth pair
as the bench worker would (proxy DHCP, TFTP, HTTP); a virtual laptop on a tap of the bridge boots over the
network, by UEFI and by BIOS, and checks in. Like test_live_boot.py it runs in the SQLite pass only.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.permissions import Role
from provisioning.live.build import LiveImage
from tests import factories
from tests.runs.helpers import bench_token, kill_group, start_server
from tests.support import require, require_tool
from tests.virtual_laptop import FIRMWARES, VirtualLaptop, require_qemu, running

BOOT_SECONDS = 480
ROUTER, WORKER = "10.77.0.1", "10.77.0.2"


@dataclass(frozen=True)
class BenchNet:
    """The namespace holding the bench network's bridge, and this host's interface on it."""

    namespace: str
    bridge: str
    host_interface: str
    router_leases: Path


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def bench_net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchNet]:
    """A bridge in a namespace, a veth to this host (the bench worker's side) and the router's DHCP server."""
    require(os.geteuid() == 0, "network namespaces need root")
    require_tool("ip", "apt-get install iproute2")
    require_tool("dnsmasq", "apt-get install dnsmasq-base")
    suffix = f"{os.getpid() % 100000}"
    net = BenchNet(
        f"kierto-bench-{suffix}", "kbr0", f"kbh{suffix}", tmp_path_factory.mktemp("router") / "leases"
    )
    _ip("netns", "add", net.namespace)
    router: subprocess.Popen[bytes] | None = None
    try:
        _ip("-n", net.namespace, "link", "add", net.bridge, "type", "bridge")
        _ip("-n", net.namespace, "address", "add", f"{ROUTER}/24", "dev", net.bridge)
        _ip("-n", net.namespace, "link", "set", net.bridge, "up")
        _ip(
            "link", "add", net.host_interface, "type", "veth", "peer", "name", "port0", "netns", net.namespace
        )
        _ip("-n", net.namespace, "link", "set", "port0", "master", net.bridge, "up")
        _ip("address", "add", f"{WORKER}/24", "dev", net.host_interface)
        _ip("link", "set", net.host_interface, "up")
        router = subprocess.Popen(
            [
                "ip", "netns", "exec", net.namespace, "dnsmasq", "--keep-in-foreground", "--port=0",
                f"--interface={net.bridge}", "--bind-interfaces",
                "--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h",
                f"--dhcp-leasefile={net.router_leases}", "--dhcp-authoritative",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        yield net
    finally:
        if router is not None:
            router.kill()
            router.wait()
        subprocess.run(["ip", "link", "delete", net.host_interface], check=False, capture_output=True)
        subprocess.run(["ip", "netns", "delete", net.namespace], check=False, capture_output=True)


@pytest.fixture(scope="module")
def worker_server(_migrated: None, bench_net: BenchNet) -> Iterator[str]:
    """Kierto, reachable from the bench network at the worker's address."""
    process, url = start_server(workers=1, host=WORKER)
    try:
        yield url
    finally:
        kill_group(process)


@pytest.fixture(scope="module")
def netboot(
    live_image: LiveImage,
    live_cache: Path,
    bench_key: Path,
    bench_net: BenchNet,
    worker_server: str,
    tmp_path_factory: Any,
) -> Iterator[Path]:
    """`kierto bench-image netboot` switched on for the bench network; yields its log file."""
    folder = tmp_path_factory.mktemp("netboot")
    token = folder / "token"
    token.write_text(asyncio.run(bench_token("JNS")))
    log = folder / "netboot.log"
    env = {
        **os.environ,
        "KIERTO_DATA_DIR": str(folder),
        "KIERTO_BENCH_NETBOOT_INTERFACE": bench_net.host_interface,
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "inventory.cli", "bench-image", "netboot", "--site", "JNS",
                "--server", worker_server, "--token-file", str(token), "--language", "fi",
                "--bench-key", str(bench_key.with_suffix(".pub")), "--cache-dir", str(live_cache),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "Serving network boot" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        yield log
    finally:
        kill_group(process, sig=signal.SIGTERM)
        process.wait(timeout=20)


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


@pytest.mark.parametrize("firmware", FIRMWARES)
def test_a_laptop_boots_over_the_bench_network_and_checks_in(
    firmware: str, netboot: Path, bench_net: BenchNet, worker_server: str, tmp_path: Path
) -> None:
    require_qemu(firmware)
    trainee, tag = asyncio.run(_people())
    serial = f"NET-{firmware.upper()}-{tag[-8:]}"
    mac = "52:54:00:77:00:0" + ("1" if firmware == "uefi" else "2")
    tap = f"ktap{os.getpid() % 1000}{firmware[0]}"
    _ip("-n", bench_net.namespace, "tuntap", "add", "dev", tap, "mode", "tap")
    _ip("-n", bench_net.namespace, "link", "set", tap, "master", bench_net.bridge, "up")
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
        subprocess.run(
            ["ip", "-n", bench_net.namespace, "link", "delete", tap], check=False, capture_output=True
        )
    leases = bench_net.router_leases.read_text()
    assert mac in leases, "the laptop's address came from the workshop router"
    served = netboot.read_text(errors="replace")
    assert re.search(r"proxy", served), served[-2000:]
    assert "sent" in served, "GRUB went out over TFTP"
