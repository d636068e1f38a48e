#!/usr/bin/python
"""Ansible module: erase one named disk, verify it and return the erasure evidence."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: disk_erase
short_description: Erase one disk named by device path and serial, verify it and return evidence
description:
  - Identifies the disk first and refuses it, without writing anything, when its serial is not the
    expected one, when it is not a whole disk, or when the running system uses it (a mounted file
    system on it or on one of its partitions, swap, or a holder such as LVM, RAID or dm-crypt).
  - "Methods: C(overwrite) writes zeros over every byte (NIST SP 800-88 clear); C(discard) runs
    C(blkdiscard), zeroing with C(--zeroout) where the device supports it (clear);
    C(ata_secure_erase) uses the ATA Security feature set through hdparm (purge);
    C(nvme_sanitize) and C(nvme_format) use nvme-cli (purge). C(auto) picks NVMe sanitize (or format)
    for NVMe disks, ATA secure erase for solid-state ATA disks that support it and are not frozen,
    and overwrite for everything else."
  - "Verification: C(full) reads every byte back and requires zeros; C(sample) reads the first and
    last block and O(sample_blocks) blocks spread evenly across the disk. For the methods that
    leave vendor-defined content (ATA secure erase, NVMe sanitize/format) a sampled block passes
    when it reads as zeros or differs from what the same block held before the erase."
  - Loop devices have no hardware serial; their backing file path is their serial. Regular image
    files are accepted only with O(allow_image_file), for tests on machines without loop devices.
version_added: "0.1.0"
author: Kierto contributors
options:
  device:
    description: Path of the whole disk to erase, for example C(/dev/sdb) or C(/dev/nvme0n1).
    type: path
    required: true
  expected_serial:
    description: The serial the disk must report; anything else is refused.
    type: str
    required: true
  method:
    description: Erasure method, or C(auto) to choose by disk type.
    type: str
    default: auto
    choices: [auto, overwrite, discard, ata_secure_erase, nvme_sanitize, nvme_format]
  verify:
    description: How to verify after erasing.
    type: str
    default: full
    choices: [full, sample]
  sample_blocks:
    description: Number of blocks read besides the first and last one when O(verify=sample).
    type: int
    default: 256
  block_size:
    description: Size in bytes of each write and read.
    type: int
    default: 4194304
  allow_image_file:
    description: Accept a regular file as the target (tests without loop devices).
    type: bool
    default: false
  ata_password:
    description: Temporary ATA security password set for the erase and cleared by it.
    type: str
    default: KiertoErase
  timeout_seconds:
    description: How long to wait for a firmware erase (ATA or NVMe) to finish.
    type: int
    default: 86400
attributes:
  check_mode:
    support: full
    details: Identifies and checks the disk and reports the method it would use, writing nothing.
"""

EXAMPLES = r"""
- name: Erase the second disk
  kierto.bench.disk_erase:
    device: /dev/sdb
    expected_serial: WD-WCC4E1234567
"""

RETURN = r"""
disk_erase_evidence:
  description: What was done and found, one dict for the disk.
  returned: success
  type: dict
"""

import contextlib
import datetime
import hashlib
import json
import os
import re
import stat
import time

from ansible.module_utils.basic import AnsibleModule

ZERO_CHECK_CHUNK = 4194304
FIRMWARE_METHODS = ("ata_secure_erase", "nvme_sanitize", "nvme_format")
TECHNIQUES = {
    "overwrite": ("clear", "overwrite"),
    "discard": ("clear", "block erase"),
    "ata_secure_erase": ("purge", "block erase"),
    "nvme_sanitize": ("purge", "block erase"),
    "nvme_format": ("purge", "block erase"),
}


class Refused(Exception):
    """The disk must not be erased; the message says why in plain words."""


def now():
    """The current time as an ISO 8601 string in UTC."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def read_text(path):
    """A sysfs file's stripped text, or None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return None


def lsblk(module, *args):
    """Run lsblk with JSON output and return its block devices."""
    binary = module.get_bin_path("lsblk", required=True)
    rc, out, err = module.run_command([binary, "--json", "--bytes", *args])
    if rc != 0:
        raise Refused(f"lsblk could not describe the disks: {err.strip()}")
    return json.loads(out).get("blockdevices", [])


def mountpoints_of(device):
    """All mount points of a device node entry from lsblk's tree output."""
    points = device.get("mountpoints")
    if points is None:
        points = [device.get("mountpoint")]
    return [point for point in points if point]


def in_use_reasons(module, disk_path, disk_name):
    """Why the running system uses this disk: mounts, swap and holders on it or its partitions."""
    swaps = set()
    try:
        with open("/proc/swaps", encoding="utf-8") as handle:
            for line in handle.readlines()[1:]:
                swaps.add(os.path.realpath(line.split()[0]))
    except OSError:
        pass
    reasons = []
    for top in lsblk(module, "--output", "NAME,PATH,TYPE,MOUNTPOINTS", disk_path):
        stack = [top]
        while stack:
            node = stack.pop()
            stack.extend(node.get("children") or [])
            for point in mountpoints_of(node):
                if point in ("/", "/boot", "/boot/efi", "/usr", "/var"):
                    reasons.append(f"the running system is on it ({point} is mounted from {node['path']})")
                else:
                    reasons.append(f"{node['path']} is mounted on {point}")
            if node.get("path") and os.path.realpath(node["path"]) in swaps:
                reasons.append(f"{node['path']} is in use as swap")
            if node is not top and node.get("type") in (
                "lvm",
                "crypt",
                "raid0",
                "raid1",
                "raid5",
                "raid6",
                "raid10",
                "dm",
                "md",
                "mpath",
            ):
                reasons.append(f"{node['path']} ({node['type']}) is built on it")
    holders = os.path.join("/sys/block", disk_name, "holders")
    if os.path.isdir(holders) and os.listdir(holders) and not any("built on it" in r for r in reasons):
        reasons.append(f"it is held by {', '.join(sorted(os.listdir(holders)))}")
    return reasons


def identify(module, path, allow_image_file):
    """Describe the target and refuse what is not a named, unused whole disk."""
    if not os.path.exists(path):
        raise Refused(f"{path} does not exist.")
    real = os.path.realpath(path)
    mode = os.stat(real).st_mode
    if stat.S_ISREG(mode):
        if not allow_image_file:
            raise Refused(f"{path} is a regular file, not a disk; image files are accepted only on request.")
        return {
            "path": real,
            "name": os.path.basename(real),
            "type": "file",
            "serial": real,
            "model": "image file",
            "size": os.path.getsize(real),
            "rota": False,
            "tran": None,
            "rotational": False,
        }
    if not stat.S_ISBLK(mode):
        raise Refused(f"{path} is neither a disk nor an image file.")
    devices = lsblk(module, "--nodeps", "--output", "NAME,PATH,TYPE,SIZE,MODEL,SERIAL,ROTA,TRAN,VENDOR", real)
    if not devices:
        raise Refused(f"lsblk does not know {path}.")
    device = devices[0]
    if device.get("type") not in ("disk", "loop"):
        raise Refused(f"{path} is a {device.get('type')}, not a whole disk: name the disk itself.")
    reasons = in_use_reasons(module, real, device["name"])
    if reasons:
        raise Refused(f"{path} is in use and was not erased: {'; '.join(reasons)}.")
    serial = (device.get("serial") or "").strip()
    if device.get("type") == "loop":
        serial = read_text(os.path.join("/sys/block", device["name"], "loop", "backing_file")) or ""
    model = " ".join(
        filter(None, [(device.get("vendor") or "").strip(), (device.get("model") or "").strip()])
    )
    return {
        "path": real,
        "name": device["name"],
        "type": device["type"],
        "serial": serial,
        "model": model or None,
        "size": int(device.get("size") or 0),
        "tran": device.get("tran"),
        "rotational": bool(device.get("rota")),
    }


def tool_version(module, command, pattern):
    """The version a tool reports, or None."""
    binary = module.get_bin_path(command[0])
    if not binary:
        return None
    rc, out, err = module.run_command([binary, *command[1:]])
    match = re.search(pattern, out + err)
    return match.group(1) if match and rc == 0 else (match.group(1) if match else None)


def ata_security(module, path):
    """hdparm -I's security section: (supported, frozen, enhanced supported, minutes estimate)."""
    hdparm = module.get_bin_path("hdparm")
    if not hdparm:
        return None
    rc, out, _ = module.run_command([hdparm, "-I", path])
    if rc != 0 or "Security:" not in out:
        return None
    section = out.split("Security:", 1)[1]
    return {
        "supported": re.search(r"^\s*supported\s*$", section, re.MULTILINE) is not None,
        "frozen": re.search(r"^\s*frozen\s*$", section, re.MULTILINE) is not None
        and re.search(r"not\s+frozen", section) is None,
        "enhanced": re.search(r"^\s*supported: enhanced erase", section, re.MULTILINE) is not None,
    }


def nvme_controller(path):
    """The controller device of an NVMe namespace (/dev/nvme0n1 -> /dev/nvme0)."""
    match = re.match(r"(/dev/nvme\d+)n\d+$", path)
    return match.group(1) if match else path


def nvme_sanitize_capabilities(module, path):
    """The sanitize actions the NVMe controller supports (crypto, block, overwrite)."""
    nvme = module.get_bin_path("nvme")
    if not nvme:
        return set()
    rc, out, _ = module.run_command([nvme, "id-ctrl", nvme_controller(path), "--output-format=json"])
    if rc != 0:
        return set()
    sanicap = int(json.loads(out).get("sanicap", 0))
    supported = set()
    if sanicap & 0x1:
        supported.add("crypto")
    if sanicap & 0x2:
        supported.add("block")
    if sanicap & 0x4:
        supported.add("overwrite")
    return supported


def choose_method(module, disk, requested):
    """The method to use: the requested one, or the best one for the disk type."""
    if requested != "auto":
        return requested
    if disk["type"] in ("loop", "file"):
        return "overwrite"
    if disk.get("tran") == "nvme" or disk["name"].startswith("nvme"):
        return "nvme_sanitize" if nvme_sanitize_capabilities(module, disk["path"]) else "nvme_format"
    if not disk["rotational"]:
        security = ata_security(module, disk["path"])
        if security and security["supported"] and not security["frozen"]:
            return "ata_secure_erase"
    return "overwrite"


def device_size(path):
    """Size in bytes by seeking to the end (works for block devices and files)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.lseek(fd, 0, os.SEEK_END)
    finally:
        os.close(fd)


def drop_cache(fd):
    """Ask the kernel to forget cached pages so that reads come from the disk."""
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def overwrite(path, size, block_size):
    """Write zeros over every byte; return the number of bytes written."""
    zeros = bytes(block_size)
    written = 0
    fd = os.open(path, os.O_WRONLY)
    try:
        while written < size:
            chunk = zeros if size - written >= block_size else zeros[: size - written]
            count = os.write(fd, chunk)
            if count <= 0:
                raise OSError(f"the disk accepted no more data after {written} bytes")
            written += count
        os.fsync(fd)
        drop_cache(fd)
    finally:
        os.close(fd)
    return written


def sample_offsets(size, block_size, count):
    """First block, last block and `count` blocks spread evenly between them."""
    if size <= block_size:
        return [0]
    last = size - block_size
    offsets = {0, last}
    for index in range(1, count + 1):
        offsets.add((last * index // (count + 1)) // 4096 * 4096)
    return sorted(offsets)


def fingerprint(block):
    """What a sampled block held, kept small: whether it holds any data, its length and its SHA-256.

    Only this is kept between the reads before and after a firmware erase, never the blocks themselves:
    257 blocks of 4 MiB held twice would take 2 GiB, more than many donated laptops have.
    """
    return (any(block), len(block), hashlib.sha256(block).digest())


def sample_fingerprints(path, offsets, block_size, size):
    """The fingerprint of each block at the given offsets, read from the disk (not the page cache) one by one."""
    fd = os.open(path, os.O_RDONLY)
    try:
        drop_cache(fd)
        return [fingerprint(os.pread(fd, min(block_size, size - offset), offset)) for offset in offsets]
    finally:
        os.close(fd)


def verify_zero_full(path, size, block_size):
    """Read every byte back; return (bytes read, offset of the first non-zero byte or None)."""
    chunk_size = max(block_size, ZERO_CHECK_CHUNK)
    zeros = bytes(chunk_size)
    read = 0
    fd = os.open(path, os.O_RDONLY)
    try:
        drop_cache(fd)
        while read < size:
            data = os.pread(fd, min(chunk_size, size - read), read)
            if not data:
                break
            if data != zeros[: len(data)]:
                return read, read + next(i for i, byte in enumerate(data) if byte)
            read += len(data)
    finally:
        os.close(fd)
    return read, None


def run_checked(module, args, what):
    """Run a command and raise with its message when it fails."""
    rc, out, err = module.run_command(args)
    if rc != 0:
        raise RuntimeError(f"{what} failed (exit code {rc}): {(err or out).strip()}")
    return out


def firmware_erase(module, method, disk, params):
    """Run an ATA or NVMe firmware erase and wait for it; return the tool name."""
    path = disk["path"]
    if method == "ata_secure_erase":
        hdparm = module.get_bin_path("hdparm", required=True)
        security = ata_security(module, path)
        if not security or not security["supported"]:
            raise RuntimeError(f"{path} does not support ATA secure erase.")
        if security["frozen"]:
            raise RuntimeError(f"{path} is frozen: suspend and resume the machine, then try again.")
        password = params["ata_password"]
        run_checked(
            module,
            [hdparm, "--user-master", "u", "--security-set-pass", password, path],
            "Setting the temporary ATA password",
        )
        mode = "--security-erase-enhanced" if security["enhanced"] else "--security-erase"
        run_checked(module, [hdparm, "--user-master", "u", mode, password, path], "ATA secure erase")
        return "hdparm"
    nvme = module.get_bin_path("nvme", required=True)
    if method == "nvme_format":
        run_checked(module, [nvme, "format", path, "--ses=1", "--force"], "NVMe format with user data erase")
        return "nvme-cli"
    supported = nvme_sanitize_capabilities(module, path)
    action = "2" if "block" in supported else "4" if "crypto" in supported else None
    if action is None:
        raise RuntimeError(f"{path} does not support NVMe sanitize; ask for nvme_format instead.")
    controller = nvme_controller(path)
    run_checked(module, [nvme, "sanitize", controller, f"--sanact={action}"], "NVMe sanitize")
    deadline = time.monotonic() + params["timeout_seconds"]
    while time.monotonic() < deadline:
        log = json.loads(
            run_checked(
                module,
                [nvme, "sanitize-log", controller, "--output-format=json"],
                "Reading the NVMe sanitize log",
            )
        )
        entry = next(iter(log.values())) if log and isinstance(next(iter(log.values())), dict) else log
        status = int(entry.get("sstat", 0)) & 0x7
        if status == 1:
            return "nvme-cli"
        if status == 3:
            raise RuntimeError(f"NVMe sanitize of {path} failed according to the controller.")
        time.sleep(5)
    raise RuntimeError(f"NVMe sanitize of {path} did not finish within {params['timeout_seconds']} seconds.")


def block_passes(before, after):
    """A sampled block passes when it reads as zeros or differs from its content before the erase.

    Both are fingerprints (see `fingerprint`); a block that held only zeros before and data after passes
    only by reading as zeros, as before.
    """
    if not after[0]:
        return True
    return before is not None and before[0] and after != before


def main():
    """Identify, refuse or erase, verify, and report evidence."""
    module = AnsibleModule(
        argument_spec={
            "device": {"type": "path", "required": True},
            "expected_serial": {"type": "str", "required": True},
            "method": {"type": "str", "default": "auto", "choices": ["auto", *TECHNIQUES]},
            "verify": {"type": "str", "default": "full", "choices": ["full", "sample"]},
            "sample_blocks": {"type": "int", "default": 256},
            "block_size": {"type": "int", "default": 4194304},
            "allow_image_file": {"type": "bool", "default": False},
            "ata_password": {"type": "str", "default": "KiertoErase", "no_log": True},
            "timeout_seconds": {"type": "int", "default": 86400},
        },
        supports_check_mode=True,
    )
    params = module.params
    path = params["device"]
    try:
        disk = identify(module, path, params["allow_image_file"])
        expected = params["expected_serial"].strip()
        if not expected:
            raise Refused(f"No expected serial was given for {path}: every disk must be named by its serial.")
        if disk["serial"] != expected:
            actual = disk["serial"] or "no serial"
            raise Refused(f"{path} reports {actual}, not the expected serial {expected}: it was not erased.")
        method = choose_method(module, disk, params["method"])
    except Refused as refusal:
        module.fail_json(msg=str(refusal), refused=True, device=path)
    disk["size"] = device_size(disk["path"]) or disk["size"]
    category, technique = TECHNIQUES[method]
    if module.check_mode:
        module.exit_json(
            changed=True,
            device=path,
            method=method,
            serial=disk["serial"],
            msg=f"{path} ({disk['serial']}) would be erased with {method}.",
        )

    block_size = params["block_size"]
    offsets = sample_offsets(disk["size"], block_size, params["sample_blocks"])
    before = {}
    if method in FIRMWARE_METHODS:
        before = dict(zip(offsets, sample_fingerprints(disk["path"], offsets, block_size, disk["size"])))
    started = now()
    try:
        if method == "overwrite":
            bytes_erased = overwrite(disk["path"], disk["size"], block_size)
            tool, version = "kierto.bench.disk_erase", "0.1.0"
        elif method == "discard":
            blkdiscard = module.get_bin_path("blkdiscard", required=True)
            zeroes = read_text(os.path.join("/sys/block", disk["name"], "queue", "write_zeroes_max_bytes"))
            args = [blkdiscard, "--force"]
            if zeroes and zeroes != "0":
                args.append("--zeroout")
            run_checked(module, [*args, disk["path"]], "blkdiscard")
            bytes_erased = disk["size"]
            tool = "blkdiscard --zeroout" if "--zeroout" in args else "blkdiscard"
            version = tool_version(module, ["blkdiscard", "--version"], r"util-linux\s+([\d.]+)")
        else:
            tool = firmware_erase(module, method, disk, params)
            bytes_erased = disk["size"]
            version = (
                tool_version(module, ["hdparm", "-V"], r"v([\d.]+)")
                if tool == "hdparm"
                else tool_version(module, ["nvme", "version"], r"version\s+([\d.]+)")
            )
    except (OSError, RuntimeError) as error:
        module.fail_json(
            msg=f"Erasing {path} failed: {error}",
            device=path,
            serial=disk["serial"],
            method=method,
            started_at=started,
            failed_at=now(),
        )
    finished = now()

    if params["verify"] == "full" and method not in FIRMWARE_METHODS:
        verified_bytes, bad_offset = verify_zero_full(disk["path"], disk["size"], block_size)
        passed = bad_offset is None and verified_bytes == disk["size"]
        verification = "full read: every byte must read as zero"
        detail = (
            "every byte read back as zero"
            if passed
            else f"a non-zero byte at offset {bad_offset}"
            if bad_offset is not None
            else f"only {verified_bytes} of {disk['size']} bytes could be read back"
        )
    else:
        after = sample_fingerprints(disk["path"], offsets, block_size, disk["size"])
        failures = [
            offset
            for offset, read in zip(offsets, after)
            if not (block_passes(before.get(offset), read) if method in FIRMWARE_METHODS else not read[0])
        ]
        verified_bytes = sum(length for _, length, _ in after)
        passed = not failures
        verification = (
            f"sample read of {len(offsets)} blocks of {block_size} bytes (first, last and "
            f"evenly spread): each must read as zero"
            + (" or differ from its content before the erase" if method in FIRMWARE_METHODS else "")
        )
        detail = (
            "every sampled block passed"
            if passed
            else f"{len(failures)} sampled blocks still hold data, the first at offset {failures[0]}"
        )
    evidence = {
        "device": path,
        "serial": disk["serial"],
        "model": disk["model"],
        "size_bytes": disk["size"],
        "kind": disk["type"],
        "method": method,
        "nist_category": category,
        "technique": technique,
        "tool": tool,
        "tool_version": version,
        "started_at": started,
        "finished_at": finished,
        "bytes_erased": bytes_erased,
        "verification_method": verification,
        "verified_bytes": verified_bytes,
        "verification_passed": passed,
        "verification_detail": detail,
        "verified_at": now(),
    }
    if not passed:
        module.fail_json(
            msg=f"{path} was erased but the verification failed: {detail}.", disk_erase_evidence=evidence
        )
    module.exit_json(
        changed=True,
        disk_erase_evidence=evidence,
        msg=f"{path} ({disk['serial']}) erased with {method} and verified: {detail}.",
    )


if __name__ == "__main__":
    main()
