"""An installation whose server or bench worker is killed mid-write leaves the device retryable; the retry installs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from inventory.permissions import Role
from provisioning.golden_image import GoldenImage
from tests.golden import TEST_IMAGE
from tests.runs.helpers import (
    WORK_DIRS,
    bare_device,
    bench_token,
    holders,
    kill_group,
    sparse_loop,
    start_server,
    start_worker,
    use_bench_worker,
    wait_run,
)
from tests.support import require, require_tool

TARGET = Path("/mnt/kierto-target")  # os_install_target's default: where the new system is mounted
DISK_BYTES = 2 << 30
# The step during which the bench is killed: the image is being written onto the new file system.
WRITING = "Lay the golden image down"
PROFILE = {
    "slug": TEST_IMAGE.profile,
    "name_fi": "Testi",
    "name_en": "Test",
    "variables": {
        **TEST_IMAGE.variables,
        "client_account_username": "asiakas",
        "os_install_efi_size_mib": 64,
        "os_install_swap_size_mib": 64,
    },
}


def _require_machine() -> None:
    require(os.geteuid() == 0, "installing onto a loop device needs root")
    for tool in ("losetup", "sfdisk", "partx", "wipefs", "mkfs.vfat", "mkfs.ext4", "mcopy", "zstd", "fuser"):
        require_tool(tool, "apt-get install fdisk dosfstools e2fsprogs mtools zstd psmisc")


def _release_installation(device: str) -> None:
    """What a test that failed half-way may leave: the new system mounted, the kernel's partitions, their nodes."""
    if subprocess.run(["mountpoint", "-q", str(TARGET)], check=False).returncode == 0:
        subprocess.run(["fuser", "-s", "-k", "-m", str(TARGET)], check=False, stderr=subprocess.DEVNULL)
        subprocess.run(["umount", "--recursive", "--lazy", str(TARGET)], check=False)
    subprocess.run(["partx", "--delete", device], check=False, capture_output=True)
    for node in Path("/dev").glob(f"{Path(device).name}p*"):
        node.unlink()  # made by kierto.bench.disk_partitions where no udev runs


@contextlib.contextmanager
def _bench_disk(directory: Path) -> Iterator[tuple[str, str]]:
    """The laptop's only disk: a loop device on a sparse file, released with whatever an installation left."""
    with sparse_loop(directory, size=DISK_BYTES) as (device, image):
        try:
            yield device, image
        finally:
            _release_installation(device)


def _table(device: str) -> dict[str, Any]:
    """The disk's partition table as sfdisk reads it ({} when it has none)."""
    read = subprocess.run(["sfdisk", "--json", device], capture_output=True, text=True, check=False)
    return dict(json.loads(read.stdout)["partitiontable"]) if read.returncode == 0 else {}


def _new_system_mounted() -> bool:
    return TARGET.is_mount()


def _users_of_the_new_system() -> list[int]:
    """Processes with their root, working directory or an open file inside the mounted new system."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            links = [process / "root", process / "cwd", *(process / "fd").iterdir()]
            if any(os.readlink(link).startswith(f"{TARGET}/") for link in links):
                found.append(int(process.name))
        except OSError:
            continue
    return found


async def _post_run(
    http: httpx.AsyncClient, headers: dict[str, str], kind: str, tag: str, **extra: Any
) -> int:
    response = await http.post(
        "/api/v1/runs", json={"kind": kind, "asset_tags": [tag], **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _scan_and_wipe(http: httpx.AsyncClient, trainee: dict[str, str], tag: str, device: str) -> None:
    """The bench's real scan and erasure: the loop device becomes the laptop's one erased disk."""
    scan = await wait_run(http, await _post_run(http, trainee, "scan", tag), trainee, seconds=180)
    assert scan["state"] == "successful", scan
    disks = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["disks"]
    assert len(disks) == 1, f"only {device} is expected on the bench: {disks}"
    wipe = await wait_run(http, await _post_run(http, trainee, "wipe", tag), trainee, seconds=600)
    assert wipe["state"] == "successful", wipe
    assert (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["state"] == "wiped"


async def _until_writing(http: httpx.AsyncClient, run_id: int, headers: dict[str, str]) -> None:
    """Wait until the installation writes the image onto the disk it has just partitioned."""
    deadline = asyncio.get_running_loop().time() + 300
    while True:
        run = (await http.get(f"/api/v1/runs/{run_id}", headers=headers)).json()
        if run["targets"][0]["current_task"] == WRITING:
            return
        assert run["state"] in {"queued", "running"}, f"the installation ended before writing: {run}"
        assert asyncio.get_running_loop().time() < deadline, f"the installation did not start writing: {run}"
        await asyncio.sleep(0.1)


async def _interrupted_and_retryable(
    http: httpx.AsyncClient, trainee: dict[str, str], tag: str, run_id: int, device: str, image: str
) -> str:
    """The killed installation ended as interrupted, the device can start again, nothing of it still runs.

    Returns the interrupted installation's partition table identifier.
    """
    run = await wait_run(http, run_id, trainee, seconds=120)
    assert run["state"] == "interrupted", run
    assert run["targets"][0]["state"] == "interrupted", run
    device_row = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
    assert device_row["state"] == "provisioning_failed"
    assert "start_provisioning" in device_row["available_actions"]
    history = (await http.get(f"/api/v1/devices/{tag}/events", headers=trainee)).json()
    assert "interrupted" in history[-1]["reason"], history[-1]
    assert "Start it again" in history[-1]["reason"], history[-1]
    # Ansible outlives a killed server or worker (its workers have sessions of their own): what it left
    # writing is stopped before the device is offered for a retry.
    assert not holders(device, image), "the killed installation still holds the disk"
    assert not _users_of_the_new_system(), "the killed installation still writes into the new system"
    # The disk is not erased any more: it holds the interrupted installation's partitions.
    table = _table(device)
    assert table.get("label") == "gpt", "the installation was killed after partitioning"
    return str(table["id"])


async def _retry_installs(
    http: httpx.AsyncClient, trainee: dict[str, str], tag: str, profile_id: int, device: str, interrupted: str
) -> None:
    """A retry from the start installs onto the same, half-written disk."""
    run = await wait_run(
        http, await _post_run(http, trainee, "provision", tag, profile_id=profile_id), trainee, seconds=900
    )
    assert run["state"] == "successful", run
    assert run["targets"][0]["state"] == "passed", run
    assert (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["state"] == "ready"
    table = _table(device)
    assert [p.get("name") for p in table["partitions"]] == [
        "kierto-bios",
        "kierto-efi",
        "kierto-swap",
        "kierto-root",
    ]
    assert table["id"] != interrupted, "a finished installation no longer carries the unfinished mark"
    assert not _new_system_mounted(), "the finished installation unmounted the new system"


async def _worker_online(http: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Wait until the restarted worker has registered (it stops its predecessor's leftovers before that)."""
    for _ in range(300):
        sites = (await http.get("/api/v1/bench/sites", headers=headers)).json()
        if any(w["online"] for s in sites if s["site_code"] == "JNS" for w in s["workers"]):
            return
        await asyncio.sleep(0.2)
    pytest.fail("the restarted bench worker did not come online")


async def _profile(http: httpx.AsyncClient, admin: dict[str, str]) -> int:
    response = await http.post("/api/v1/profiles", json=PROFILE, headers=admin)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.slow
async def test_a_server_killed_while_installing_comes_back_with_the_device_retryable_and_the_retry_installs(
    golden_image: GoldenImage, db: Any, headers_for: Any, tmp_path: Path
) -> None:
    _require_machine()
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(db)
    images = {"KIERTO_GOLDEN_IMAGE_DIR": str(golden_image.archive.parent)}
    with _bench_disk(tmp_path) as (device, image):
        process, url = start_server(workers=1, extra_env=images)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                profile_id = await _profile(http, admin)
                await http.put(
                    f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin
                )
                await _scan_and_wipe(http, trainee, tag, device)
                run_id = await _post_run(http, trainee, "provision", tag, profile_id=profile_id)
                await _until_writing(http, run_id, trainee)
        finally:
            kill_group(process)  # the server, and the Ansible it started, die at once

        process, url = start_server(workers=1, extra_env=images)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                interrupted = await _interrupted_and_retryable(http, trainee, tag, run_id, device, image)
                await _retry_installs(http, trainee, tag, profile_id, device, interrupted)
        finally:
            kill_group(process)


@pytest.mark.slow
async def test_a_bench_worker_killed_while_installing_leaves_the_device_retryable_and_the_retry_installs(
    golden_image: GoldenImage, db: Any, headers_for: Any, tmp_path: Path
) -> None:
    _require_machine()
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    await use_bench_worker("JNS")
    token = await bench_token("JNS")
    tag = await bare_device(db)
    with _bench_disk(tmp_path) as (device, image):
        process, url = start_server(
            workers=1, extra_env={"KIERTO_GOLDEN_IMAGE_DIR": str(golden_image.archive.parent)}
        )
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                profile_id = await _profile(http, admin)
                await http.put(
                    f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin
                )
                worker = start_worker(url, token)
                work_dir = WORK_DIRS[worker.pid]
                try:
                    await _scan_and_wipe(http, trainee, tag, device)
                    run_id = await _post_run(http, trainee, "provision", tag, profile_id=profile_id)
                    await _until_writing(http, run_id, trainee)
                finally:
                    kill_group(worker)
                # The server notices the silent worker; restarted where it keeps its runs, as a service is,
                # the worker stops what its killed predecessor left running before it takes the retry.
                again = start_worker(url, token, name="penkki-1", work_dir=work_dir)
                try:
                    assert (await wait_run(http, run_id, trainee, seconds=120))["state"] == "interrupted"
                    await _worker_online(http, trainee)
                    interrupted = await _interrupted_and_retryable(http, trainee, tag, run_id, device, image)
                    await _retry_installs(http, trainee, tag, profile_id, device, interrupted)
                finally:
                    kill_group(again, signal.SIGTERM)
        finally:
            kill_group(process)
