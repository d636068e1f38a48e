"""The bench live system as built by `kierto bench-image build`: what the ISO, the netboot files and a stick hold."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from inventory.cli import main as kierto
from provisioning.live.build import PACKAGES, LiveImage, LiveInputs, build_live_image
from provisioning.live.commands import LIVE_COMMANDS, command_names, command_packages
from provisioning.live.rootfs import CHECKIN_SCRIPT, SCREEN_SCRIPT
from provisioning.live.stick import CONFIG_BYTES, MIB
from tests.support import require_tool

EFI_SYSTEM = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


def _sha(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _iso_file(iso: Path, inner: str, target: Path) -> Path:
    subprocess.run(
        ["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", inner, str(target)],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="module")
def squashfs_root(live_image: LiveImage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of the live root that the tests read, unpacked from the built squashfs."""
    require_tool("unsquashfs", "apt-get install squashfs-tools")
    target = tmp_path_factory.mktemp("live") / "root"
    wanted = ["etc", "home", "usr/local/bin", "var/lib/dpkg/status", *LIVE_COMMANDS]
    subprocess.run(
        [
            "unsquashfs",
            "-q",
            "-n",
            "-d",
            str(target),
            str(live_image.netboot["filesystem.squashfs"]),
            *wanted,
        ],
        check=True,
        capture_output=True,
    )
    return target


def test_the_iso_boots_on_bios_and_uefi_and_carries_the_netboot_files(
    live_image: LiveImage, tmp_path: Path
) -> None:
    require_tool("xorriso", "apt-get install xorriso")
    report = subprocess.run(
        ["xorriso", "-indev", str(live_image.iso), "-report_el_torito", "plain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "El Torito boot img :   1  BIOS" in report, report
    assert "El Torito boot img :   2  UEFI" in report, report
    table = json.loads(
        subprocess.run(
            ["sfdisk", "--json", str(live_image.iso)], capture_output=True, text=True, check=True
        ).stdout
    )["partitiontable"]
    assert table["label"] == "gpt"  # grub-mkrescue's hybrid: a protective MBR with GRUB's boot code, and GPT
    assert any(part["type"] == EFI_SYSTEM for part in table["partitions"]), (
        table
    )  # what a UEFI USB boot finds
    assert live_image.iso.read_bytes()[:512][510:] == b"\x55\xaa"
    for name, path in live_image.netboot.items():
        assert _sha(_iso_file(live_image.iso, f"/live/{name}", tmp_path / name)) == _sha(path), name
    manifest = live_image.manifest
    assert manifest["files"]["kierto-bench.iso"]["sha256"] == _sha(live_image.iso)  # type: ignore[index]
    grub = _iso_file(live_image.iso, "/boot/grub/grub.cfg", tmp_path / "grub.cfg").read_text()
    assert "boot=live" in grub
    assert "console=ttyS0" in grub


def test_the_live_root_has_the_bench_tools_the_check_in_the_screen_and_the_bench_key_only(
    live_image: LiveImage, squashfs_root: Path, bench_key: Path
) -> None:
    # Every command the scan, the wipe and install.yml run on the live system (one list, in the product).
    missing = [
        f"{path} ({package})"
        for path, package in LIVE_COMMANDS.items()
        if not os.path.lexists(squashfs_root / path)
    ]
    assert not missing, "the live system lacks what the bench runs on it"
    installed = live_image.manifest["packages"]
    assert isinstance(installed, dict)
    assert set(PACKAGES) <= set(installed)
    local = squashfs_root / "usr/local/bin"
    assert (local / "kierto-checkin").read_bytes() == CHECKIN_SCRIPT.read_bytes()
    assert (local / "kierto-screen").read_bytes() == SCREEN_SCRIPT.read_bytes()
    authorized = (squashfs_root / "home/kierto-bench/.ssh/authorized_keys").read_text()
    assert authorized.strip() == bench_key.with_suffix(".pub").read_text().strip()
    assert (squashfs_root / "etc/sudoers.d/kierto-bench").is_file()
    assert not list((squashfs_root / "etc/ssh").glob("ssh_host_*")), (
        "every machine must make its own host keys"
    )
    assert (squashfs_root / "etc/machine-id").read_text() == ""
    wanted = squashfs_root / "etc/systemd/system/multi-user.target.wants"
    for unit in ("kierto-checkin", "kierto-screen", "kierto-config", "kierto-host-keys", "ssh"):
        assert (wanted / f"{unit}.service").is_symlink(), unit
    assert "PasswordAuthentication no" in (squashfs_root / "etc/ssh/sshd_config.d/kierto.conf").read_text()


def test_the_same_inputs_reuse_the_cache_and_any_change_rebuilds(
    live_image: LiveImage, live_cache: Path, bench_key: Path
) -> None:
    key = bench_key.with_suffix(".pub").read_text()
    again = build_live_image(LiveInputs(bench_public_key=key), live_cache)
    assert again.reused
    assert again.directory == live_image.directory
    assert LiveInputs(bench_public_key=key).digest() == live_image.digest
    other_key = key.replace("AAAA", "BBBB", 1)
    assert LiveInputs(bench_public_key=other_key).digest() != live_image.digest
    fewer = tuple(p for p in PACKAGES if p != "smartmontools")
    changed = LiveInputs(bench_public_key=key, packages=fewer)
    assert changed.digest() != live_image.digest
    assert changed.base_digest() != LiveInputs(bench_public_key=key).base_digest()


def test_the_build_command_names_the_files_and_a_stick_keeps_the_token_out_of_the_iso(
    live_image: LiveImage, live_cache: Path, bench_key: Path, tmp_path: Path
) -> None:
    require_tool("mtype", "apt-get install mtools")
    pub = str(bench_key.with_suffix(".pub"))
    built = CliRunner().invoke(
        kierto,
        [
            "bench-image",
            "build",
            "--site",
            "jns",
            "--bench-key",
            pub,
            "--cache-dir",
            str(live_cache),
            "--output",
            str(tmp_path / "out"),
        ],
    )
    assert built.exit_code == 0, built.output
    assert "reused from the cache" in built.output
    assert _sha(tmp_path / "out" / "kierto-bench-JNS.iso") == _sha(live_image.iso)
    assert (tmp_path / "out" / "netboot" / "filesystem.squashfs").is_file()

    token = "kt_StickTokenForTheTestOnly0123456789abcdef"
    (tmp_path / "token").write_text(token + "\n")
    stick = tmp_path / "stick.img"
    written = CliRunner().invoke(
        kierto,
        [
            "bench-image",
            "write-stick",
            str(stick),
            "--site",
            "JNS",
            "--server",
            "http://10.0.2.2:8000",
            "--token-file",
            str(tmp_path / "token"),
            "--language",
            "sv",
            "--bench-key",
            pub,
            "--cache-dir",
            str(live_cache),
        ],
    )
    assert written.exit_code == 0, written.output
    assert token not in written.output
    iso_bytes = live_image.iso.read_bytes()
    stick_bytes = stick.read_bytes()
    assert token.encode() not in iso_bytes
    edge = 32 * 1024  # only the partition tables at either end of the ISO change
    assert stick_bytes[edge : len(iso_bytes) - edge] == iso_bytes[edge:-edge], (
        "the stick holds the ISO unchanged"
    )
    start = -(-len(iso_bytes) // MIB) * MIB
    assert len(stick_bytes) >= start + CONFIG_BYTES
    assert stick_bytes.find(token.encode()) >= start, "the token lives only on the settings partition"

    table = json.loads(
        subprocess.run(["sfdisk", "--json", str(stick)], capture_output=True, text=True, check=True).stdout
    )
    settings_part = [p for p in table["partitiontable"]["partitions"] if p["start"] * 512 == start]
    assert len(settings_part) == 1
    assert settings_part[0]["size"] * 512 == CONFIG_BYTES
    assert settings_part[0]["name"] == "KIERTO-CONF"
    label = subprocess.run(
        ["mlabel", "-s", "-i", f"{stick}@@{start}", "::"], capture_output=True, text=True, check=True
    )
    assert "KIERTO-CONF" in label.stdout
    conf = subprocess.run(
        ["mtype", "-i", f"{stick}@@{start}", "::kierto.conf"], capture_output=True, text=True, check=True
    )
    assert f"token={token}" in conf.stdout
    assert "server=http://10.0.2.2:8000" in conf.stdout
    assert "language=sv" in conf.stdout

    refused = CliRunner().invoke(
        kierto,
        [
            "bench-image",
            "write-stick",
            str(tmp_path / "s2.img"),
            "--site",
            "JNS",
            "--server",
            "http://x",
            "--bench-key",
            pub,
            "--cache-dir",
            str(live_cache),
        ],
        env={"KIERTO_BENCH_TOKEN": ""},
    )
    assert refused.exit_code == 2
    assert "bench token" in refused.output


ROLE = Path(__file__).resolve().parents[2] / "playbooks" / "roles" / "os_install"
# Shell words that start no program, and words after which the next one is the program.
SHELL_WORDS = {"set", "fi", "else", "echo", "printf", "[", "cd", "exit", "true", "false"}
PREFIXES = {"if", "then", "!", "do", "while"}


def _tasks(entries: list[Any]) -> Iterator[dict[str, Any]]:
    for entry in entries or []:
        yield entry
        for nested in ("block", "rescue", "always"):
            yield from _tasks(entry.get(nested, []))


def _programs(command: str) -> set[str]:
    """The programs a command line starts on the machine (`chroot ROOT prog` starts prog in the image: not counted)."""
    text = re.sub(r"\{\{.*?\}\}", "ARG", command)
    found = set()
    for segment in re.split(r"&&|\|\||\$\(|[;|\n]", text):
        words = [word.strip("\"'()") for word in segment.split()]
        while words and (words[0] in PREFIXES or "=" in words[0]):
            words.pop(0)
        if words and words[0] not in SHELL_WORDS and words[0]:
            found.add(words[0].rsplit("/", 1)[-1])
    return found


def test_the_live_system_carries_every_program_the_installation_runs_on_it() -> None:
    run: set[str] = set()
    for tasks_file in sorted((ROLE / "tasks").glob("*.yml")):
        for task in _tasks(yaml.safe_load(tasks_file.read_text(encoding="utf-8"))):
            for module in ("ansible.builtin.command", "ansible.builtin.shell"):
                body = task.get(module)
                if body is not None:
                    run |= _programs(body["cmd"] if isinstance(body, dict) else body)
    assert {"sfdisk", "mkfs.vfat", "mkfs.ext4", "mkswap", "zstd", "tar", "mcopy", "wipefs"} <= run
    assert not run - command_names(), "add them to provisioning/live/commands.py"
    assert set(command_packages()) <= set(PACKAGES)
