"""install.yml for real onto a loop device, then the disk booted in QEMU (SeaBIOS + virtio, OVMF + NVMe)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ansible.plugins.filter.core import to_uuid

from provisioning.events import Event, TaskOutcome, TaskResult
from provisioning.golden_image import GoldenImage
from provisioning.hosts import LocalHost
from provisioning.playbook_job import Job, Playbook
from tests.machines import BENCH_USER
from tests.provisioning.helpers import final_status, run_job
from tests.support import require, require_tool

HOST = "JNS-000100-4"
CLIENT = "asiakas"
DISK_BYTES = 2 << 30
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
BOOT_SECONDS = 600
# Before the serial console's getty: its start hangs ttyS0 up, which once cut a report short half-way.
REPORT_UNIT = """[Unit]
Description=Kierto test: report the installed system on the serial console, then power off
After=local-fs.target systemd-user-sessions.service
Before=serial-getty@ttyS0.service getty.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kierto-boot-report

[Install]
WantedBy=multi-user.target
"""
REPORT_SCRIPT = f"""#!/bin/sh
{{
echo KIERTO-REPORT-BEGIN
echo "root=$(findmnt -no SOURCE /)"
echo "root_uuid=$(findmnt -no UUID /)"
echo "efi=$(findmnt -no FSTYPE /boot/efi)"
echo "firmware=$(test -d /sys/firmware/efi && echo uefi || echo bios)"
. /etc/default/locale; echo "lang=$LANG"
echo "locales=$(locale -a | tr '\\n' ' ')"
echo "client=$(getent passwd {CLIENT} | cut -d: -f1)"
echo "client_lastchg=$(getent shadow {CLIENT} | cut -d: -f3)"
echo "client_chage=$(LC_ALL=C chage -l {CLIENT} | head -1)"
echo "bench_user=$(getent passwd {BENCH_USER} | cut -d: -f1)"
echo "root_keys=$(test -e /root/.ssh/authorized_keys && echo present || echo absent)"
echo "hostname=$(hostname)"
echo "machine_id=$(cat /etc/machine-id)"
echo KIERTO-REPORT-END
}} > /dev/ttyS0 2>&1
systemctl poweroff
"""


@dataclass(frozen=True)
class InstalledDisk:
    """The disk image install.yml wrote, the events of its runs and what its root holds."""

    image: Path
    failed_events: list[Event]
    events: list[Event]
    root_uuid: str


def _password_hash() -> str:
    return subprocess.run(
        ["openssl", "passwd", "-6", "-salt", "kiertotest", "Tervetuloa2025"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _job(device: str, serial: str, image: GoldenImage, sha256: str | None = None) -> Job:
    return Job(
        Playbook.INSTALL,
        (LocalHost(HOST),),
        extravars={
            "os_install_image": str(image.archive),
            "os_install_image_sha256": sha256 or image.manifest["sha256"],
            "os_install_efi_size_mib": 64,
            "os_install_swap_size_mib": 64,
            "os_install_serial_console": True,
            "os_install_kernel_options": "quiet",
        },
        host_vars={
            HOST: {
                "os_install_disk": {"device": device, "serial": serial},
                "client_account_username": CLIENT,
                "client_account_password_hash": _password_hash(),
            }
        },
        timeout_seconds=1200,
    )


@contextlib.contextmanager
def _loop(image: Path) -> Iterator[str]:
    device = subprocess.run(
        ["losetup", "--find", "--show", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        yield device
    finally:
        subprocess.run(
            ["umount", "--recursive", "--lazy", "/mnt/kierto-target"], check=False, capture_output=True
        )
        subprocess.run(["partx", "--delete", device], check=False, capture_output=True)
        for node in Path("/dev").glob(f"{Path(device).name}p*"):
            node.unlink()  # made by kierto.bench.disk_partitions where no udev runs
        subprocess.run(["losetup", "--detach", device], check=False)


def _failures(events: list[Event]) -> list[TaskResult]:
    return [
        e for e in events if isinstance(e, TaskResult) and e.outcome is TaskOutcome.FAILED and not e.ignored
    ]


def _require_machine() -> None:
    require(os.geteuid() == 0, "installing onto a loop device needs root")
    for tool in ("losetup", "sfdisk", "partx", "wipefs", "mkfs.vfat", "mkfs.ext4", "mcopy", "zstd"):
        require_tool(tool, "apt-get install fdisk dosfstools e2fsprogs mtools zstd")


def _empty_disk(path: Path, size: int = DISK_BYTES) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)  # sparse: blocks appear only where something is written
    return path


@pytest.fixture(scope="module")
def installed_disk(golden_image: GoldenImage, tmp_path_factory: pytest.TempPathFactory) -> InstalledDisk:
    """One disk installed: a first attempt fails on a damaged image, the retry from the start succeeds."""
    _require_machine()
    image = _empty_disk(tmp_path_factory.mktemp("install") / "disk.img")
    with _loop(image) as device:
        failed = run_job(_job(device, str(image.resolve()), golden_image, sha256="0" * 64))
        events = run_job(_job(device, str(image.resolve()), golden_image))
    table = json.loads(
        subprocess.run(["sfdisk", "--json", str(image)], capture_output=True, text=True, check=True).stdout
    )
    root = table["partitiontable"]["partitions"][-1]
    with _mounted_root(image, root["start"] * 512) as mount:
        uuid = subprocess.run(
            [
                "blkid",
                "--probe",
                f"--offset={root['start'] * 512}",
                "--match-tag",
                "UUID",
                "--output",
                "value",
                str(image),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        (mount / "etc/systemd/system/kierto-boot-report.service").write_text(REPORT_UNIT)
        wants = mount / "etc/systemd/system/multi-user.target.wants"
        wants.mkdir(parents=True, exist_ok=True)
        (wants / "kierto-boot-report.service").symlink_to("/etc/systemd/system/kierto-boot-report.service")
        script = mount / "usr/local/sbin/kierto-boot-report"
        script.write_text(REPORT_SCRIPT)
        script.chmod(0o755)
        shutil.copytree(mount / "etc", image.parent / "etc", symlinks=True, ignore_dangling_symlinks=True)
    return InstalledDisk(image, failed, events, uuid)


@contextlib.contextmanager
def _mounted_root(image: Path, offset: int) -> Iterator[Path]:
    mount = image.parent / "root"
    mount.mkdir(exist_ok=True)
    subprocess.run(["mount", "-o", f"loop,offset={offset}", str(image), str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.slow
def test_a_failed_installation_names_its_step_and_a_retry_from_the_start_succeeds(
    installed_disk: InstalledDisk,
) -> None:
    assert final_status(installed_disk.failed_events) == "failed"
    (failure,) = _failures(installed_disk.failed_events)
    assert failure.task == "Refuse an image that is not the one its manifest names"
    assert "damaged" in failure.message
    assert final_status(installed_disk.events) == "successful", [
        f.message for f in _failures(installed_disk.events)
    ]
    roles = [
        e.role
        for e in installed_disk.events
        if isinstance(e, TaskResult) and e.outcome is not TaskOutcome.SKIPPED
    ]
    assert roles.index("os_install") < roles.index("client_account") < roles.index("bench_cleanup")


@pytest.mark.slow
def test_the_installed_disk_is_gpt_for_both_boot_modes_with_fstab_by_uuid(
    installed_disk: InstalledDisk,
) -> None:
    table = json.loads(
        subprocess.run(
            ["sfdisk", "--json", str(installed_disk.image)], capture_output=True, text=True, check=True
        ).stdout
    )["partitiontable"]
    assert table["label"] == "gpt"
    kinds = [(p["type"], p.get("name")) for p in table["partitions"]]
    assert kinds == [
        ("21686148-6449-6E6F-744E-656564454649", "kierto-bios"),
        ("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "kierto-efi"),
        ("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "kierto-swap"),
        ("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "kierto-root"),
    ]
    etc = installed_disk.image.parent / "etc"
    fstab = [
        line.split() for line in (etc / "fstab").read_text().splitlines() if line and not line.startswith("#")
    ]
    assert [(f[0].split("=")[0], f[1]) for f in fstab] == [
        ("UUID", "/"),
        ("UUID", "/boot/efi"),
        ("UUID", "none"),
    ]
    assert fstab[0][0] == f"UUID={installed_disk.root_uuid}"
    assert (etc / "hostname").read_text().strip() == HOST.lower()
    machine_id = (etc / "machine-id").read_text().strip()
    assert len(machine_id) == 32
    assert int(machine_id, 16)
    assert not (etc / "kierto-installing").exists()
    efi = table["partitions"][1]
    files = subprocess.run(
        ["mdir", "-/", "-b", "-i", f"{installed_disk.image}@@{efi['start'] * 512}", "::/EFI"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
    ).stdout.split()
    assert "::/EFI/BOOT/BOOTX64.EFI" in files
    assert "::/EFI/debian/grubx64.efi" in files


def _boot(disk: InstalledDisk, firmware: str, tmp_path: Path) -> dict[str, str]:
    """Boot a copy-on-write copy of the installed disk; return the first-boot report from the serial console."""
    qemu = require_tool("qemu-system-x86_64", "apt-get install qemu-system-x86")
    overlay = tmp_path / "boot.qcow2"
    subprocess.run(
        [
            require_tool("qemu-img", "apt-get install qemu-utils"),
            "create",
            "-q",
            "-f",
            "qcow2",
            "-F",
            "raw",
            "-b",
            str(disk.image),
            str(overlay),
        ],
        check=True,
    )
    drive = ["-drive", f"if=none,id=disk,format=qcow2,file={overlay}"]
    if firmware == "uefi":
        require(OVMF_CODE.is_file(), "OVMF is not installed: apt-get install ovmf")
        variables = tmp_path / "OVMF_VARS.fd"
        shutil.copy(OVMF_VARS, variables)
        machine = [
            "-drive",
            f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
            "-drive",
            f"if=pflash,format=raw,file={variables}",
            *drive,
            "-device",
            "nvme,serial=KIERTO-NVME-0001,drive=disk,bootindex=1",
        ]
    else:
        machine = [*drive, "-device", "virtio-blk-pci,drive=disk,bootindex=1"]
    console = tmp_path / "serial.log"
    subprocess.run(
        [
            qemu,
            "-accel",
            "tcg",
            "-cpu",
            "qemu64",
            "-m",
            "1024",
            "-smp",
            "2",
            "-no-reboot",
            "-nodefaults",
            "-display",
            "none",
            "-device",
            "virtio-rng-pci",
            "-smbios",
            "type=1,manufacturer=Kierto,product=Virtual laptop,serial=KIERTO-VM-0001",
            "-serial",
            f"file:{console}",
            *machine,
        ],
        check=True,
        timeout=BOOT_SECONDS,
    )
    text = console.read_text(errors="replace").replace("\r", "")
    assert "KIERTO-REPORT-END" in text, text[-3000:]
    report = text.split("KIERTO-REPORT-BEGIN", 1)[1].split("KIERTO-REPORT-END", 1)[0]
    return dict(line.split("=", 1) for line in report.strip().splitlines() if "=" in line)


def _check_report(report: dict[str, str], disk: InstalledDisk, root_device: str, firmware: str) -> None:
    assert report["root"] == root_device, "the system booted from its own disk"
    assert report["root_uuid"] == disk.root_uuid
    assert report["efi"] == "vfat"
    assert report["firmware"] == firmware
    assert report["lang"] == "fi_FI.UTF-8"
    assert "fi_FI.utf8" in report["locales"].split()
    assert report["client"] == CLIENT
    assert report["client_lastchg"] == "0", "the client must change the password at first login"
    assert "password must be changed" in report["client_chage"]
    assert report["bench_user"] == ""
    assert report["root_keys"] == "absent"
    assert report["hostname"] == HOST.lower()


@pytest.mark.slow
def test_the_installed_disk_boots_with_seabios_from_a_virtio_disk(
    installed_disk: InstalledDisk, tmp_path: Path
) -> None:
    report = _boot(installed_disk, "bios", tmp_path)
    _check_report(report, installed_disk, "/dev/vda4", "bios")


@pytest.mark.slow
def test_the_installed_disk_boots_with_ovmf_from_an_nvme_disk(
    installed_disk: InstalledDisk, tmp_path: Path
) -> None:
    report = _boot(installed_disk, "uefi", tmp_path)
    _check_report(report, installed_disk, "/dev/nvme0n1p4", "uefi")


@pytest.mark.slow
def test_a_disk_that_is_not_the_erased_one_is_refused_before_anything_is_written(
    golden_image: GoldenImage, tmp_path: Path
) -> None:
    _require_machine()
    image = _empty_disk(tmp_path / "other.img", 64 << 20)
    with _loop(image) as device:
        events = run_job(_job(device, "/some/other/disk.img", golden_image))
    assert final_status(events) == "failed"
    (failure,) = _failures(events)
    assert failure.task == "Refuse a disk that is not the erased one"
    assert failure.message.startswith("Nothing was written:")
    assert "not the expected serial /some/other/disk.img" in failure.message
    assert os.stat(image).st_blocks == 0, "not a byte was written to the disk"


@pytest.mark.slow
def test_a_disk_that_holds_a_file_system_is_refused_before_anything_is_written(
    golden_image: GoldenImage, tmp_path: Path
) -> None:
    _require_machine()
    image = _empty_disk(tmp_path / "used.img", 64 << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
    before = subprocess.run(
        ["sha256sum", str(image)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    with _loop(image) as device:
        events = run_job(_job(device, str(image.resolve()), golden_image))
    assert final_status(events) == "failed"
    (failure,) = _failures(events)
    assert failure.task == "Refuse a disk that holds a file system (an erased disk holds none)"
    assert "holds a file system or partition table (ext4)" in failure.message
    after = subprocess.run(
        ["sha256sum", str(image)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    assert after == before


def _partitioned(image: Path, label_id: str) -> str:
    """Give a disk image a GPT with one Linux partition holding ext4; return the image's SHA-256."""
    subprocess.run(
        ["sfdisk", "--quiet", str(image)],
        input=f"label: gpt\nlabel-id: {label_id}\nstart=2048, type=0FC63DAF-8483-4772-8E47-7D9A7E63AE40\n",
        text=True,
        check=True,
    )
    subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "offset=1048576", str(image), "16M"], check=True)
    return subprocess.run(
        ["sha256sum", str(image)], capture_output=True, text=True, check=True
    ).stdout.split()[0]


@pytest.mark.slow
@pytest.mark.parametrize("whose", ["another system", "another disk's unfinished installation"])
def test_a_disk_partitioned_by_anyone_but_its_own_unfinished_installation_is_refused(
    golden_image: GoldenImage, tmp_path: Path, whose: str
) -> None:
    """Only the GPT identifier install.yml derives from this disk's serial lets a retry write over a table."""
    _require_machine()
    image = _empty_disk(tmp_path / "used.img", 64 << 20)
    label_id = str(uuid.uuid4())
    if whose != "another system":
        label_id = to_uuid("kierto-unfinished-installation /some/other/disk.img")
    before = _partitioned(image, label_id)
    with _loop(image) as device:
        events = run_job(_job(device, str(image.resolve()), golden_image))
    assert final_status(events) == "failed"
    (failure,) = _failures(events)
    assert failure.task == "Refuse a disk that holds a file system (an erased disk holds none)"
    assert "holds a file system or partition table (gpt, PMBR)" in failure.message
    after = subprocess.run(
        ["sha256sum", str(image)], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    assert after == before, "not a byte was written to the disk"


@pytest.mark.slow
def test_what_an_interrupted_installation_left_running_in_the_new_system_is_stopped_before_the_disk_is_checked(
    golden_image: GoldenImage, tmp_path: Path
) -> None:
    """Over SSH a killed bench's programs outlive it on the live system: the next attempt stops and unmounts them."""
    _require_machine()
    require_tool("fuser", "apt-get install psmisc")
    target = Path("/mnt/kierto-target")
    target.mkdir(parents=True, exist_ok=True)
    require(not target.is_mount(), f"{target} is in use on this machine")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "kierto-test", str(target)], check=True)
    left = subprocess.Popen(["sleep", "600"], cwd=target)  # e.g. tar, still writing the image
    try:
        image = _empty_disk(tmp_path / "other.img", 64 << 20)
        with _loop(image) as device:
            events = run_job(_job(device, "/some/other/disk.img", golden_image))
        assert left.wait(timeout=10) == -9, "the left-over program was killed"
        assert not target.is_mount(), "and the new system unmounted"
        released = next(
            e for e in events if isinstance(e, TaskResult) and e.task.startswith("Stop and release")
        )
        assert released.outcome is TaskOutcome.CHANGED
        (failure,) = _failures(events)
        assert failure.task == "Refuse a disk that is not the erased one", (
            "then the disk is checked as always"
        )
    finally:
        left.kill()
        left.wait()
        subprocess.run(["umount", "--lazy", str(target)], check=False, capture_output=True)
