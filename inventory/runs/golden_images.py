"""Golden images of the profiles: built from a profile's current variables, listed for the profile page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from inventory.runs.tables import Profile
from inventory.settings import Settings
from provisioning.default_profiles import DEFAULT_PROFILES
from provisioning.golden_image import (
    GoldenImage,
    ImageRecipe,
    build_golden_image,
    cache_key,
    list_images,
)
from provisioning.playbook_job import default_playbooks_dir


class ImageProfileNotFound(LookupError):
    """No profile has the short name asked for."""


async def _profiles() -> dict[str, dict[str, Any]]:
    rows = await Profile.select(Profile.slug, Profile.variables).output(load_json=True)
    found = {str(row["slug"]): dict(row["variables"] or {}) for row in rows}
    for profile in DEFAULT_PROFILES:  # a database not seeded yet still knows the defaults
        found.setdefault(profile.slug, dict(profile.variables))
    return found


async def recipe_for(slug: str) -> ImageRecipe:
    """The image recipe of a profile, by its short name or the unique start of it ("standard")."""
    profiles = await _profiles()
    matches = [slug] if slug in profiles else [name for name in profiles if name.startswith(f"{slug}-")]
    if len(matches) != 1:
        known = ", ".join(sorted(profiles))
        raise ImageProfileNotFound(f"There is no single profile named {slug!r}. Profiles: {known}.")
    return ImageRecipe(matches[0], profiles[matches[0]])


async def build_profile_image(slug: str, settings: Settings, *, refresh: bool = False) -> GoldenImage:
    """A profile's golden image from the cache, or built now."""
    return await build_golden_image(
        await recipe_for(slug), settings.resolved_golden_image_dir, refresh=refresh
    )


async def refresh_images(settings: Settings) -> list[GoldenImage]:
    """Rebuild the image of every active profile that has one (security updates, changed roles or variables)."""
    built = {manifest["profile"] for manifest in list_images(settings.resolved_golden_image_dir)}
    rows = await Profile.select(Profile.slug).where(Profile.is_active == True)  # noqa: E712 - Piccolo SQL
    return [
        await build_profile_image(str(row["slug"]), settings, refresh=True)
        for row in rows
        if row["slug"] in built
    ]


def image_summaries(settings: Settings, moment: dt.datetime) -> dict[str, dict[str, Any]]:
    """Per profile short name, its newest image's age in days, size, package count and whether current."""
    summaries: dict[str, dict[str, Any]] = {}
    for manifest in list_images(settings.resolved_golden_image_dir):
        if manifest["profile"] in summaries:
            continue
        built = dt.datetime.fromisoformat(str(manifest["built_at"]))
        summaries[manifest["profile"]] = {
            "built_at": built,
            "age_days": max((moment - built).days, 0),
            "size_mb": round(int(manifest["size"]) / 1e6),
            "package_count": int(manifest["package_count"]),
            "sha256": manifest["sha256"],
            "path": Path(manifest["path"]),
        }
    return summaries


def is_current(slug: str, variables: dict[str, Any], manifest_key: str) -> bool:
    """True when an image built with `manifest_key` matches the profile's variables and roles now."""
    return cache_key(ImageRecipe(slug, variables), default_playbooks_dir()) == manifest_key
