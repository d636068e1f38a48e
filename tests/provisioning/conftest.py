"""The provisioning tests' fixtures live in tests/machines.py (shared with the runs tests, built once per session)."""

from tests.machines import BENCH_USER, TestDisk

__all__ = ["BENCH_USER", "TestDisk"]
