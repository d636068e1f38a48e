#!/usr/bin/env python3
"""Bench live system: find the site's settings (the stick's config partition, or the network boot's URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RUN_DIR = Path("/run/kierto")
LABEL = "KIERTO-CONF"
FILE_NAME = "kierto.conf"
KEYS = ("server", "token", "language")


def parse(text: str) -> dict[str, str]:
    """`key=value` lines; blank lines and # comments are skipped; only the known keys are kept."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if key.strip() in KEYS:
            values[key.strip()] = value.strip()
    return values


def render(values: dict[str, str]) -> str:
    """The file's text for these values (the inverse of `parse`)."""
    lines = ["# Kierto bench settings for this site: keep this partition off shared copies."]
    lines += [f"{key}={values[key]}" for key in KEYS if values.get(key)]
    return "\n".join(lines) + "\n"


def kernel_argument(name: str, cmdline: str | None = None) -> str | None:
    """The value of `name=` on the kernel command line."""
    text = cmdline if cmdline is not None else Path("/proc/cmdline").read_text()
    for word in text.split():
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def from_network(url: str, wait: float = 120.0) -> str:
    """The settings file the bench's network boot serves for its site."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - given by the boot menu
                return str(answer.read().decode())
        except OSError as error:
            if time.monotonic() > deadline:
                raise SystemExit(f"The bench settings could not be fetched from {url}: {error}") from error
            time.sleep(2)


def from_partition(wait: float = 20.0) -> str:
    """The settings file on the stick's small FAT partition labelled KIERTO-CONF."""
    deadline = time.monotonic() + wait
    device = ""
    while not device:
        found = subprocess.run(["blkid", "-L", LABEL], capture_output=True, text=True, check=False)
        device = found.stdout.strip()
        if not device:
            if time.monotonic() > deadline:
                raise SystemExit(
                    "This stick has no Kierto settings partition: write it with "
                    "`kierto bench-image write-stick`, or boot over the bench network."
                )
            time.sleep(1)
    mount_point = RUN_DIR / "stick"
    mount_point.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "vfat", "-o", "ro,nodev,nosuid,noexec", device, str(mount_point)], check=True
    )
    try:
        return (mount_point / FILE_NAME).read_text(encoding="utf-8")
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def install(values: dict[str, str]) -> None:
    """Write what the check-in and the screen read from /run/kierto (the token readable by root only)."""
    if not values.get("server") or not values.get("token"):
        raise SystemExit("The bench settings name no server or no token.")
    token_file = RUN_DIR / "bench-token"
    token_file.touch(mode=0o600)
    token_file.write_text(values["token"] + "\n")
    (RUN_DIR / "env").write_text(f"KIERTO_SERVER={values['server']}\nKIERTO_BENCH_TOKEN_FILE={token_file}\n")
    screen = {"server": values["server"], "language": values.get("language", "fi")}
    (RUN_DIR / "screen.json").write_text(json.dumps(screen))


def main() -> int:
    """Find the settings and install them; say where they came from."""
    RUN_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(RUN_DIR, 0o700)
    url = kernel_argument("kierto.config")
    text = from_network(url) if url else from_partition()
    install(parse(text))
    print(f"Kierto bench settings read from {'the network boot' if url else 'the stick'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
