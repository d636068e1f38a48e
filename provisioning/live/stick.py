"""Write the bench live system to a USB stick, with the site's settings on a small partition of their own.

The ISO is the same for every site and may be shared; the server address and the site's bench token go
only onto the stick written for that site (a FAT partition labelled KIERTO-CONF after the ISO).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

from provisioning.live.config import render
from provisioning.live.rootfs import CONFIG_FILE, CONFIG_LABEL

MIB = 1 << 20
SECTOR = 512
CONFIG_BYTES = 8 * MIB
_MBR_TABLE = 446
_FAT16_LBA = 0x0E


class StickError(RuntimeError):
    """The stick could not be written; the message says why."""


def config_partition(settings: dict[str, str], image: Path) -> None:
    """A FAT file system image labelled KIERTO-CONF holding kierto.conf (made with mtools: no mount needed)."""
    with open(image, "wb") as handle:
        handle.truncate(CONFIG_BYTES)
    sectors = CONFIG_BYTES // SECTOR
    _tool("mformat", "-i", str(image), "-T", str(sectors), "-h", "64", "-s", "32", "-v", CONFIG_LABEL, "::")
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / CONFIG_FILE
        source.write_text(render(settings), encoding="utf-8")
        _tool("mcopy", "-i", str(image), str(source), f"::{CONFIG_FILE}")


def _tool(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StickError(f"{command[0]} failed: {(result.stderr or result.stdout).strip()}")


def _mbr_entry(start: int, count: int, kind: int) -> bytes:
    chs = bytes((0xFE, 0xFF, 0xFF))  # beyond CHS: LBA only
    return (
        bytes((0x00,))
        + chs
        + bytes((kind,))
        + chs
        + start.to_bytes(4, "little")
        + count.to_bytes(4, "little")
    )


def add_partition(handle: int, start: int, size: int) -> int:
    """Add the settings partition to the stick's MBR in its first free slot; returns the slot (1-4)."""
    mbr = bytearray(os.pread(handle, SECTOR, 0))
    if mbr[510:512] != b"\x55\xaa":
        raise StickError("The ISO has no partition table: it is not the bench live system's hybrid ISO.")
    for slot in range(4):
        offset = _MBR_TABLE + 16 * slot
        if mbr[offset + 4] == 0xEE:
            raise StickError("The ISO has a GPT layout this writer does not change.")
        if mbr[offset + 4] == 0 and not any(mbr[offset : offset + 16]):
            mbr[offset : offset + 16] = _mbr_entry(start // SECTOR, size // SECTOR, _FAT16_LBA)
            os.pwrite(handle, bytes(mbr), 0)
            return slot + 1
    raise StickError("The ISO's partition table has no free slot for the settings partition.")


def write_stick(iso: Path, target: Path, settings: dict[str, str]) -> int:
    """Copy the ISO onto the stick (a block device or an image file) and add the settings partition.

    Returns the bytes written in all. A block device must be at least that big.
    """
    if not settings.get("server") or not settings.get("token"):
        raise StickError("The stick needs the server's address and the site's bench token.")
    iso_bytes = iso.stat().st_size
    start = -(-iso_bytes // MIB) * MIB
    total = start + CONFIG_BYTES
    is_device = target.exists() and stat.S_ISBLK(target.stat().st_mode)
    if is_device:
        with open(target, "rb") as probe:
            capacity = probe.seek(0, os.SEEK_END)
        if capacity < total:
            raise StickError(
                f"The stick holds {capacity // MIB} MiB; the live system needs {total // MIB} MiB."
            )
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.img"
        config_partition(settings, config)
        flags = os.O_WRONLY | (0 if is_device else os.O_CREAT | os.O_TRUNC)
        handle = os.open(target, flags, 0o600)
        try:
            with (
                open(iso, "rb") as source,
                open(config, "rb") as conf,
                os.fdopen(os.dup(handle), "wb", closefd=True) as sink,
            ):
                shutil.copyfileobj(source, sink, 4 * MIB)
                sink.seek(start)
                shutil.copyfileobj(conf, sink)
            add_partition(handle, start, CONFIG_BYTES)
            os.fsync(handle)
        finally:
            os.close(handle)
    return total
