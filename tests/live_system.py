"""The bench live system for tests: built once per machine and input hash, with a bench key kept beside it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from provisioning.live.build import LiveImage, LiveInputs, build_live_image, missing_tools
from tests.support import require

LIVE_CACHE_ENV = "KIERTO_TEST_LIVE_CACHE"


def _cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Beside pytest's temporary dirs (shared by workers and by the SQLite and PostgreSQL runs)."""
    configured = os.environ.get(LIVE_CACHE_ENV)
    if configured:
        return Path(configured)
    base = tmp_path_factory.getbasetemp()
    root = next((f for f in (base, *base.parents) if f.name.startswith("pytest-of-")), base.parent)
    return root / "kierto-live"


@pytest.fixture(scope="session")
def live_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory where the live system and its test bench key are cached."""
    path = _cache_root(tmp_path_factory)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def bench_key(live_cache: Path) -> Path:
    """A bench SSH key pair for the tests (private key path; .pub beside it), made once and kept with the cache."""
    key = live_cache / "bench_key"
    if not key.with_suffix(".pub").is_file():
        key.unlink(missing_ok=True)
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kierto-bench-test", "-f", str(key)],
            check=True,
        )
    return key


@pytest.fixture(scope="session")
def live_image(live_cache: Path, bench_key: Path) -> LiveImage:
    """The bench live system built by the project's own build (or its cached artefacts for the same inputs)."""
    require(os.geteuid() == 0, "building the bench live system needs root (debootstrap, chroot)")
    missing = missing_tools()
    require(not missing, "missing Debian packages for the live system: " + " ".join(missing))
    inputs = LiveInputs(bench_public_key=bench_key.with_suffix(".pub").read_text())
    return build_live_image(inputs, live_cache)
