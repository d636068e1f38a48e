"""Write the bench live system to a USB stick, with the site's settings on a small partition of their own.

The ISO is the same for every site and may be shared; the server address and the site's bench token go
only onto the stick written for that site (a FAT partition labelled KIERTO-CONF after the ISO).
"""

from __future__ import annotations

import json
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
_GPT_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"  # Microsoft basic data: what a FAT partition is typed
_BACKUP_GPT = MIB  # room for the backup GPT at a stick image's end (its table may be longer than 128 entries)


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


def add_partition(target: Path, start: int, size: int) -> None:
    """Add the settings partition to the stick's table (GPT as grub-mkrescue makes it, or MBR) after the ISO."""
    found = subprocess.run(["sfdisk", "--json", str(target)], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise StickError("The ISO has no partition table: it is not the bench live system's hybrid ISO.")
    label = json.loads(found.stdout)["partitiontable"]["label"]
    quiet = ["--no-reread", "--no-tell-kernel", "--quiet"]
    if label == "gpt":  # the backup GPT sat at the ISO's end: move it to the stick's end first
        _tool("sfdisk", *quiet, "--relocate", "gpt-bak-std", str(target))
        kind = f'type={_GPT_DATA}, name="{CONFIG_LABEL}"'
    else:
        kind = "type=0e"
    line = f"start={start // SECTOR}, size={size // SECTOR}, {kind}\n"
    result = subprocess.run(
        ["sfdisk", *quiet, "--append", str(target)], input=line, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise StickError(f"The settings partition could not be added: {result.stderr.strip()}")


def write_stick(iso: Path, target: Path, settings: dict[str, str]) -> int:
    """Copy the ISO onto the stick (a block device or an image file) and add the settings partition.

    Returns the bytes written in all. A block device must be at least that big.
    """
    if not settings.get("server") or not settings.get("token"):
        raise StickError("The stick needs the server's address and the site's bench token.")
    iso_bytes = iso.stat().st_size
    start = -(-iso_bytes // MIB) * MIB
    total = start + CONFIG_BYTES + _BACKUP_GPT
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
        with (
            open(iso, "rb") as source,
            open(config, "rb") as conf,
            os.fdopen(os.open(target, flags, 0o600), "wb") as sink,
        ):
            shutil.copyfileobj(source, sink, 4 * MIB)
            sink.seek(start)
            shutil.copyfileobj(conf, sink)
            if not is_device:
                sink.truncate(total)
            sink.flush()
            os.fsync(sink.fileno())
    add_partition(target, start, CONFIG_BYTES)
    return total
