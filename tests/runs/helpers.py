"""Helpers for the runs tests: a real server process, waiting for runs, devices fresh from intake, worker scans."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.devices.intake import NewDevice
from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
from inventory.permissions import Role
from provisioning.streaming import work
from tests import factories
from tests.conftest import free_port, wait_for_port

# Short timeouts so that a dead worker or server is noticed within seconds in the tests.
TEST_SERVER_ENV = {
    "KIERTO_BENCH_LOCAL_CONNECTIONS": "true",
    "KIERTO_BENCH_LOOP_DEVICES": "true",
    "KIERTO_BENCH_WORKER_TIMEOUT_SECONDS": "3",
    "KIERTO_RUN_STALE_SECONDS": "10",
}
# The run directory of each server or worker process the tests start, by pid.
WORK_DIRS: dict[int, str] = {}
FINISHED = {"successful", "failed", "canceled", "timeout", "error", "interrupted"}


def start_server(
    workers: int = 1, extra_env: dict[str, str] | None = None, host: str = "127.0.0.1"
) -> tuple[subprocess.Popen[bytes], str]:
    """The real application under uvicorn in its own process group; returns the process and its URL."""
    port = free_port()
    env = {
        **os.environ,
        **TEST_SERVER_ENV,
        **(extra_env or {}),
        "KIERTO_BASE_URL": f"http://{host}:{port}",
    }
    # Runs keep their files apart, so that Ansible left behind by a killed server can be found.
    env["KIERTO_RUN_WORK_DIR"] = tempfile.mkdtemp(prefix="kierto-server-runs-")
    # The output goes to a file: a pipe nobody reads would block the server once full.
    log = tempfile.NamedTemporaryFile(prefix="kierto-server-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "inventory.app:create_app",
            "--factory",
            "--host",
            host,
            "--port",
            str(port),
            "--no-access-log",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    WORK_DIRS[process.pid] = env["KIERTO_RUN_WORK_DIR"]
    wait_for_port(port, process, host=host)
    return process, f"http://{host}:{port}"


def kill_group(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGKILL) -> None:
    """Signal a process and everything it started, including Ansible runs in sessions of their own."""
    if process.poll() is None or sig is signal.SIGKILL:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    work_dir = WORK_DIRS.pop(process.pid, None)
    if work_dir:
        # ansible-runner starts Ansible in its own session: a killed parent leaves it running.
        for pid in _running_in(work_dir):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _running_in(work_dir: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if work_dir.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


async def wait_run(
    http: httpx.AsyncClient, run_id: int, headers: dict[str, str], seconds: float = 900
) -> dict[str, Any]:
    """Poll a run until it has ended; return it."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        response = await http.get(f"/api/v1/runs/{run_id}", headers=headers)
        assert response.status_code == 200, response.text
        run: dict[str, Any] = response.json()
        # Ended, and every device moved on (the outcomes follow the run's end by a moment).
        if run["state"] in FINISHED and all(t["state"] not in {"pending", "running"} for t in run["targets"]):
            return run
        assert asyncio.get_running_loop().time() < deadline, f"run {run_id} did not end: {run}"
        await asyncio.sleep(0.2)


async def bare_device(engine: Any, site_code: str = "JNS") -> str:
    """A received laptop known only by its tag: no serial, no disks (the scan fills them in)."""
    site_id = await factories.site(site_code)
    donor_id = await create_donor(NewDonor(name="Testilahjoittaja Oy"))
    created = await create_donation(
        engine,
        NewDonation(donor_id=donor_id, site_id=site_id, devices=(NewDevice(make="", model=""),)),
        Actor.system("tests"),
    )
    return created.asset_tags[0]


async def bench_token(site_code: str = "JNS") -> str:
    """A bench token bound to the site, made by an administrator."""
    from inventory.permissions import Role
    from inventory.runs.bench_tokens import issue_bench_token

    admin = await factories.user(Role.ADMIN, site_code=site_code)
    return (await issue_bench_token(await factories.site(site_code), "bench", admin)).secret


async def use_bench_worker(site_code: str = "JNS") -> None:
    """Send the site's runs to its bench worker."""
    from inventory.permissions import Role
    from inventory.runs.choices import Executor
    from inventory.runs.starting import set_site_executor

    admin = await factories.user(Role.ADMIN, site_code=site_code)
    await set_site_executor(await factories.site(site_code), Executor.WORKER, admin)


def start_worker(
    server: str, token: str, name: str = "penkki-1", work_dir: str | None = None
) -> subprocess.Popen[bytes]:
    """`kierto bench-worker` as its own process (group), keeping its runs in `work_dir` (a new dir if None)."""
    log = tempfile.NamedTemporaryFile(prefix="kierto-worker-", suffix=".log", delete=False)  # noqa: SIM115
    work_dir = work_dir or tempfile.mkdtemp(prefix="kierto-worker-runs-")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inventory.cli",
            "bench-worker",
            "--server",
            server,
            "--token",
            token,
            "--name",
            name,
            "--work-dir",
            work_dir,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    WORK_DIRS[process.pid] = work_dir
    return process


@contextlib.contextmanager
def sparse_loop(directory: Any, size: int = 4 << 30) -> Any:
    """A loop device on a sparse file (nothing written yet): a disk that takes a while to erase."""
    from tests.support import require_tool

    require_tool("losetup")
    image = directory / "big.img"
    with open(image, "wb") as handle:
        handle.truncate(size)
    device = subprocess.run(
        ["losetup", "--find", "--show", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        yield device, str(image.resolve())
    finally:
        release(device, str(image.resolve()))
        image.unlink()  # gigabytes once written: never leave it for pytest to keep


def holders(*paths: str) -> list[int]:
    """Processes with one of the paths open (Ansible left behind by a killed server or worker)."""
    holders = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) in paths for fd in fd_dir.iterdir()):
                holders.append(int(fd_dir.parent.name))
        except OSError:
            continue
    return holders


# A killed writer lets go of the loop device only once the kernel has flushed the gigabytes it left in
# the page cache: seconds on a fast disk, minutes on a slow shared one (seen in CI).
RELEASE_SECONDS = 300


def release(device: str, image: str) -> None:
    """Kill whatever still writes to a test disk (its runner was killed, not it), then detach the loop."""
    deadline = time.monotonic() + RELEASE_SECONDS
    while True:
        holding = holders(device, image)
        for pid in holding:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        subprocess.run(["losetup", "--detach", device], check=False, capture_output=True)
        attached = subprocess.run(
            ["losetup", "--associated", image], capture_output=True, text=True, check=False
        )
        if not attached.stdout.strip():
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{device} could not be detached from {image}; still held by {holding}")
        time.sleep(0.2)


@dataclass(frozen=True)
class WorkerScan:
    """A scan run a bench worker has taken and worked through, its result stream not yet posted."""

    run: dict[str, Any]
    trainee: dict[str, str]
    token: dict[str, str]
    worker: int
    stream: bytes

    @property
    def results_url(self) -> str:
        """Where the worker posts the run's result stream."""
        return f"/api/v1/bench/workers/{self.worker}/jobs/{self.run['job_ident']}/results"


async def worker_scan(engine: Any, client: httpx.AsyncClient, headers_for: Any) -> WorkerScan:
    """A trainee starts a scan of a bare laptop at JNS; the site's bench worker takes it and runs it for real."""
    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(engine)
    await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    run = (
        await client.post("/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee)
    ).json()
    token = {"Authorization": f"Bearer {await bench_token('JNS')}"}
    registered = await client.post(
        "/api/v1/bench/workers", json={"name": "joensuu", "version": "1.0"}, headers=token
    )
    assert registered.status_code == 200, registered.text
    worker = int(registered.json()["worker_id"])
    job = await client.get(f"/api/v1/bench/workers/{worker}/jobs/next", params={"wait": 0}, headers=token)
    result = io.BytesIO()
    await asyncio.to_thread(work, io.BytesIO(job.content), result)
    return WorkerScan(run, trainee, token, worker, result.getvalue())
