#!/usr/bin/python
"""Ansible module: make the kernel read a disk's new partitions and return their device paths."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: disk_partitions
short_description: Make the kernel know a disk's partitions and return their device paths
description:
  - Tells the kernel about the partition table just written (C(partx)) and waits for the device nodes.
  - Where no udev makes the nodes (some live systems, containers, test machines), makes them from
    C(/sys/block) itself.
options:
  device:
    description: Device path of the whole disk.
    type: path
    required: true
  timeout_seconds:
    description: How long to wait for udev to make the nodes before making them here.
    type: int
    default: 5
author: Kierto contributors
"""

EXAMPLES = r"""
- name: Find the new partitions
  kierto.bench.disk_partitions:
    device: /dev/nvme0n1
  register: partitions
"""

RETURN = r"""
partitions:
  description: The partitions in table order, each with its number and device path.
  type: list
  elements: dict
  returned: success
"""

import os
import stat
import time

from ansible.module_utils.basic import AnsibleModule


def sysfs_partitions(disk_name):
    """(number, name, major:minor) of each partition the kernel knows on the disk."""
    folder = os.path.join("/sys/block", disk_name)
    found = []
    for entry in sorted(os.listdir(folder)):
        number_file = os.path.join(folder, entry, "partition")
        if os.path.isfile(number_file):
            with open(number_file, encoding="ascii") as handle:
                number = int(handle.read().strip())
            with open(os.path.join(folder, entry, "dev"), encoding="ascii") as handle:
                found.append((number, entry, handle.read().strip()))
    return sorted(found)


def main():
    """Re-read the table, then wait for (or make) each partition's node."""
    module = AnsibleModule(
        argument_spec={
            "device": {"type": "path", "required": True},
            "timeout_seconds": {"type": "int", "default": 5},
        },
        supports_check_mode=False,
    )
    real = os.path.realpath(module.params["device"])
    if not stat.S_ISBLK(os.stat(real).st_mode):
        module.fail_json(msg=f"{module.params['device']} is not a block device.")
    disk_name = os.path.basename(real)
    partx = module.get_bin_path("partx", required=True)
    # Forget what the kernel knew of an earlier table, then read the new one.
    module.run_command([partx, "--delete", real])
    rc, out, err = module.run_command([partx, "--add", real])
    if rc != 0 and not sysfs_partitions(disk_name):
        module.fail_json(
            msg=f"The kernel could not read the partitions of {real}: {err.strip() or out.strip()}"
        )
    partitions = sysfs_partitions(disk_name)
    deadline = time.monotonic() + module.params["timeout_seconds"]
    while time.monotonic() < deadline and not all(
        os.path.exists(f"/dev/{name}") for _, name, _ in partitions
    ):
        time.sleep(0.2)
    made = []
    for _, name, numbers in partitions:
        path = f"/dev/{name}"
        if not os.path.exists(path):
            major, minor = (int(part) for part in numbers.split(":"))
            os.mknod(path, 0o660 | stat.S_IFBLK, os.makedev(major, minor))
            made.append(path)
    module.exit_json(
        changed=bool(made),
        made_nodes=made,
        partitions=[{"number": number, "path": f"/dev/{name}"} for number, name, _ in partitions],
    )


if __name__ == "__main__":
    main()
