"""Machines for real runs, shared by the whole suite: loop devices with random data, a debootstrapped Debian root."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from provisioning.apt_sources import debian_mirror
from tests.support import IN_CI, require, require_tool

DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = os.environ.get("KIERTO_TEST_DEBIAN_MIRROR") or debian_mirror()
ROOTFS_CACHE_ENV = "KIERTO_TEST_ROOTFS_CACHE"
BENCH_USER = "kierto-bench"


@dataclass(frozen=True)
class TestDisk:
    """A disk for wipe tests: a loop device (or, without loop support, the image file itself)."""

    device: str
    serial: str
    image: Path
    is_image_file: bool

    def digest(self) -> str:
        """SHA-256 of the disk's content, read from the device."""
        with open(self.device, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()

    def is_zero(self) -> bool:
        """True when every byte of the device reads back as zero."""
        with open(self.device, "rb") as handle:
            while chunk := handle.read(1 << 20):
                if chunk.count(0) != len(chunk):
                    return False
        return True


def _make_image(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        handle.write(os.urandom(size))


@pytest.fixture
def make_disks(tmp_path: Path) -> Iterator[object]:
    """A factory of test disks filled with random data; loop devices are always detached."""
    require(os.geteuid() == 0, "erasing loop devices needs root")
    attached: list[str] = []
    loops_work = shutil.which("losetup") is not None

    def make(count: int, size: int = 8 << 20) -> list[TestDisk]:
        nonlocal loops_work
        disks = []
        for _ in range(count):
            image = tmp_path / f"disk-{len(attached) + len(disks)}.img"
            _make_image(image, size)
            if loops_work:
                result = subprocess.run(
                    ["losetup", "--find", "--show", str(image)], capture_output=True, text=True, check=False
                )
                if result.returncode == 0:
                    device = result.stdout.strip()
                    attached.append(device)
                    disks.append(TestDisk(device, str(image.resolve()), image, is_image_file=False))
                    continue
                if IN_CI:
                    pytest.fail(f"losetup could not attach a loop device: {result.stderr.strip()}")
                loops_work = False
            disks.append(TestDisk(str(image), str(image.resolve()), image, is_image_file=True))
        return disks

    try:
        yield make
    finally:
        for device in attached:
            subprocess.run(["losetup", "--detach", device], check=False)


def _debootstrap(target: Path) -> None:
    require_tool("debootstrap", "apt-get install debootstrap")
    subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=python3,python3-apt",
            DEBIAN_SUITE,
            str(target),
            DEBIAN_MIRROR,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Keep the cache small: downloaded .deb files are not needed any more.
    shutil.rmtree(target / "var" / "cache" / "apt" / "archives", ignore_errors=True)
    (target / "var" / "cache" / "apt" / "archives" / "partial").mkdir(parents=True, exist_ok=True)


def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this machine's test runs share one debootstrapped root: beside pytest's temporary dirs,
    so parallel workers and the PostgreSQL run after the SQLite run build it once (fresh every day)."""
    configured = os.environ.get(ROOTFS_CACHE_ENV)
    if configured:
        return Path(configured)
    day = dt.date.today().isoformat()  # noqa: DTZ011 (a cache key, not a moment)
    # pytest's own root (/tmp/pytest-of-<user>): a run's dir (pytest-<n>), and under xdist a worker's
    # (pytest-<n>/popen-gw0), are new on every run.
    base = tmp_path_factory.getbasetemp()
    root = next(
        (folder for folder in (base, *base.parents) if folder.name.startswith("pytest-of-")), base.parent
    )
    return root / f"debian-{DEBIAN_SUITE}-minbase-{day}.tar"


@pytest.fixture(scope="session")
def debian_rootfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A minimal Debian root file system, built once per machine and day, then unpacked per session."""
    require(os.geteuid() == 0, "building and entering a Debian chroot needs root")
    target = tmp_path_factory.mktemp("rootfs") / "debian"
    cache = _shared_cache(tmp_path_factory)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{cache}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder; the others wait and unpack its archive
        if not cache.is_file():
            for stale in cache.parent.glob(f"debian-{DEBIAN_SUITE}-minbase-*.tar"):
                stale.unlink()  # an earlier day's, a quarter of a gigabyte each
            _debootstrap(target)
            partial = cache.with_suffix(".partial")
            with tarfile.open(partial, "w") as archive:
                archive.add(target, arcname=".")
            partial.rename(cache)
            return target
    target.mkdir()
    with tarfile.open(cache) as archive:
        archive.extractall(target, filter="fully_trusted")
    return target


def _in_chroot(root: Path, *command: str) -> None:
    subprocess.run(["chroot", str(root), *command], check=True, stdout=subprocess.DEVNULL)


@pytest.fixture
def bench_chroot(debian_rootfs: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the Debian root as a freshly installed bench machine: bench user, key, sudo rule."""
    root = tmp_path / "machine"
    subprocess.run(["cp", "-a", str(debian_rootfs), str(root)], check=True)
    policy = root / "usr" / "sbin" / "policy-rc.d"
    policy.write_text("#!/bin/sh\n# No services start inside the test chroot.\nexit 101\n")
    policy.chmod(0o755)
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    _in_chroot(root, "useradd", "--create-home", "--shell", "/bin/bash", BENCH_USER)
    ssh_dir = root / "home" / BENCH_USER / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    (ssh_dir / "authorized_keys").write_text(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchKeyForTests kierto-bench\n"
    )
    (root / "root" / ".ssh").mkdir(mode=0o700, exist_ok=True)
    (root / "root" / ".ssh" / "authorized_keys").write_text(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchKeyForTests\n"
    )
    (root / "etc" / "sudoers.d").mkdir(exist_ok=True)
    (root / "etc" / "sudoers.d" / BENCH_USER).write_text(f"{BENCH_USER} ALL=(ALL) NOPASSWD: ALL\n")
    proc = root / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", "--lazy", str(proc)], check=False)
