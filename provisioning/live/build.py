"""Build the bench live system: debootstrap a Debian root, add Kierto's files, pack a hybrid ISO and netboot files.

Two cached layers, each keyed by a hash of what went into it: the Debian root with the packages (slow:
debootstrap and apt), and the finished artefacts (the root plus Kierto's files, squashfs, ISO). The same
inputs give back the cached artefacts; a changed check-in script only repeats the second layer.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from provisioning.apt_sources import apt_sources, debian_mirror, security_mirror
from provisioning.live.commands import command_packages
from provisioning.live.rootfs import BENCH_USER, UNITS, grub_config, root_files

SUITE = "bookworm"
# What the live system carries (README, docs/bench.md): boot, network, SSH for the bench, the check-in and
# status screen (python3), and every command the scan, the wipe and the installation run on it
# (provisioning/live/commands.py).
PACKAGES = tuple(
    dict.fromkeys(
        (
            "linux-image-amd64",
            "live-boot",
            "systemd-sysv",
            "systemd-resolved",
            "udev",
            "pciutils",
            "usbutils",
            "kbd",
            "console-setup-linux",
            "efibootmgr",
            "grub-pc-bin",
            "grub-efi-amd64-bin",
            *command_packages(),
        )
    )
)
# The host's tools for building: Debian package names in tests/system-packages.txt.
BUILD_TOOLS = {
    "debootstrap": "debootstrap",
    "mksquashfs": "squashfs-tools",
    "grub-mkrescue": "grub-common",
    "xorriso": "xorriso",
    "mformat": "mtools",
}
GRUB_PLATFORMS = {"/usr/lib/grub/i386-pc": "grub-pc-bin", "/usr/lib/grub/x86_64-efi": "grub-efi-amd64-bin"}
ISO_NAME = "kierto-bench.iso"
NETBOOT_FILES = ("vmlinuz", "initrd.img", "filesystem.squashfs")
MANIFEST = "manifest.json"
_BASE_STAGE_VERSION = "1"  # bump when _debian_root changes what it makes


class LiveBuildError(RuntimeError):
    """The live system could not be built; the message says what to do."""


@dataclass(frozen=True)
class LiveInputs:
    """Everything the live system is made of; its digest keys the cache."""

    bench_public_key: str
    suite: str = SUITE
    packages: tuple[str, ...] = PACKAGES

    def base_digest(self) -> str:
        """The Debian root's key: suite, packages and the base stage's code version."""
        text = json.dumps([_BASE_STAGE_VERSION, self.suite, sorted(self.packages)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def digest(self) -> str:
        """The artefacts' key: the root's key, every added file, the boot menu and this build script."""
        digest = hashlib.sha256(self.base_digest().encode())
        for path, (mode, content) in sorted(root_files(self.bench_public_key).items()):
            digest.update(f"{path}\0{mode}\0".encode())
            digest.update(hashlib.sha256(content).digest())
        digest.update(grub_config().encode())
        digest.update(Path(__file__).read_bytes())
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class LiveImage:
    """The built artefacts in their cache directory."""

    directory: Path
    digest: str
    reused: bool
    seconds: float = 0.0
    manifest: dict[str, object] = field(default_factory=dict)

    @property
    def iso(self) -> Path:
        """The hybrid ISO (BIOS and UEFI, CD or USB stick)."""
        return self.directory / ISO_NAME

    @property
    def netboot(self) -> dict[str, Path]:
        """Kernel, initrd and squashfs for network boot."""
        return {name: self.directory / "netboot" / name for name in NETBOOT_FILES}


Log = Callable[[str], None]


def missing_tools() -> list[str]:
    """Debian packages the host lacks for a build."""
    missing = {package for tool, package in BUILD_TOOLS.items() if shutil.which(tool) is None}
    missing |= {package for path, package in GRUB_PLATFORMS.items() if not Path(path).is_dir()}
    return sorted(missing)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise LiveBuildError(f"`{' '.join(command[:3])} …` failed ({result.returncode}):\n" + "\n".join(tail))


def _chroot(root: Path, *command: str) -> None:
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "DEBIAN_FRONTEND": "noninteractive",
        "LC_ALL": "C.UTF-8",
    }
    result = subprocess.run(
        ["chroot", str(root), *command], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise LiveBuildError(f"`{' '.join(command[:4])} …` in the live root failed:\n" + "\n".join(tail))


def _sources_list(suite: str) -> str:
    """The live root's apt sources: the machine's mirror for the release, its updates and security."""
    mirror = debian_mirror(suite)
    suites = {s for source in apt_sources() for s in source.suites}
    lines = [f"deb {mirror} {suite} main"]
    if f"{suite}-updates" in suites:
        lines.append(f"deb {mirror} {suite}-updates main")
    security = security_mirror(suite)
    if security:
        lines.append(f"deb {security} {suite}-security main")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _mounted(root: Path) -> Iterator[None]:
    mounts = [
        ("proc", root / "proc", ["-t", "proc", "proc"]),
        ("sysfs", root / "sys", ["-t", "sysfs", "sysfs"]),
    ]
    mounts.append(("dev", root / "dev", ["--bind", "/dev"]))
    done: list[Path] = []
    try:
        for _name, target, args in mounts:
            target.mkdir(exist_ok=True)
            _run("mount", *args, str(target))
            done.append(target)
        yield
    finally:
        for target in reversed(done):
            subprocess.run(["umount", "--lazy", str(target)], check=False)


def _debian_root(inputs: LiveInputs, root: Path, log: Log) -> None:
    """debootstrap the release, then install the packages with apt (kernel, live-boot's initramfs, tools)."""
    mirror = debian_mirror(inputs.suite)
    log(f"debootstrap {inputs.suite} from this machine's Debian mirror")
    _run("debootstrap", "--variant=minbase", inputs.suite, str(root), mirror)
    (root / "etc/apt/sources.list").write_text(_sources_list(inputs.suite))
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\n# Nothing starts while the live root is built.\nexit 101\n")
    policy.chmod(0o755)
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    with _mounted(root):
        log(f"apt-get install {len(inputs.packages)} packages")
        _chroot(root, "apt-get", "update", "-qq")
        _chroot(root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *inputs.packages)
        _chroot(root, "apt-get", "clean")
    policy.unlink()
    for junk in ("var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info"):
        shutil.rmtree(root / junk, ignore_errors=True)
        (root / junk).mkdir(parents=True, exist_ok=True)


def _base_root(inputs: LiveInputs, cache_root: Path, work: Path, log: Log) -> Path:
    """The Debian root from its cache (a tar), or built and cached."""
    archive = cache_root / f"root-{inputs.base_digest()}.tar"
    root = work / "root"
    with _locked(cache_root / "root.lock"):
        if not archive.is_file():
            root.mkdir(parents=True)
            _debian_root(inputs, root, log)
            for stale in cache_root.glob("root-*.tar"):
                stale.unlink()
            partial = archive.with_suffix(".partial")
            with tarfile.open(partial, "w") as tar:
                tar.add(root, arcname=".")
            partial.rename(archive)
            return root
    log("the Debian root comes from the cache")
    root.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="fully_trusted")  # noqa: S202 - our own cache, written above
    return root


def _add_kierto(inputs: LiveInputs, root: Path) -> None:
    """Kierto's files, the bench user, the services; no SSH host key and no machine id stay in the image."""
    _chroot(root, "useradd", "--create-home", "--shell", "/bin/bash", BENCH_USER)
    for path, (mode, content) in root_files(inputs.bench_public_key).items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(mode)
    ssh_dir = root / "home" / BENCH_USER / ".ssh"
    ssh_dir.chmod(0o700)
    _chroot(root, "chown", "-R", f"{BENCH_USER}:{BENCH_USER}", f"/home/{BENCH_USER}/.ssh")
    _chroot(root, "systemctl", "enable", *(f"{unit}.service" for unit in UNITS))
    _chroot(root, "systemctl", "mask", "getty@tty1.service")
    _chroot(root, "passwd", "--lock", "root")
    (root / "etc/network").mkdir(exist_ok=True)  # live-boot writes its interfaces file there
    for key in (root / "etc/ssh").glob("ssh_host_*"):
        key.unlink()
    (root / "etc/machine-id").write_text("")
    with contextlib.suppress(FileNotFoundError):
        (root / "var/lib/dbus/machine-id").unlink()
    resolv = root / "etc/resolv.conf"
    if not resolv.is_symlink():
        resolv.unlink(missing_ok=True)
        resolv.symlink_to("/run/systemd/resolve/stub-resolv.conf")


def _pack(root: Path, staging: Path, out: Path, log: Log) -> None:
    """Kernel and initrd out of the root, the root as squashfs, then one hybrid ISO with GRUB for BIOS and UEFI."""
    live = staging / "live"
    live.mkdir(parents=True)
    kernels = sorted((root / "boot").glob("vmlinuz-*"))
    initrds = sorted((root / "boot").glob("initrd.img-*"))
    if not kernels or not initrds:
        raise LiveBuildError(
            "The live root has no kernel or no initrd: is linux-image-amd64 in the package list?"
        )
    shutil.copy(kernels[-1], live / "vmlinuz")
    (live / "vmlinuz").chmod(0o644)
    shutil.copy(initrds[-1], live / "initrd.img")
    for item in (root / "boot").iterdir():  # the live system never boots its own /boot
        if item.is_file():
            item.unlink()
    log("mksquashfs (zstd)")
    _run(
        "mksquashfs",
        str(root),
        str(live / "filesystem.squashfs"),
        "-comp",
        "zstd",
        "-Xcompression-level",
        "6",  # zstd's default level 15 took 2.5 min here; both sizes in docs/bench.md
        "-noappend",
        "-quiet",
        "-wildcards",
        "-e",
        "proc/*",
        "sys/*",
        "dev/*",
        "run/*",
        "tmp/*",
    )
    grub = staging / "boot" / "grub"
    grub.mkdir(parents=True)
    (grub / "grub.cfg").write_text(grub_config())
    log("grub-mkrescue (BIOS and UEFI)")
    partial = out / (ISO_NAME + ".partial")
    _run("grub-mkrescue", "-o", str(partial), str(staging), "--", "-volid", "KIERTO_LIVE")
    partial.rename(out / ISO_NAME)
    netboot = out / "netboot"
    netboot.mkdir()
    for name in NETBOOT_FILES:
        shutil.move(str(live / name), netboot / name)


def _manifest(inputs: LiveInputs, root: Path, out: Path, seconds: float) -> dict[str, object]:
    status = (root / "var/lib/dpkg/status").read_text(errors="replace")
    packages: dict[str, str] = {}
    name = ""
    for line in status.splitlines():
        if line.startswith("Package: "):
            name = line.split(": ", 1)[1]
        elif line.startswith("Version: ") and name:
            packages[name] = line.split(": ", 1)[1]
    files = {}
    for path in [out / ISO_NAME, *(out / "netboot" / n for n in NETBOOT_FILES)]:
        with open(path, "rb") as handle:
            files[str(path.relative_to(out))] = {
                "sha256": hashlib.file_digest(handle, "sha256").hexdigest(),
                "bytes": path.stat().st_size,
            }
    return {
        "digest": inputs.digest(),
        "suite": inputs.suite,
        "requested_packages": list(inputs.packages),
        "packages": packages,
        "bench_public_key": inputs.bench_public_key.strip(),
        "files": files,
        "build_seconds": round(seconds, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def build_live_image(inputs: LiveInputs, cache_root: Path, log: Log = lambda _line: None) -> LiveImage:
    """The live system's artefacts for these inputs: from the cache, or built (root needed) and cached."""
    digest = inputs.digest()
    out = cache_root / f"live-{digest}"
    with _locked(cache_root / "live.lock"):
        if (out / MANIFEST).is_file():
            return LiveImage(out, digest, reused=True, manifest=json.loads((out / MANIFEST).read_text()))
        if os.geteuid() != 0:
            raise LiveBuildError("Building the live system needs root (debootstrap and chroot).")
        missing = missing_tools()
        if missing:
            raise LiveBuildError("Install these Debian packages first: " + " ".join(missing))
        started = time.monotonic()
        shutil.rmtree(out, ignore_errors=True)
        work = cache_root / f"work-{digest}"
        shutil.rmtree(work, ignore_errors=True)
        try:
            root = _base_root(inputs, cache_root, work, log)
            _add_kierto(inputs, root)
            out.mkdir(parents=True)
            _pack(root, work / "iso", out, log)
            seconds = time.monotonic() - started
            manifest = _manifest(inputs, root, out, seconds)
            (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for stale in cache_root.glob("live-*"):
            if stale != out:
                shutil.rmtree(stale, ignore_errors=True)
        return LiveImage(out, digest, reused=False, seconds=seconds, manifest=manifest)
