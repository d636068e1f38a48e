"""A virtual laptop for tests: QEMU (TCG) with OVMF or SeaBIOS, an SMBIOS serial, disks, a serial console to read."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import require, require_tool

OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")


@dataclass
class VirtualLaptop:
    """One QEMU machine; `console` is everything its serial port said so far."""

    firmware: str
    serial: str
    workdir: Path
    memory_mib: int = 1536
    drives: list[str] = field(default_factory=list)
    netdev: str = "user,id=net0"
    nic: str = "virtio-net-pci,netdev=net0"
    prefix: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0

    @property
    def console_log(self) -> Path:
        """The serial console as QEMU wrote it."""
        return self.workdir / f"console-{self.firmware}.log"

    @property
    def monitor(self) -> Path:
        """QEMU's monitor socket (screendump)."""
        return self.workdir / f"monitor-{self.firmware}.sock"

    def add_usb_stick(self, image: Path) -> None:
        """A USB stick (changes are thrown away), booted first."""
        self.drives += [
            "-device",
            "qemu-xhci,id=xhci",
            "-drive",
            f"if=none,id=stick,format=raw,file={image},snapshot=on",
            "-device",
            "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
        ]

    def add_blank_disk(self, image: Path, size: str = "2G", nvme: bool = False) -> None:
        """An empty internal disk (virtio, or NVMe), with a serial of its own as a real disk has."""
        subprocess.run(["qemu-img", "create", "-q", "-f", "raw", str(image), size], check=True)
        self.add_disk(image, nvme)

    def add_disk(self, image: Path, nvme: bool = False) -> None:
        """The internal disk (an existing raw image), its serial `<laptop serial>-NVME` or `-VD` (20 characters at most)."""
        device = (
            f"nvme,serial={self.disk_serial(nvme)},drive=disk0"
            if nvme
            else f"virtio-blk-pci,serial={self.disk_serial(nvme)},drive=disk0"
        )
        self.drives += [
            "-drive",
            f"if=none,id=disk0,format=raw,file={image}",
            "-device",
            f"{device},bootindex=5",
        ]

    def disk_serial(self, nvme: bool = False) -> str:
        """The serial the internal disk reports (NVMe and virtio serials are 20 characters at most)."""
        return f"{self.serial}-{'NVME' if nvme else 'VD'}"[:20]

    def command(self) -> list[str]:
        """The QEMU command line."""
        command = [
            "qemu-system-x86_64",
            "-accel",
            "tcg",
            "-cpu",
            "qemu64",
            "-smp",
            "2",
            "-m",
            str(self.memory_mib),
            "-smbios",
            f"type=1,manufacturer=Kierto Test,product=Virtual Laptop,serial={self.serial}",
            "-device",
            "virtio-rng-pci",
            "-netdev",
            self.netdev,
            "-device",
            self.nic,
            "-display",
            "none",
            "-vga",
            "std",
            "-serial",
            f"file:{self.console_log}",
            "-monitor",
            f"unix:{self.monitor},server,nowait",
            "-no-reboot",
            *self.drives,
        ]
        if self.firmware == "uefi":
            variables = self.workdir / "OVMF_VARS.fd"
            if not variables.is_file():  # the laptop's own NVRAM, kept when it is powered on again
                shutil.copy(OVMF_VARS, variables)
            command += [
                "-machine",
                "q35",
                "-drive",
                f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive",
                f"if=pflash,format=raw,unit=1,file={variables}",
            ]
        else:
            command += ["-machine", "pc"]
        return command

    def start(self) -> None:
        """Power on."""
        self.console_log.write_text("")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [*self.prefix, *self.command()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def console(self) -> str:
        """What the serial console said so far (ANSI codes removed)."""
        text = self.console_log.read_text(errors="replace")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        """Wait until the console matches the pattern; fail with the console's tail."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.console())
            if found:
                return found
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(1)
        tail = "\n".join(self.console().splitlines()[-40:])
        raise AssertionError(f"{self.firmware}: the console never showed {pattern!r}; its end:\n{tail}")

    def screendump(self, target: Path) -> Path:
        """The laptop's own display as a PPM picture, through QEMU's monitor."""
        with socket.socket(socket.AF_UNIX) as monitor:
            monitor.connect(str(self.monitor))
            monitor.sendall(f"screendump {target}\n".encode())
            deadline = time.monotonic() + 10
            while not target.is_file() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(0.5)
        return target

    def stop(self) -> None:
        """Pull the plug."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)


def require_qemu(firmware: str) -> None:
    """QEMU and the firmware are installed (CI fails without them)."""
    require_tool("qemu-system-x86_64", "apt-get install qemu-system-x86")
    require_tool("qemu-img", "apt-get install qemu-utils")
    if firmware == "uefi":
        require(OVMF_CODE.is_file(), "OVMF is not installed: apt-get install ovmf")
    else:
        require(
            Path("/usr/share/seabios/bios-256k.bin").is_file(),
            "SeaBIOS is not installed: apt-get install seabios",
        )


@contextlib.contextmanager
def running(laptop: VirtualLaptop) -> Iterator[VirtualLaptop]:
    """Power the laptop on for the block, and off after it whatever happens."""
    laptop.start()
    try:
        yield laptop
    finally:
        laptop.stop()


def dominant_colour(ppm: Path) -> tuple[int, int, int]:
    """The most common pixel colour of a binary PPM (P6) picture."""
    data = ppm.read_bytes()
    header = data.split(maxsplit=4)
    assert header[0] == b"P6", "not a binary PPM"
    width, height = int(header[1]), int(header[2])
    pixels = header[4][-width * height * 3 :]
    counts: dict[bytes, int] = {}
    for offset in range(0, len(pixels), 3 * 97):  # a sample is enough for a full-screen background
        pixel = pixels[offset : offset + 3]
        counts[pixel] = counts.get(pixel, 0) + 1
    best = max(counts, key=lambda pixel: counts[pixel])
    return best[0], best[1], best[2]


def free_tcp_port() -> int:
    """A TCP port on the loopback nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


__all__ = ["VirtualLaptop", "dominant_colour", "free_tcp_port", "require_qemu", "running"]
