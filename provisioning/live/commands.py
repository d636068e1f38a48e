"""The commands the bench runs on the live system, by their path in its root, with the package of each."""

from __future__ import annotations

from collections.abc import Mapping

# What scan.yml, wipe.yml and install.yml run on the live system itself (not inside the installed
# system: GRUB and efibootmgr run there, from the golden image). The live system's package list
# (build.PACKAGES) carries every package named here; tests check each path in a built live root and
# that the os_install role runs nothing else.
LIVE_COMMANDS: Mapping[str, str] = {
    # The bench reaches the machine and runs Ansible's modules.
    "usr/sbin/sshd": "openssh-server",
    "usr/bin/sudo": "sudo",
    "usr/bin/python3": "python3",
    "usr/bin/bash": "bash",
    # Hardware scan and erasure (kierto.bench.hardware_facts, kierto.bench.disk_erase, nwipe logs).
    "usr/sbin/dmidecode": "dmidecode",
    "usr/sbin/smartctl": "smartmontools",
    "usr/sbin/hdparm": "hdparm",
    "usr/sbin/nvme": "nvme-cli",
    "usr/sbin/nwipe": "nwipe",
    "usr/sbin/blkdiscard": "util-linux",
    "usr/bin/lsblk": "util-linux",
    # Installation (playbooks/roles/os_install): partitions, file systems, the image, EFI files.
    "usr/sbin/sfdisk": "fdisk",
    "usr/sbin/sgdisk": "gdisk",
    "usr/sbin/parted": "parted",
    "usr/bin/partx": "util-linux",
    "usr/sbin/wipefs": "util-linux",
    "usr/sbin/blkid": "util-linux",
    "usr/sbin/mkswap": "util-linux",
    "usr/bin/mountpoint": "util-linux",
    "usr/bin/mount": "mount",
    "usr/bin/umount": "mount",
    "usr/sbin/mkfs.vfat": "dosfstools",
    "usr/sbin/mkfs.ext4": "e2fsprogs",
    "usr/bin/mcopy": "mtools",
    "usr/bin/mdir": "mtools",
    "usr/bin/zstd": "zstd",
    "usr/bin/tar": "tar",
    "usr/bin/fuser": "psmisc",
    "usr/sbin/chroot": "coreutils",
    "usr/bin/cat": "coreutils",
    "usr/bin/tr": "coreutils",
    "usr/bin/rm": "coreutils",
    "usr/bin/mkdir": "coreutils",
    "usr/bin/chmod": "coreutils",
    "usr/bin/sync": "coreutils",
}


def command_names() -> frozenset[str]:
    """The commands' names, as a playbook calls them."""
    return frozenset(path.rsplit("/", 1)[-1] for path in LIVE_COMMANDS)


def command_packages() -> tuple[str, ...]:
    """The packages that carry the commands, each once, in the order first named."""
    return tuple(dict.fromkeys(LIVE_COMMANDS.values()))
