"""Network boot of the bench live system: proxy DHCP and TFTP (dnsmasq), GRUB for BIOS and UEFI, files over HTTP.

dnsmasq only answers the boot question of PXE clients (proxy DHCP, `dhcp-range=<net>,proxy`): the workshop
router keeps handing out the addresses. GRUB (grub-mknetdir, from Debian's grub-pc-bin and
grub-efi-amd64-bin) comes over TFTP and fetches the kernel and initrd; live-boot fetches the squashfs
and the site's settings over HTTP from this machine, and install.yml the golden images (under /images/).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from provisioning.live.build import NETBOOT_FILES, LiveImage
from provisioning.live.config import render
from provisioning.live.rootfs import CONFIG_FILE

CONFIG_URL_PATH = f"site/{CONFIG_FILE}"
IMAGES_URL_PATH = "images"


class NetbootError(RuntimeError):
    """Network boot cannot start; the message says why."""


@dataclass(frozen=True)
class BenchNetwork:
    """Where network boot is served: this machine's interface and address on the bench network."""

    interface: str
    address: str
    prefix: int
    http_port: int = 8069

    @property
    def network(self) -> str:
        """The bench network's address (for dnsmasq's proxy range)."""
        return str(ipaddress.ip_interface(f"{self.address}/{self.prefix}").network.network_address)

    @property
    def http(self) -> str:
        """The HTTP address the machines fetch from."""
        return f"http://{self.address}:{self.http_port}"


def interface_address(interface: str) -> tuple[str, int]:
    """The interface's first IPv4 address and prefix length (from `ip -json`)."""
    import json

    result = subprocess.run(
        ["ip", "-json", "-4", "address", "show", "dev", interface],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise NetbootError(f"There is no network interface {interface} on this machine.")
    for link in json.loads(result.stdout or "[]"):
        for info in link.get("addr_info", []):
            return str(info["local"]), int(info["prefixlen"])
    raise NetbootError(
        f"The interface {interface} has no IPv4 address: connect it to the bench network first."
    )


def grub_menu(network: BenchNetwork) -> str:
    """GRUB's menu for network boot: kernel and initrd over TFTP, the squashfs and the settings over HTTP."""
    arguments = (
        f"boot=live fetch={network.http}/live/filesystem.squashfs "
        f"kierto.config={network.http}/{CONFIG_URL_PATH} "
        "quiet loglevel=3 console=tty1 console=ttyS0,115200"
    )
    return (
        "# Kierto bench live system over the bench network (made by `kierto bench-image netboot`).\n"
        "insmod all_video\n"
        "serial --unit=0 --speed=115200\n"
        "terminal_input console serial\n"
        "terminal_output console serial\n"
        "set timeout=2\n"
        'menuentry "Kierto bench (network)" {\n'
        f"    linux /live/vmlinuz {arguments}\n"
        "    initrd /live/initrd.img\n"
        "}\n"
    )


def prepare(
    image: LiveImage,
    work: Path,
    network: BenchNetwork,
    settings: dict[str, str],
    golden_images: Path | None = None,
) -> tuple[Path, Path]:
    """The TFTP root (GRUB, kernel, initrd) and the HTTP root (those, the squashfs, the site's settings and,
    under images/, the golden images that the bench machines download during their installation).

    The TFTP root holds nothing secret and is world-readable (dnsmasq reads it as `nobody`), in a fresh
    directory of its own; the settings file is only in the HTTP root under `work`, readable by this
    process alone. Golden images hold no secrets (the bench's access is added and removed per machine).
    """
    http = work / "http"
    shutil.rmtree(work, ignore_errors=True)
    (http / "live").mkdir(parents=True)
    tftp = Path(tempfile.mkdtemp(prefix="kierto-netboot-"))
    tftp.chmod(0o755)
    (tftp / "live").mkdir()
    result = subprocess.run(
        ["grub-mknetdir", f"--net-directory={tftp}", "--subdir=boot/grub"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise NetbootError(f"grub-mknetdir failed: {result.stderr.strip()}")
    for platform in ("i386-pc", "x86_64-efi"):
        if not (tftp / "boot/grub" / platform).is_dir():
            raise NetbootError(f"GRUB for {platform} is missing: install grub-pc-bin and grub-efi-amd64-bin.")
    # GRUB takes its TFTP server from the firmware's DHCP answer, which is the router's, not the proxy's:
    # its images name this machine in their prefix instead.
    prefix = f"(tftp,{network.address})/boot/grub"
    for image_format, target, modules in (
        ("x86_64-efi", "x86_64-efi/core.efi", ("efinet", "tftp", "normal")),
        ("i386-pc-pxe", "i386-pc/core.0", ("pxe", "tftp", "normal")),
    ):
        made = subprocess.run(
            [
                "grub-mkimage",
                "-O",
                image_format,
                "-o",
                str(tftp / "boot/grub" / target),
                "-p",
                prefix,
                *modules,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            raise NetbootError(f"grub-mkimage failed: {made.stderr.strip()}")
    (tftp / "boot/grub/grub.cfg").write_text(grub_menu(network))
    for name in NETBOOT_FILES:
        source = image.netboot[name]
        for folder in (http / "live", *((tftp / "live",) if name != "filesystem.squashfs" else ())):
            try:
                os.link(source, folder / name)
            except OSError:
                shutil.copy(source, folder / name)
            (folder / name).chmod(0o644)
    for folder in [tftp, *tftp.rglob("*")]:
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    site_dir = http / "site"
    site_dir.mkdir(mode=0o700)
    config = site_dir / CONFIG_FILE
    config.touch(mode=0o600)
    config.write_text(render(settings), encoding="utf-8")
    if golden_images is not None:
        golden_images.mkdir(parents=True, exist_ok=True)
        (http / IMAGES_URL_PATH).symlink_to(golden_images.resolve(), target_is_directory=True)
    return tftp, http


def dnsmasq_config(network: BenchNetwork, tftp: Path, pid_file: Path, lease_dir: Path) -> str:
    """dnsmasq as a proxy DHCP (never handing out addresses) and TFTP server on the bench interface only."""
    return "\n".join(
        [
            "# Kierto network boot: proxy DHCP only, the workshop's router gives the addresses.",
            "port=0",
            f"interface={network.interface}",
            "bind-interfaces",
            f"dhcp-range={network.network},proxy",
            f"dhcp-leasefile={lease_dir / 'leases'}",
            "enable-tftp",
            f"tftp-root={tftp}",
            f"pid-file={pid_file}",
            'pxe-prompt="Kierto",0',
            'pxe-service=x86PC,"Kierto bench (BIOS)",boot/grub/i386-pc/core',
            'pxe-service=BC_EFI,"Kierto bench (UEFI)",boot/grub/x86_64-efi/core.efi',
            'pxe-service=x86-64_EFI,"Kierto bench (UEFI)",boot/grub/x86_64-efi/core.efi',
            "log-dhcp",
            "",
        ]
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged one by one."""


def serve_http(root: Path, network: BenchNetwork) -> ThreadingHTTPServer:
    """The HTTP server for the squashfs and the settings, in a thread of its own."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer((network.address, network.http_port), handler)
    threading.Thread(target=server.serve_forever, name="netboot-http", daemon=True).start()
    return server


def start_dnsmasq(network: BenchNetwork, tftp: Path, state: Path) -> subprocess.Popen[bytes]:
    """Start dnsmasq in the foreground (its log on our standard error)."""
    if shutil.which("dnsmasq") is None:
        raise NetbootError("dnsmasq is not installed: apt-get install dnsmasq-base")
    state.mkdir(parents=True, exist_ok=True)
    config = state / "dnsmasq.conf"
    config.write_text(dnsmasq_config(network, tftp, state / "dnsmasq.pid", state))
    return subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--log-facility=-", f"--conf-file={config}"])
