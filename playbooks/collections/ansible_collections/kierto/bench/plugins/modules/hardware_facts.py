#!/usr/bin/python
"""Ansible module: gather a bench machine's hardware facts for Kierto's device record."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: hardware_facts
short_description: Gather the hardware facts Kierto records for a device
description:
  - Reads the DMI tables, C(/proc/cpuinfo), C(/proc/meminfo), C(lsblk) and
    C(/sys/class/power_supply) and returns them as the fact C(kierto_hardware).
  - Disks report model, serial, size in bytes and a kind (C(hdd), C(ssd), C(nvme), C(virtual)).
  - Loop devices have no hardware serial; they are reported (only with O(include_loop_devices))
    with their backing file as the serial, which is also how M(kierto.bench.disk_erase) identifies them.
version_added: "0.1.0"
author: Kierto contributors
options:
  include_loop_devices:
    description: Report attached loop devices as disks too (for tests and image files).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
"""

EXAMPLES = r"""
- name: Gather the hardware facts
  kierto.bench.hardware_facts:
"""

RETURN = r"""
ansible_facts:
  description: The fact C(kierto_hardware) with keys system, cpu, memory_bytes, disks, batteries, network.
  returned: always
  type: dict
"""

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

DMI_DIR = "/sys/class/dmi/id"
POWER_DIR = "/sys/class/power_supply"
NET_DIR = "/sys/class/net"
PLACEHOLDER_VALUES = {
    "",
    "to be filled by o.e.m.",
    "default string",
    "not specified",
    "system serial number",
    "none",
    "0",
    "0123456789",
    "n/a",
}


def read_text(path):
    """Return a sysfs file's stripped text, or None when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return None


def meaningful(value):
    """Return the value unless it is one of the placeholders vendors leave in DMI tables."""
    if value is None or value.strip().lower() in PLACEHOLDER_VALUES:
        return None
    return value.strip()


def read_int(path):
    """Return a sysfs file's integer value, or None."""
    text = read_text(path)
    if text is None or not re.fullmatch(r"-?\d+", text):
        return None
    return int(text)


def system_facts():
    """Vendor, model and serial from the DMI tables."""

    def dmi(name):
        return meaningful(read_text(os.path.join(DMI_DIR, name)))

    return {
        "vendor": dmi("sys_vendor"),
        "model": dmi("product_name"),
        "version": dmi("product_version"),
        "serial": dmi("product_serial") or dmi("board_serial"),
        "chassis_type": read_int(os.path.join(DMI_DIR, "chassis_type")),
        "bios_version": dmi("bios_version"),
    }


def cpu_facts():
    """CPU model and the number of logical CPUs and cores."""
    model = None
    cores = set()
    logical = 0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            physical = core = None
            for line in handle:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "processor":
                    logical += 1
                elif key == "model name" and model is None:
                    model = value
                elif key == "physical id":
                    physical = value
                elif key == "core id":
                    core = value
                    cores.add((physical, core))
    except OSError:
        pass
    return {"model": model, "logical_cpus": logical or os.cpu_count(), "cores": len(cores) or logical or None}


def memory_bytes():
    """Total memory in bytes from /proc/meminfo."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def disk_kind(device):
    """Classify a disk as nvme, ssd, hdd or virtual."""
    if device.get("type") == "loop":
        return "virtual"
    if device.get("tran") == "nvme" or device.get("name", "").startswith("nvme"):
        return "nvme"
    return "hdd" if device.get("rota") else "ssd"


def loop_backing_file(name):
    """The backing file of a loop device, which stands in for its serial."""
    return read_text(os.path.join("/sys/block", name, "loop", "backing_file"))


def swap_devices():
    """The devices in use as swap."""
    swaps = set()
    try:
        with open("/proc/swaps", encoding="utf-8") as handle:
            for line in handle.readlines()[1:]:
                if line.split():
                    swaps.add(os.path.realpath(line.split()[0]))
    except OSError:
        pass
    return swaps


def disks_in_use(module, lsblk):
    """Whole disks the running system uses: a mounted file system or swap on them or their partitions."""
    rc, out, _ = module.run_command([lsblk, "--json", "--output", "PATH,MOUNTPOINT"])
    if rc != 0:
        return set()
    swaps = swap_devices()

    def used(node):
        if node.get("mountpoint") or os.path.realpath(node.get("path") or "") in swaps:
            return True
        return any(used(child) for child in node.get("children") or [])

    return {device["path"] for device in json.loads(out).get("blockdevices", []) if used(device)}


def disk_facts(module, include_loop):
    """Every whole disk lsblk reports, with model, serial, size, kind and whether the system is on it."""
    lsblk = module.get_bin_path("lsblk", required=True)
    in_use = disks_in_use(module, lsblk)
    rc, out, err = module.run_command(
        [
            lsblk,
            "--json",
            "--bytes",
            "--nodeps",
            "--output",
            "NAME,PATH,TYPE,SIZE,MODEL,SERIAL,ROTA,TRAN,RM,VENDOR,WWN,REV",
        ]
    )
    if rc != 0:
        module.fail_json(msg=f"lsblk could not list the disks: {err.strip()}")
    disks = []
    for device in json.loads(out).get("blockdevices", []):
        kind_of_device = device.get("type")
        if kind_of_device == "loop" and not include_loop:
            continue
        if kind_of_device not in ("disk", "loop") or not device.get("size"):
            continue
        if device.get("name", "").startswith(("zram", "ram")):
            continue
        serial = (device.get("serial") or "").strip() or None
        if kind_of_device == "loop":
            serial = loop_backing_file(device["name"])
        disks.append(
            {
                "name": device["name"],
                "device": device["path"],
                "model": " ".join(
                    filter(None, [(device.get("vendor") or "").strip(), (device.get("model") or "").strip()])
                )
                or None,
                "serial": serial,
                "wwn": device.get("wwn"),
                "firmware": (device.get("rev") or "").strip() or None,
                "size_bytes": int(device["size"]),
                "rotational": bool(device.get("rota")),
                "removable": bool(device.get("rm")),
                "transport": device.get("tran"),
                "kind": disk_kind(device),
                "in_use": device["path"] in in_use,
            }
        )
    return disks


def battery_facts():
    """Health and capacity of every battery the kernel knows."""
    batteries = []
    try:
        names = sorted(os.listdir(POWER_DIR))
    except OSError:
        return batteries
    for name in names:
        base = os.path.join(POWER_DIR, name)
        if read_text(os.path.join(base, "type")) != "Battery":
            continue
        full = read_int(os.path.join(base, "energy_full"))
        design = read_int(os.path.join(base, "energy_full_design"))
        unit = "µWh"
        if full is None or design is None:
            full = read_int(os.path.join(base, "charge_full"))
            design = read_int(os.path.join(base, "charge_full_design"))
            unit = "µAh"
        health = round(100.0 * full / design, 1) if full and design else None
        batteries.append(
            {
                "name": name,
                "manufacturer": meaningful(read_text(os.path.join(base, "manufacturer"))),
                "model": meaningful(read_text(os.path.join(base, "model_name"))),
                "serial": meaningful(read_text(os.path.join(base, "serial_number"))),
                "technology": read_text(os.path.join(base, "technology")),
                "full_capacity": full,
                "design_capacity": design,
                "capacity_unit": unit,
                "health_percent": health,
                "charge_percent": read_int(os.path.join(base, "capacity")),
                "cycle_count": read_int(os.path.join(base, "cycle_count")),
            }
        )
    return batteries


def network_facts():
    """The MAC address of every physical network interface."""
    interfaces = []
    try:
        names = sorted(os.listdir(NET_DIR))
    except OSError:
        return interfaces
    for name in names:
        if name == "lo" or not os.path.exists(os.path.join(NET_DIR, name, "device")):
            continue
        interfaces.append(
            {
                "name": name,
                "mac": read_text(os.path.join(NET_DIR, name, "address")),
                "wireless": os.path.isdir(os.path.join(NET_DIR, name, "wireless")),
            }
        )
    return interfaces


def main():
    """Gather the facts and return them unchanged."""
    module = AnsibleModule(
        argument_spec={"include_loop_devices": {"type": "bool", "default": False}}, supports_check_mode=True
    )
    hardware = {
        "system": system_facts(),
        "cpu": cpu_facts(),
        "memory_bytes": memory_bytes(),
        "disks": disk_facts(module, module.params["include_loop_devices"]),
        "batteries": battery_facts(),
        "network": network_facts(),
    }
    module.exit_json(changed=False, ansible_facts={"kierto_hardware": hardware})


if __name__ == "__main__":
    main()
