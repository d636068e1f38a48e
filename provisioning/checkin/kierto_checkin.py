#!/usr/bin/env python3
"""Bench check-in: tell Kierto this machine's DMI serial, MAC, IP address and SSH host key (stdlib only)."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

PLACEHOLDERS = {
    "",
    "to be filled by o.e.m.",
    "default string",
    "not specified",
    "system serial number",
    "none",
    "0",
    "n/a",
}
HOST_KEYS = (
    "/etc/ssh/ssh_host_ed25519_key.pub",
    "/etc/ssh/ssh_host_ecdsa_key.pub",
    "/etc/ssh/ssh_host_rsa_key.pub",
)


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def dmi_serial() -> str | None:
    """The machine's serial number from the DMI tables, unless the vendor left a placeholder."""
    for name in ("product_serial", "board_serial"):
        value = _read(f"/sys/class/dmi/id/{name}")
        if value and value.lower() not in PLACEHOLDERS:
            return value
    return None


def default_interface() -> str | None:
    """The network interface of the default route."""
    table = _read("/proc/net/route") or ""
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 1 and fields[1] == "00000000":
            return fields[0]
    return None


def local_address(server: str) -> str:
    """The address this machine uses to reach the server (a UDP socket sends nothing to find it)."""
    parsed = urlparse(server)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((parsed.hostname or "127.0.0.1", port))
        return str(probe.getsockname()[0])


def host_key() -> str | None:
    """The SSH server's public host key line (type and key), for the runs to check."""
    for path in HOST_KEYS:
        text = _read(path)
        if text:
            return " ".join(text.split()[:2])
    return None


def report(server: str, interface: str | None) -> dict[str, object]:
    """What this machine reports."""
    name = interface or default_interface()
    mac = _read(f"/sys/class/net/{name}/address") if name else None
    if not mac:
        raise SystemExit("No network interface with a MAC address was found; is the network cable in?")
    return {
        "serial": dmi_serial(),
        "mac": mac,
        "address": local_address(server),
        "ssh_port": 22,
        "host_key": host_key(),
        "hostname": socket.gethostname()[:64],
    }


def post(server: str, token: str, body: dict[str, object]) -> dict[str, object]:
    """Send the check-in and return Kierto's answer."""
    request = urllib.request.Request(  # noqa: S310 - the URL is the configured Kierto server
        server.rstrip("/") + "/api/v1/bench/check-in",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return dict(json.loads(response.read()))


def main(argv: list[str] | None = None) -> int:
    """Check in, retrying while the network comes up; print what Kierto answered."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--server",
        default=os.environ.get("KIERTO_SERVER"),
        help="Kierto's address, e.g. https://kierto.example.fi",
    )
    parser.add_argument(
        "--token-file", default=os.environ.get("KIERTO_BENCH_TOKEN_FILE", "/etc/kierto/bench-token")
    )
    parser.add_argument("--interface", help="the network interface to report (default: the default route's)")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to keep trying")
    parser.add_argument("--dry-run", action="store_true", help="print the report and send nothing")
    parser.add_argument(
        "--answer-file", help="also write Kierto's answer here as JSON (the status screen reads it)"
    )
    args = parser.parse_args(argv)
    if not args.server:
        parser.error("give --server or KIERTO_SERVER")
    body = report(args.server, args.interface)
    if args.dry_run:
        print(json.dumps(body, indent=2))
        return 0
    token = os.environ.get("KIERTO_BENCH_TOKEN") or (_read(args.token_file) or "")
    if not token:
        parser.error(f"no bench token: set KIERTO_BENCH_TOKEN or put it in {args.token_file}")
    deadline = time.monotonic() + args.wait
    while True:
        try:
            answer = post(args.server, token, body)
            break
        except urllib.error.HTTPError as error:
            detail = json.loads(error.read() or b"{}").get("detail", error.reason)
            print(f"Kierto refused the check-in: {detail}", file=sys.stderr)
            return 1
        except OSError as error:
            if time.monotonic() > deadline:
                print(f"Kierto could not be reached: {error}", file=sys.stderr)
                return 1
            time.sleep(3)
    if args.answer_file:
        Path(args.answer_file).write_text(json.dumps(answer), encoding="utf-8")
    if answer.get("asset_tag"):
        print(f"Checked in as {answer['asset_tag']}.")
    else:
        print(f"Checked in (machine {answer['machine_id']}). Scan the device's tag at the bench to pair it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
