"""The default profiles are data the app can seed, and pass only documented provision.yml variables."""

from __future__ import annotations

from pathlib import Path

from provisioning.default_profiles import DEFAULT_PROFILES, default_profiles
from provisioning.hosts import ChrootHost
from provisioning.playbook_job import Job, Playbook


def test_the_three_default_profiles_exist_with_distinct_slugs() -> None:
    slugs = [profile["slug"] for profile in default_profiles()]
    assert slugs == ["standard-desktop", "light", "accessibility"]


def test_every_default_profile_is_a_valid_provisioning_job() -> None:
    for profile in DEFAULT_PROFILES:
        Job(
            Playbook.PROVISION,
            (ChrootHost("JNS-000001-1", Path("/srv/chroot")),),
            extravars=profile.variables,
        )


def test_only_the_accessibility_profile_switches_the_extras_on() -> None:
    enabled = {profile.slug: profile.variables["accessibility_enabled"] for profile in DEFAULT_PROFILES}
    assert enabled == {"standard-desktop": False, "light": False, "accessibility": True}
