"""Devices: intake, disks, erasures, the lifecycle events and scanning."""
