"""Benchmark (run: python -m benchmarks.workers): the same installation in-process and through a bench worker.

Starts a real server (uvicorn, temporary SQLite database) and a `kierto bench-worker` process on
loopback, then runs provision.yml into one Debian chroot alternately by the server's own process and
by the worker, each run started from the API on a freshly wiped device. Prints the ratio of the
median run times (target ≤ 1.10) and the p95 delay from an event on the runner to it being stored
on the server (target < 1 s), measured from the runner's own event time to the row's receipt time.

Figures, quiet machine, 2026-12-03, median of 3: in-process 12.82 s, bench worker 13.18 s, ratio
1.028; event delay p95 0.014 s in-process and 0.045 s through the worker (366 events each).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.provisioning import PROFILE, build_rootfs, prepare_chroot
from benchmarks.serving import load_average

SERVER_ENV = {"KIERTO_BENCH_LOCAL_CONNECTIONS": "true", "KIERTO_BENCH_WORKER_TIMEOUT_SECONDS": "10"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("the server did not start")


async def _setup(root: Path, devices: int) -> tuple[dict[str, str], list[str], int]:
    """An admin's and a trainee's headers, wiped devices connected to the chroot, and the profile id."""
    from inventory.accounts.api_tokens import issue_token
    from inventory.accounts.users import NewUser, authenticate, create_user
    from inventory.actors import Actor
    from inventory.choices import TokenScope
    from inventory.devices.erasures import ErasedDisk, ErasureRecord
    from inventory.devices.intake import NewDevice, NewDisk
    from inventory.devices.tables import Disk
    from inventory.devices.transitions import TransitionRequest, transition
    from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
    from inventory.lifecycle import Action
    from inventory.migrations import apply_migrations
    from inventory.permissions import Role
    from inventory.piccolo_conf import DB
    from inventory.runs.choices import Connection
    from inventory.runs.connections import ManualConnection, set_connection
    from inventory.runs.provisioning_profiles import ProfileData, create_profile, seed_default_profiles
    from inventory.settings import Settings, get_settings
    from inventory.sites.services import create_site

    await apply_migrations(DB)
    await seed_default_profiles()
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
    profile_id = await create_profile(ProfileData("bench", "Bench", "Bench", variables=dict(PROFILE)), admin)
    donor = await create_donor(NewDonor(name="Bench Oy"))
    disks = tuple(NewDisk(model="disk", serial=f"BENCH{i}") for i in range(devices))
    created = await create_donation(
        DB,
        NewDonation(
            donor_id=donor, site_id=site_id, devices=tuple(NewDevice(disks=(disk,)) for disk in disks)
        ),
        Actor.system("bench"),
    )
    settings = Settings(bench_local_connections=True)
    for tag in created.asset_tags:
        await set_connection(DB, tag, ManualConnection(Connection.CHROOT, str(root)), admin, settings)
        disk = await Disk.select(Disk.id).where(Disk.device.asset_tag == tag).first()
        assert disk is not None
        record = ErasureRecord(disks=(ErasedDisk(disk["id"], True),), method="overwrite", tool="bench")
        await transition(DB, tag, Action.START_WIPE, admin, get_settings())
        await transition(
            DB, tag, Action.WIPE_PASSED, admin, get_settings(), TransitionRequest(erasure=record)
        )
    return {"Authorization": f"Bearer {token}"}, list(created.asset_tags), profile_id


async def _bench_token() -> str:
    from inventory.accounts.users import authenticate
    from inventory.runs.bench_tokens import issue_bench_token
    from inventory.sites.tables import Site

    admin = await authenticate("admin", "bench-password-1")
    site = await Site.select(Site.id).where(Site.code == "BEN").first()
    assert admin is not None
    assert site is not None
    return (await issue_bench_token(site["id"], "bench worker", admin)).secret


async def _executor(value: str) -> None:
    from inventory.accounts.users import authenticate
    from inventory.runs.choices import Executor
    from inventory.runs.starting import set_site_executor
    from inventory.sites.tables import Site

    admin = await authenticate("admin", "bench-password-1")
    site = await Site.select(Site.id).where(Site.code == "BEN").first()
    assert admin is not None
    assert site is not None
    await set_site_executor(site["id"], Executor(value), admin)


async def _delays(run_id: int) -> list[float]:
    from inventory.runs.tables import RunEvent

    rows = await RunEvent.select(RunEvent.created_at, RunEvent.received_at).where(
        (RunEvent.run == run_id) & RunEvent.created_at.is_not_null()
    )
    delays = []
    for row in rows:
        created = row["created_at"] if row["created_at"].tzinfo else row["created_at"].replace(tzinfo=dt.UTC)
        delays.append((row["received_at"] - created).total_seconds())
    return delays


def _provision(base_url: str, headers: dict[str, str], tag: str, profile_id: int) -> tuple[float, int, str]:
    import httpx

    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        started = time.perf_counter()
        response = http.post(
            "/api/v1/runs", json={"kind": "provision", "asset_tags": [tag], "profile_id": profile_id}
        )
        response.raise_for_status()
        run_id = int(response.json()["id"])
        while True:
            run = http.get(f"/api/v1/runs/{run_id}").json()
            if run["state"] not in ("queued", "running") and all(
                t["state"] not in ("pending", "running") for t in run["targets"]
            ):
                return time.perf_counter() - started, run_id, str(run["state"])
            time.sleep(0.1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def main() -> None:  # noqa: PLR0915 - one measurement, told in order
    """Print the ratio worker / in-process and the p95 event delay."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rootfs", type=Path, help="an existing Debian root to copy (default: debootstrap one)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("The benchmark enters a chroot and must run as root.")
    with tempfile.TemporaryDirectory(prefix="kierto-bench-workers-") as tmp:
        work = Path(tmp)
        os.environ.update(SERVER_ENV)
        os.environ["KIERTO_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
        os.environ["KIERTO_DATA_DIR"] = str(work)
        os.environ.setdefault("KIERTO_SECRET_KEY", "bench-secret-not-for-production")
        root = work / "machine"
        if args.rootfs:
            subprocess.run(["cp", "-a", str(args.rootfs), str(root)], check=True)
        else:
            print("Building a Debian root with debootstrap…", flush=True)
            build_rootfs(root)
        prepare_chroot(root)
        headers, tags, profile_id = asyncio.run(_setup(root, 1 + 2 * args.rounds))
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = (work / "server.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "inventory.cli", "serve", "--port", str(port)],  # as `kierto serve`
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker: subprocess.Popen[bytes] | None = None
        subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
        try:
            _wait_port(port)
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "inventory.cli",
                    "bench-worker",
                    "--server",
                    base_url,
                    "--token",
                    asyncio.run(_bench_token()),
                ],
                stdout=(work / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            print("Warm-up run (installs the packages once)…", flush=True)
            asyncio.run(_executor("local"))
            _provision(base_url, headers, tags[0], profile_id)
            local_times: list[float] = []
            worker_times: list[float] = []
            local_delays: list[float] = []
            worker_delays: list[float] = []
            for index in range(args.rounds):
                for executor, times, delays in (
                    ("local", local_times, local_delays),
                    ("worker", worker_times, worker_delays),
                ):
                    asyncio.run(_executor(executor))
                    tag = tags[1 + 2 * index + (executor == "worker")]
                    seconds, run_id, state = _provision(base_url, headers, tag, profile_id)
                    if state != "successful":
                        sys.exit(f"the {executor} run {run_id} ended {state}; see {work}")
                    times.append(seconds)
                    delays.extend(asyncio.run(_delays(run_id)))
        finally:
            for process in (worker, server):
                if process is not None and process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
            subprocess.run(["umount", "--lazy", str(root / "proc")], check=False)

    local, remote = statistics.median(local_times), statistics.median(worker_times)
    print(
        f"provision.yml into a chroot through the API, {args.rounds} rounds, median of each; {load_average()}"
    )
    print(f"  in-process (server)  : {local:7.2f} s   (all: {', '.join(f'{t:.2f}' for t in local_times)})")
    print(f"  bench worker         : {remote:7.2f} s   (all: {', '.join(f'{t:.2f}' for t in worker_times)})")
    print(f"  ratio worker / local : {remote / local:7.3f}   (target ≤ 1.10)")
    print("event on the runner → stored on the server:")
    print(f"  in-process p95       : {_p95(local_delays):7.3f} s over {len(local_delays)} events")
    print(
        f"  bench worker p95     : {_p95(worker_delays):7.3f} s over {len(worker_delays)} events (target < 1 s)"
    )


if __name__ == "__main__":
    main()
