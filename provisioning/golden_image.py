"""Golden images: a profile's image-time roles run once into a debootstrap root, packed with a manifest."""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from provisioning.apt_sources import debian_mirror, security_mirror
from provisioning.events import Event, RunStatus, TaskOutcome, TaskResult
from provisioning.hosts import ChrootHost
from provisioning.local_runner import start_local_run
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir
from provisioning.variables import documented_variables

SUITE = "bookworm"
MANIFEST_FORMAT = 1
# What every image has besides its profile's roles: a kernel, an init, GRUB for both boot modes
# (grub-install runs inside the image at installation) and Python for the per-machine roles.
BASE_PACKAGES = (
    "linux-image-amd64",
    "systemd-sysv",
    "initramfs-tools",
    "grub2-common",
    "grub-pc-bin",
    "grub-efi-amd64-bin",
    "efibootmgr",
    "e2fsprogs",
    "dosfstools",
    "python3",
    "python3-apt",
    "locales",
    "passwd",
)
BUILD_TIMEOUT_SECONDS = 3 * 3600
ARCHIVE_SUFFIX = ".tar.zst"


class ImageBuildFailed(RuntimeError):
    """The image could not be built; the message says which step failed."""


@dataclass(frozen=True, slots=True)
class ImageRecipe:
    """What an image is made of: a profile's short name and its role variables."""

    profile: str
    variables: Mapping[str, Any]
    suite: str = SUITE


@dataclass(frozen=True, slots=True)
class GoldenImage:
    """A packed image on disk and its manifest."""

    archive: Path
    manifest: dict[str, Any]
    built: bool  # False when it came from the cache

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lies, next to the archive."""
        return manifest_path_of(self.archive)


def manifest_path_of(archive: Path) -> Path:
    """The manifest file of an archive (`x.tar.zst` → `x.json`)."""
    return archive.with_name(archive.name.removesuffix(ARCHIVE_SUFFIX) + ".json")


def image_roles(playbooks_dir: Path) -> list[str]:
    """The roles image.yml runs, in order."""
    plays = yaml.safe_load((playbooks_dir / Playbook.IMAGE.value).read_text(encoding="utf-8")) or []
    return [
        entry["role"] if isinstance(entry, dict) else str(entry)
        for play in plays
        for entry in play.get("roles", [])
    ]


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def role_versions(playbooks_dir: Path) -> dict[str, str]:
    """Each image role's version: the SHA-256 of its directory's files (names and contents)."""
    return {role: _tree_digest(playbooks_dir / "roles" / role) for role in image_roles(playbooks_dir)}


def image_variables(variables: Mapping[str, Any], playbooks_dir: Path) -> dict[str, Any]:
    """The profile variables that shape the image (the per-machine ones are left for installation)."""
    allowed = documented_variables(playbooks_dir, Playbook.IMAGE.value)
    return {name: value for name, value in variables.items() if name in allowed}


def cache_key(recipe: ImageRecipe, playbooks_dir: Path) -> str:
    """The hash of everything the image is built from: profile, variables, roles, image.yml, base."""
    material = {
        "format": MANIFEST_FORMAT,
        "profile": recipe.profile,
        "suite": recipe.suite,
        "variables": image_variables(recipe.variables, playbooks_dir),
        "roles": role_versions(playbooks_dir),
        "playbook": hashlib.sha256((playbooks_dir / Playbook.IMAGE.value).read_bytes()).hexdigest(),
        "collections": _tree_digest(playbooks_dir / "collections"),
        "base": BASE_PACKAGES,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def archive_path(cache_dir: Path, recipe: ImageRecipe, key: str) -> Path:
    """Where the image of a recipe with this key is kept."""
    return cache_dir / f"{recipe.profile}-{key[:16]}{ARCHIVE_SUFFIX}"


def read_manifest(archive: Path) -> dict[str, Any] | None:
    """The manifest of a finished image, or None when the image or its manifest is missing."""
    manifest = manifest_path_of(archive)
    if not archive.is_file() or not manifest.is_file():
        return None
    data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    return data


def list_images(cache_dir: Path) -> list[dict[str, Any]]:
    """The manifests of every finished image in the cache, newest first."""
    manifests = []
    for archive in cache_dir.glob(f"*{ARCHIVE_SUFFIX}") if cache_dir.is_dir() else []:
        manifest = read_manifest(archive)
        if manifest is not None:
            manifests.append(manifest | {"path": str(archive)})
    return sorted(manifests, key=lambda m: str(m.get("built_at", "")), reverse=True)


def apt_sources_list(suite: str = SUITE) -> str:
    """sources.list for an image: this machine's Debian mirror, with updates and security updates."""
    mirror = debian_mirror(suite)
    lines = [f"deb {mirror} {suite} main", f"deb {mirror} {suite}-updates main"]
    security = security_mirror(suite)
    if security:
        lines.append(f"deb {security} {suite}-security main")
    return "\n".join(lines) + "\n"


def _step(what: str, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ImageBuildFailed(f"{what} failed (exit status {result.returncode}): {' | '.join(tail)}")
    return result


def debootstrap(root: Path, suite: str = SUITE) -> None:
    """A minimal Debian root with the base packages, from this machine's mirror."""
    _step(
        "debootstrap",
        [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(BASE_PACKAGES)}",
            suite,
            str(root),
            debian_mirror(suite),
        ],
    )
    (root / "etc" / "apt" / "sources.list").write_text(apt_sources_list(suite), encoding="utf-8")


@contextmanager
def prepared_chroot(root: Path) -> Iterator[Path]:
    """The root made ready for Ansible (proc, name resolution, no services starting), tidied afterwards."""
    policy = root / "usr" / "sbin" / "policy-rc.d"
    policy.write_text("#!/bin/sh\n# No services start while the image is built.\nexit 101\n")
    policy.chmod(0o755)
    resolv = root / "etc" / "resolv.conf"
    resolv.unlink(missing_ok=True)
    shutil.copy("/etc/resolv.conf", resolv)
    proc = root / "proc"
    _step("mounting /proc in the image", ["mount", "-t", "proc", "proc", str(proc)])
    try:
        yield root
    finally:
        subprocess.run(["umount", "--lazy", str(proc)], check=False)
        policy.unlink(missing_ok=True)
        resolv.unlink(missing_ok=True)


def tidy(root: Path) -> None:
    """Leave nothing machine-specific or temporary in the image: caches, machine-id, SSH host keys."""
    for folder in ("var/cache/apt/archives", "var/lib/apt/lists", "tmp", "var/tmp"):
        path = root / folder
        if path.is_dir():
            for child in path.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                elif child.name != "lock":
                    child.unlink()
    (root / "var/cache/apt/archives/partial").mkdir(parents=True, exist_ok=True)
    (root / "var/lib/apt/lists/partial").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "machine-id").write_text("")  # systemd makes one at first boot
    (root / "var/lib/dbus/machine-id").unlink(missing_ok=True)
    for key in (root / "etc" / "ssh").glob("ssh_host_*"):
        key.unlink()
    (root / "etc" / "hostname").write_text("localhost\n")


def installed_packages(root: Path) -> list[dict[str, str]]:
    """Every installed package of the root with its version, from its dpkg database."""
    result = _step(
        "listing the packages",
        [
            "dpkg-query",
            f"--admindir={root / 'var' / 'lib' / 'dpkg'}",
            "--show",
            "--showformat=${Package}\t${Version}\t${db:Status-Abbrev}\n",
        ],
    )
    packages = []
    for line in result.stdout.splitlines():
        name, version, status = line.split("\t")
        if status.startswith("ii"):
            packages.append({"name": name, "version": version})
    return sorted(packages, key=lambda p: p["name"])


def pack(root: Path, archive: Path) -> str:
    """Pack the root as tar.zst (numeric owners, extended attributes) and return the archive's SHA-256."""
    with open(archive, "wb") as output:
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", str(root), "-cf", "-", "."],
            stdout=subprocess.PIPE,
        )
        zstd = subprocess.run(["zstd", "-q", "-T0", "-6", "-c"], stdin=tar.stdout, stdout=output, check=False)
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0 or zstd.returncode != 0:
            raise ImageBuildFailed("Packing the image (tar | zstd) failed.")
    with open(archive, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


async def run_to_end(job: Job) -> tuple[list[Event], RunStatus]:
    """Run a job in this process to its end: all its events and its final status."""
    handle = start_local_run(job)
    events = [event async for event in handle.events()]
    return events, (await handle.wait()).status


def _failures(events: list[Any]) -> list[str]:
    return [
        f"{event.task}: {event.message}"
        for event in events
        if isinstance(event, TaskResult) and event.outcome is TaskOutcome.FAILED and not event.ignored
    ]


async def run_image_roles(root: Path, recipe: ImageRecipe, playbooks_dir: Path) -> None:
    """Run image.yml's roles into the root through the chroot connection."""
    job = Job(
        Playbook.IMAGE,
        (ChrootHost("golden-image", root),),
        extravars=image_variables(recipe.variables, playbooks_dir),
        timeout_seconds=BUILD_TIMEOUT_SECONDS,
        playbooks_dir=playbooks_dir,
    )
    events, status = await run_to_end(job)
    if status.value != "successful":
        detail = "; ".join(_failures(events)) or status.value
        raise ImageBuildFailed(f"The profile's roles did not finish ({status.value}): {detail}")


def _unmount(path: Path) -> None:
    subprocess.run(["umount", "--lazy", str(path)], check=False, capture_output=True)


def _record(
    recipe: ImageRecipe,
    key: str,
    archive: Path,
    partial: Path,
    digest: str,
    packages: list[dict[str, str]],
    playbooks: Path,
    seconds: float,
) -> dict[str, Any]:
    """Put the packed image in its place with its manifest, and drop the profile's older images."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "profile": recipe.profile,
        "key": key,
        "suite": recipe.suite,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 1),
        "archive": archive.name,
        "size": partial.stat().st_size,
        "sha256": digest,
        "roles": role_versions(playbooks),
        "variables": image_variables(recipe.variables, playbooks),
        "base_packages": list(BASE_PACKAGES),
        "package_count": len(packages),
        "packages": packages,
    }
    partial.rename(archive)
    manifest_path_of(archive).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for other in list_images(archive.parent):
        if other["profile"] == recipe.profile and Path(other["path"]) != archive:
            Path(other["path"]).unlink()  # an image of the profile's earlier roles or variables
            manifest_path_of(Path(other["path"])).unlink(missing_ok=True)
    return manifest


@contextmanager
def _locked(cache_dir: Path, profile: str) -> Iterator[None]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f".{profile}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder per profile; the others wait and find its image
        yield


async def build_golden_image(
    recipe: ImageRecipe,
    cache_dir: Path,
    *,
    refresh: bool = False,
    playbooks_dir: Path | None = None,
) -> GoldenImage:
    """The recipe's image from the cache, or built now (and always when `refresh`, for security updates)."""
    playbooks = playbooks_dir or default_playbooks_dir()
    key = cache_key(recipe, playbooks)
    archive = archive_path(cache_dir, recipe, key)
    with _locked(cache_dir, recipe.profile):
        manifest = read_manifest(archive)
        if manifest is not None and not refresh:
            return GoldenImage(archive, manifest, built=False)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f".build-{recipe.profile}-", dir=cache_dir) as scratch:
            root = Path(scratch) / "root"
            try:
                await asyncio.to_thread(debootstrap, root, recipe.suite)
                with prepared_chroot(root):
                    await run_image_roles(root, recipe, playbooks)
                await asyncio.to_thread(tidy, root)
                packages = await asyncio.to_thread(installed_packages, root)
                partial = archive.with_name(archive.name + ".partial")
                digest = await asyncio.to_thread(pack, root, partial)
            finally:
                await asyncio.to_thread(
                    _unmount, root / "proc"
                )  # nothing may stay mounted in what is removed
        manifest = await asyncio.to_thread(
            _record, recipe, key, archive, partial, digest, packages, playbooks, time.monotonic() - started
        )
        return GoldenImage(archive, manifest, built=True)
