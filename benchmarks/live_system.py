"""Benchmark (run as root: python -m benchmarks.live_system): the bench live system's build, size and boot to check-in.

Builds the live system with the project's build into a fresh cache (cold: debootstrap, apt, squashfs,
ISO), again with the same inputs (warm: the cache), and prints both times and their ratio, the ISO's and
the squashfs's size. Then a real server (temporary SQLite) and a stick written for its site, and a virtual
laptop (QEMU, TCG, 2 vCPU, 1.5 GiB) booting that stick by UEFI (OVMF) and by BIOS (SeaBIOS): the time
from power-on to the check-in stored on the server.

Figures, 2026-12-04, the shared 2-core machine under other engineers' load (not quiet):
see the report printed by the last run in docs/bench.md ("Tests and figures").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from provisioning.live.build import LiveInputs, build_live_image
from provisioning.live.stick import write_stick
from tests.virtual_laptop import VirtualLaptop, free_tcp_port


async def _setup() -> tuple[str, dict[str, str]]:
    """A site, an admin, the site's bench token and the admin's API headers."""
    from inventory.accounts.api_tokens import issue_token
    from inventory.accounts.users import NewUser, authenticate, create_user
    from inventory.choices import TokenScope
    from inventory.migrations import apply_migrations
    from inventory.permissions import Role
    from inventory.piccolo_conf import DB
    from inventory.runs.bench_tokens import issue_bench_token
    from inventory.sites.services import create_site

    await apply_migrations(DB)
    site_id = await create_site("BEN", "Bench")
    await create_user(
        NewUser(
            username="admin",
            display_name="Admin",
            role=Role.ADMIN,
            password="bench-password-1",
            site_code="BEN",
        )
    )
    admin = await authenticate("admin", "bench-password-1")
    assert admin is not None
    assert admin.user_id is not None
    token = (await issue_token(admin.user_id, "bench", TokenScope.READ_WRITE)).secret
    bench = (await issue_bench_token(site_id, "bench", admin)).secret
    return bench, {"Authorization": f"Bearer {token}"}


def _boot(firmware: str, stick: Path, base_url: str, headers: dict[str, str], work: Path) -> float:
    laptop = VirtualLaptop(firmware, f"BENCH-{firmware.upper()}", work)
    laptop.add_usb_stick(stick)
    laptop.add_blank_disk(work / f"disk-{firmware}.img")
    laptop.start()
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            machines = httpx.get(f"{base_url}/api/v1/bench/machines", headers=headers, timeout=10).json()
            if any(m["dmi_serial"] == laptop.serial for m in machines):
                return time.monotonic() - laptop.started
            time.sleep(1)
        raise SystemExit(f"{firmware}: no check-in within 15 minutes; console in {laptop.console_log}")
    finally:
        laptop.stop()


def main() -> None:
    """Print build times (cold, warm, ratio), sizes, and power-on to check-in by UEFI and BIOS."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache-dir", type=Path, help="reuse this cache (no cold build is measured)")
    parser.add_argument("--no-boot", action="store_true", help="only the build and the sizes")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("The benchmark runs debootstrap and must run as root.")
    with tempfile.TemporaryDirectory(prefix="kierto-bench-live-") as tmp:
        work = Path(tmp)
        key = work / "bench_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        inputs = LiveInputs(bench_public_key=key.with_suffix(".pub").read_text())
        cache = args.cache_dir or work / "cache"
        started = time.monotonic()
        first = build_live_image(inputs, cache, log=lambda line: print(f"  {line}", flush=True))
        cold = time.monotonic() - started
        started = time.monotonic()
        again = build_live_image(inputs, cache)
        warm = time.monotonic() - started
        assert again.reused
        what = (
            "cold (debootstrap, apt, squashfs, ISO)" if not args.cache_dir else "with the Debian root cached"
        )
        print(
            f"build {what}: {cold:.0f} s; same inputs again: {warm:.2f} s; ratio {cold / max(warm, 1e-3):.0f}×"
        )
        squashfs = first.netboot["filesystem.squashfs"].stat().st_size
        print(f"ISO {first.iso.stat().st_size / 2**20:.0f} MiB; squashfs {squashfs / 2**20:.0f} MiB")
        if args.no_boot:
            return
        os.environ["KIERTO_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
        os.environ["KIERTO_DATA_DIR"] = str(work)
        os.environ.setdefault("KIERTO_SECRET_KEY", "bench-secret-not-for-production")
        os.environ["KIERTO_SCHEDULER"] = "off"
        bench_token, headers = asyncio.run(_setup())
        port = free_tcp_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "inventory.app:create_app", "--factory", "--port", str(port)],
            stdout=(work / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(3)
            stick = work / "stick.img"
            write_stick(
                first.iso,
                stick,
                {"server": f"http://10.0.2.2:{port}", "token": bench_token, "language": "fi"},
            )
            for firmware in ("uefi", "bios"):
                seconds = _boot(firmware, stick, f"http://127.0.0.1:{port}", headers, work)
                print(f"{firmware}: power-on to check-in {seconds:.0f} s")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
