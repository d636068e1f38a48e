"""A small golden image for the installation tests, built once per machine and kept while its inputs last."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from provisioning.golden_image import GoldenImage, ImageRecipe, build_golden_image
from tests.support import require, require_tool

GOLDEN_IMAGE_CACHE_ENV = "KIERTO_TEST_GOLDEN_IMAGE_DIR"
# The standard desktop's roles with a small package set: a desktop would take CI most of an hour.
TEST_IMAGE = ImageRecipe(
    "kierto-test",
    {
        "desktop_apps_desktop_packages": [],
        "desktop_apps_packages": ["hunspell-sv"],
        "accessibility_enabled": False,
        "trusted_bookmarks_regional": [{"name": "Siun sote", "url": "https://www.siunsote.fi/"}],
    },
)


def golden_image_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Beside pytest's temporary dirs (kept between runs): images are keyed by what they are built from."""
    configured = os.environ.get(GOLDEN_IMAGE_CACHE_ENV)
    if configured:
        return Path(configured)
    base = tmp_path_factory.getbasetemp()
    root = next(
        (folder for folder in (base, *base.parents) if folder.name.startswith("pytest-of-")), base.parent
    )
    return root / "golden-images"


@pytest.fixture(scope="session")
def golden_image(tmp_path_factory: pytest.TempPathFactory) -> GoldenImage:
    """The test profile's golden image, from the machine's cache or built now (about five minutes)."""
    require(os.geteuid() == 0, "building a golden image needs root (debootstrap, chroot)")
    for tool in ("debootstrap", "zstd", "tar"):
        require_tool(tool, "apt-get install debootstrap zstd")
    return asyncio.run(build_golden_image(TEST_IMAGE, golden_image_cache(tmp_path_factory)))
