"""A bench network in network namespaces for the VM tests: the workshop router, Kierto on it, network boot."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from provisioning.live.build import LiveImage
from tests.golden import golden_image_cache
from tests.runs.helpers import bench_token, kill_group, start_server
from tests.support import require, require_tool

ROUTER, WORKER = "10.77.0.1", "10.77.0.2"
NETBOOT_HTTP_PORT = 8069
# Where the bench machines download the golden images: the network-boot server's images/ directory.
GOLDEN_IMAGE_URL = f"http://{WORKER}:{NETBOOT_HTTP_PORT}/images"


@dataclass(frozen=True)
class BenchNet:
    """The namespace holding the bench network's bridge, and this host's interface on it."""

    namespace: str
    bridge: str
    host_interface: str
    router_leases: Path

    def add_tap(self, name: str) -> str:
        """A tap on the bridge for a virtual laptop (QEMU runs in the namespace); returns its name."""
        ip("-n", self.namespace, "tuntap", "add", "dev", name, "mode", "tap")
        ip("-n", self.namespace, "link", "set", name, "master", self.bridge, "up")
        return name

    def delete_tap(self, name: str) -> None:
        """Unplug the laptop's cable."""
        subprocess.run(["ip", "-n", self.namespace, "link", "delete", name], check=False, capture_output=True)


def ip(*args: str) -> None:
    """Run `ip` and fail on an error."""
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
    ip("netns", "add", net.namespace)
    router: subprocess.Popen[bytes] | None = None
    try:
        ip("-n", net.namespace, "link", "add", net.bridge, "type", "bridge")
        ip("-n", net.namespace, "address", "add", f"{ROUTER}/24", "dev", net.bridge)
        ip("-n", net.namespace, "link", "set", net.bridge, "up")
        ip("link", "add", net.host_interface, "type", "veth", "peer", "name", "port0", "netns", net.namespace)
        ip("-n", net.namespace, "link", "set", "port0", "master", net.bridge, "up")
        ip("address", "add", f"{WORKER}/24", "dev", net.host_interface)
        ip("link", "set", net.host_interface, "up")
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
def worker_server(
    _migrated: None, bench_net: BenchNet, bench_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Kierto, reachable from the bench network at the worker's address, running the bench's runs itself
    with the bench key, the golden images downloaded from the network-boot server."""
    process, url = start_server(
        workers=1,
        host=WORKER,
        extra_env={
            "KIERTO_BENCH_SSH_KEY": str(bench_key),
            "KIERTO_GOLDEN_IMAGE_DIR": str(golden_image_cache(tmp_path_factory)),
            "KIERTO_GOLDEN_IMAGE_URL": GOLDEN_IMAGE_URL,
        },
    )
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
        "KIERTO_GOLDEN_IMAGE_DIR": str(golden_image_cache(tmp_path_factory)),
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "inventory.cli", "bench-image", "netboot", "--site", "JNS",
                "--server", worker_server, "--token-file", str(token), "--language", "fi",
                "--bench-key", str(bench_key.with_suffix(".pub")), "--cache-dir", str(live_cache),
                "--http-port", str(NETBOOT_HTTP_PORT),
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


__all__ = ["GOLDEN_IMAGE_URL", "ROUTER", "WORKER", "BenchNet", "bench_net", "ip", "netboot", "worker_server"]
