"""Benchmark (run as root: python -m benchmarks.installation --profile standard-desktop): installing from a golden image.

Measures, for one profile: the image's build time and size; installing it onto a loop device with
install.yml against building the same system with apt (debootstrap + the profile's roles into a
fresh root, as provision.yml would), as a ratio; the CPU time the machine running Ansible spends per
installation (an upper bound here: with the local connection the unpacking, which a real bench does
on the laptop, is counted too); and how many image writes to loop devices run at once before the
disk is the limit (aggregate MB/s for 1, 2, 4 … writers).

Figures, 2026-12-04, this 2-core machine under the other engineers' load, test profile `kierto-test`
(the standard roles with a small package set; the standard desktop is measured with --profile):
see docs/installation.md, where the figures of each run are kept.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from provisioning.default_profiles import DEFAULT_PROFILES
from provisioning.golden_image import (
    GoldenImage,
    ImageRecipe,
    build_golden_image,
    debootstrap,
    prepared_chroot,
    run_image_roles,
    run_to_end,
)
from provisioning.hosts import LocalHost
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir

TEST_PROFILE = {
    "desktop_apps_desktop_packages": [],
    "desktop_apps_packages": ["hunspell-sv"],
    "accessibility_enabled": False,
}
PASSWORD_HASH = (
    "$6$kiertotest$pPCOvlhjbRc22vqlgue3hycjb9tUHKJx9lDNhqVnqp3cjqWy13keUECWH5SZaJzP91gIBdUGTXXHPY4pVOdsw/"
)


def recipe_for(slug: str) -> ImageRecipe:
    """The named default profile, or the small test profile `kierto-test`."""
    for profile in DEFAULT_PROFILES:
        if profile.slug == slug:
            return ImageRecipe(profile.slug, dict(profile.variables))
    return ImageRecipe("kierto-test", TEST_PROFILE)


@contextlib.contextmanager
def loop_disk(folder: Path, size: int) -> Iterator[tuple[str, Path]]:
    """A sparse disk image attached to a loop device; detached (and its partition nodes removed) afterwards."""
    image = folder / "disk.img"
    with open(image, "wb") as handle:
        handle.truncate(size)
    device = subprocess.run(
        ["losetup", "--find", "--show", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        yield device, image
    finally:
        subprocess.run(
            ["umount", "--recursive", "--lazy", "/mnt/kierto-target"], check=False, capture_output=True
        )
        subprocess.run(["partx", "--delete", device], check=False, capture_output=True)
        for node in Path("/dev").glob(f"{Path(device).name}p*"):
            node.unlink()
        subprocess.run(["losetup", "--detach", device], check=False)


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def install_seconds(image: GoldenImage, disk_bytes: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds of install.yml onto a fresh loop device."""
    with tempfile.TemporaryDirectory() as scratch, loop_disk(Path(scratch), disk_bytes) as (device, file):
        job = Job(
            Playbook.INSTALL,
            (LocalHost("JNS-000001-9"),),
            extravars={
                "os_install_image": str(image.archive),
                "os_install_image_sha256": image.manifest["sha256"],
                "os_install_swap_size_mib": 256,
            },
            host_vars={
                "JNS-000001-9": {
                    "os_install_disk": {"device": device, "serial": str(file.resolve())},
                    "client_account_username": "asiakas",
                    "client_account_password_hash": PASSWORD_HASH,
                }
            },
        )
        cpu, started = children_cpu(), time.monotonic()
        _, status = await run_to_end(job)
        seconds, cpu_used = time.monotonic() - started, children_cpu() - cpu
        if status.value != "successful":
            raise SystemExit(f"install.yml ended {status.value}")
        return seconds, cpu_used


async def apt_seconds(recipe: ImageRecipe) -> float:
    """Wall seconds to make the same system with apt: debootstrap, then the profile's roles into it."""
    with tempfile.TemporaryDirectory(dir="/var/tmp") as scratch:
        root = Path(scratch) / "root"
        started = time.monotonic()
        await asyncio.to_thread(debootstrap, root)
        with prepared_chroot(root):
            await run_image_roles(root, recipe, default_playbooks_dir())
        return time.monotonic() - started


def write_once(image: Path, folder: Path) -> int:
    """Unpack the image into an ext4 file system on a loop device; return the bytes written."""
    disk = folder / "fs.img"
    with open(disk, "wb") as handle:
        handle.truncate(8 << 30)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(disk)], check=True)
    mount = folder / "mnt"
    mount.mkdir()
    subprocess.run(["mount", "-o", "loop", str(disk), str(mount)], check=True)
    try:
        subprocess.run(
            f"zstd -dc {image} | tar -x --numeric-owner -C {mount} && sync -f {mount}", shell=True, check=True
        )
        used = subprocess.run(["du", "-sb", str(mount)], capture_output=True, text=True, check=True).stdout
        return int(used.split()[0])
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def parallel_writes(image: Path, counts: list[int]) -> list[dict[str, float]]:
    """Aggregate MB/s of N simultaneous image writes to loop devices, for each N."""
    rows = []
    for count in counts:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as scratch:
            folders = [Path(scratch) / str(i) for i in range(count)]
            for folder in folders:
                folder.mkdir()
            started = time.monotonic()
            with ThreadPoolExecutor(count) as pool:
                written = sum(pool.map(lambda folder: write_once(image, folder), folders))
            seconds = time.monotonic() - started
        rows.append(
            {"writers": count, "seconds": round(seconds, 1), "mb_per_s": round(written / 1e6 / seconds, 1)}
        )
    return rows


async def main() -> None:
    """Run the measurements and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="standard-desktop", help="a default profile, or kierto-test")
    parser.add_argument("--cache", type=Path, default=Path("/var/tmp/kierto-golden-images"))
    parser.add_argument("--writers", default="1,2,4", help="numbers of simultaneous image writes")
    parser.add_argument(
        "--skip-apt", action="store_true", help="leave out the apt baseline (long for a desktop)"
    )
    args = parser.parse_args()
    recipe = recipe_for(args.profile)
    image = await build_golden_image(recipe, args.cache)
    figures: dict[str, object] = {
        "profile": recipe.profile,
        "image_build_seconds": image.manifest["build_seconds"],
        "image_mb": round(image.manifest["size"] / 1e6),
        "packages": image.manifest["package_count"],
    }
    installed, cpu = await install_seconds(image, 12 << 30)
    figures |= {"install_seconds": round(installed, 1), "install_cpu_seconds_upper_bound": round(cpu, 1)}
    if not args.skip_apt:
        apt = await apt_seconds(recipe)
        figures |= {"apt_seconds": round(apt, 1), "image_vs_apt_speedup": round(apt / installed, 2)}
    figures["parallel_writes"] = parallel_writes(image.archive, [int(n) for n in args.writers.split(",")])
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
