"""Benchmark (run: python -m benchmarks.provisioning): bare ansible-playbook vs Kierto; 20-host event ingestion.

Target: Kierto's overhead under 10 %. Figures, quiet machine, 2026-12-03 (`--rootfs` from the test
cache): provision.yml into a chroot, median of 3: bare 12.19 s, Kierto 12.48 s, ratio 1.023;
scan.yml on 20 local hosts with forks=20: 149 typed events in 4.57 s (32.7 events/s over the run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.serving import load_average
from provisioning.apt_sources import debian_mirror
from provisioning.events import Event
from provisioning.hosts import ChrootHost, LocalHost
from provisioning.local_runner import start_local_run
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir

PROFILE = {
    "base_system_packages": ["unattended-upgrades"],
    "desktop_apps_desktop_packages": [],
    "desktop_apps_packages": ["hunspell-sv"],
    "accessibility_enabled": True,
    "accessibility_screen_reader_packages": [],
    "client_account_username": "asiakas",
}
MIRROR = os.environ.get("KIERTO_TEST_DEBIAN_MIRROR") or debian_mirror()


def build_rootfs(target: Path) -> None:
    """Debootstrap a minimal Debian root with Python."""
    subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=python3,python3-apt",
            "bookworm",
            str(target),
            MIRROR,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_chroot(target: Path) -> None:
    """Keep services from starting in the chroot and give it name resolution for apt."""
    policy = target / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    shutil.copy("/etc/resolv.conf", target / "etc/resolv.conf")


async def kierto_run(job: Job) -> tuple[float, list[Event], list[float]]:
    """Run a job through provisioning/ and return seconds, events and each event's arrival time."""
    started = time.perf_counter()
    handle = start_local_run(job)
    events: list[Event] = []
    arrivals: list[float] = []
    async for event in handle.events():
        events.append(event)
        arrivals.append(time.perf_counter())
    await handle.wait()
    return time.perf_counter() - started, events, arrivals


def bare_run(job: Job, work: Path) -> float:
    """Run the same job with plain ansible-playbook and return seconds."""
    inventory = work / "inventory.json"
    inventory.write_text(json.dumps(job.inventory()))
    variables = work / "extravars.json"
    variables.write_text(json.dumps(dict(job.extravars)))
    binary = Path(sys.executable).parent / "ansible-playbook"
    started = time.perf_counter()
    subprocess.run(
        [
            str(binary),
            "-i",
            str(inventory),
            "-e",
            f"@{variables}",
            "--forks",
            str(job.forks),
            job.playbook.value,
        ],
        cwd=default_playbooks_dir(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    """Print the overhead ratio and the event ingestion rate."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rootfs", type=Path, help="an existing Debian root to copy (default: debootstrap one)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hosts", type=int, default=20)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("The benchmark enters a chroot and must run as root.")

    with tempfile.TemporaryDirectory(prefix="kierto-bench-") as tmp:
        work = Path(tmp)
        root = work / "machine"
        if args.rootfs:
            subprocess.run(["cp", "-a", str(args.rootfs), str(root)], check=True)
        else:
            print("Building a Debian root with debootstrap…", flush=True)
            build_rootfs(root)
        prepare_chroot(root)
        password = subprocess.run(
            ["openssl", "passwd", "-6", "-salt", "kiertobench", "Tervetuloa2025"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        job = Job(
            Playbook.PROVISION,
            (ChrootHost("bench-machine", root),),
            extravars={**PROFILE, "client_account_password_hash": password},
        )
        subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
        try:
            print("Warm-up run (installs the packages once)…", flush=True)
            asyncio.run(kierto_run(job))
            bare_times, kierto_times = [], []
            for _ in range(args.rounds):
                bare_times.append(bare_run(job, work))
                seconds, _, _ = asyncio.run(kierto_run(job))
                kierto_times.append(seconds)
        finally:
            subprocess.run(["umount", "--lazy", str(root / "proc")], check=False)

    bare, kierto = statistics.median(bare_times), statistics.median(kierto_times)
    print(f"provision.yml into a chroot, {args.rounds} rounds, median of each; {load_average()}")
    print(f"  bare ansible-playbook : {bare:7.2f} s   (all: {', '.join(f'{t:.2f}' for t in bare_times)})")
    print(f"  Kierto provisioning/  : {kierto:7.2f} s   (all: {', '.join(f'{t:.2f}' for t in kierto_times)})")
    print(f"  ratio Kierto / bare   : {kierto / bare:7.3f}   (target < 1.10)")

    hosts = tuple(LocalHost(f"bench-{index:02d}") for index in range(args.hosts))
    scan = Job(Playbook.SCAN, hosts, forks=args.hosts)
    seconds, events, arrivals = asyncio.run(kierto_run(scan))
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else seconds
    print(f"scan.yml on {args.hosts} local hosts in parallel (forks={args.hosts}); {load_average()}")
    print(f"  run time              : {seconds:7.2f} s")
    print(f"  typed events received : {len(events):7d}")
    print(f"  ingestion rate        : {len(events) / span:7.1f} events/s over the run")


if __name__ == "__main__":
    main()
