"""Golden images: the profile's image-time roles built into a Debian root, packed with a manifest, cached by key."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from provisioning.default_profiles import STANDARD_DESKTOP
from provisioning.golden_image import (
    GoldenImage,
    ImageRecipe,
    apt_sources_list,
    build_golden_image,
    cache_key,
    image_roles,
    image_variables,
    role_versions,
)
from provisioning.playbook_job import default_playbooks_dir
from tests.golden import TEST_IMAGE


def _roles_of(playbook: str) -> list[str]:
    plays = yaml.safe_load((default_playbooks_dir() / playbook).read_text(encoding="utf-8"))
    return [entry["role"] for play in plays for entry in play.get("roles", [])]


def test_the_image_roles_and_the_per_machine_roles_are_provision_yml_in_its_order() -> None:
    per_machine = ["client_account", "bench_cleanup"]
    assert image_roles(default_playbooks_dir()) + per_machine == _roles_of("provision.yml")


def test_the_cache_key_follows_the_profile_and_the_roles_and_nothing_per_machine(tmp_path: Path) -> None:
    playbooks = tmp_path / "playbooks"
    shutil.copytree(default_playbooks_dir(), playbooks)
    standard = ImageRecipe(STANDARD_DESKTOP.slug, STANDARD_DESKTOP.variables)
    key = cache_key(standard, playbooks)
    assert cache_key(ImageRecipe(STANDARD_DESKTOP.slug, dict(STANDARD_DESKTOP.variables)), playbooks) == key
    # A per-machine variable (the client's login) is not part of the image.
    per_machine = dict(STANDARD_DESKTOP.variables) | {"client_account_username": "maija"}
    assert image_variables(per_machine, playbooks) == dict(STANDARD_DESKTOP.variables)
    assert cache_key(ImageRecipe(STANDARD_DESKTOP.slug, per_machine), playbooks) == key
    # A changed profile, or a changed file of an image role, is a new image.
    more = dict(STANDARD_DESKTOP.variables) | {"desktop_apps_extra_packages": ["gimp"]}
    assert cache_key(ImageRecipe(STANDARD_DESKTOP.slug, more), playbooks) != key
    versions = role_versions(playbooks)
    defaults = playbooks / "roles" / "finnish_locale" / "defaults" / "main.yml"
    defaults.write_text(defaults.read_text() + "# a changed comment is a changed role\n")
    assert role_versions(playbooks)["finnish_locale"] != versions["finnish_locale"]
    assert role_versions(playbooks)["base_system"] == versions["base_system"]
    assert cache_key(standard, playbooks) != key


def test_the_image_takes_its_apt_sources_from_this_machine(tmp_path: Path) -> None:
    lines = apt_sources_list("bookworm").splitlines()
    assert lines[0].startswith("deb ")
    assert lines[0].endswith(" bookworm main")
    assert lines[1].endswith(" bookworm-updates main")
    host_sources = " ".join(
        path.read_text() for path in Path("/etc/apt").rglob("*") if path.suffix in (".list", ".sources")
    )
    for line in lines:
        assert line.split()[1] in host_sources


def _members(archive: Path) -> dict[str, str]:
    listing = subprocess.run(
        ["tar", "--use-compress-program=zstd -d", "-tvf", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        line.split()[-1] if " -> " not in line else line.split()[-3]: line for line in listing.splitlines()
    }


def _read(archive: Path, member: str) -> str:
    return subprocess.run(
        ["tar", "--use-compress-program=zstd -d", "-xOf", str(archive), member],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.slow
def test_a_golden_image_holds_the_profiles_roles_and_its_manifest_says_what_is_in_it(
    golden_image: GoldenImage,
) -> None:
    archive, manifest = golden_image.archive, golden_image.manifest
    assert manifest["profile"] == TEST_IMAGE.profile
    assert manifest["roles"] == role_versions(default_playbooks_dir())
    assert manifest["key"] == cache_key(TEST_IMAGE, default_playbooks_dir())
    with open(archive, "rb") as handle:
        assert manifest["sha256"] == hashlib.file_digest(handle, "sha256").hexdigest()
    assert manifest["size"] == archive.stat().st_size
    packages = {p["name"]: p["version"] for p in manifest["packages"]}
    assert manifest["package_count"] == len(packages)
    for name in (
        "linux-image-amd64",
        "grub-efi-amd64-bin",
        "grub-pc-bin",
        "unattended-upgrades",
        "hunspell-sv",
    ):
        assert packages.get(name), f"{name} is missing from the image"
    members = _members(archive)
    assert "./etc/default/locale" in members
    assert "LANG=fi_FI.UTF-8" in _read(archive, "./etc/default/locale")
    assert "https://www.siunsote.fi/" in _read(archive, "./etc/firefox/policies/policies.json")
    assert any(name.startswith("./boot/vmlinuz-") for name in members)
    # Nothing machine-specific: the machine-id is made at first boot, host keys at installation.
    assert _read(archive, "./etc/machine-id") == ""
    assert not [name for name in members if name.startswith("./etc/ssh/ssh_host_")]
    assert not [
        name for name in members if name.startswith("./var/cache/apt/archives/") and name.endswith(".deb")
    ]
    assert "kierto-bench" not in _read(archive, "./etc/passwd")


@pytest.mark.slow
def test_the_same_profile_and_roles_come_from_the_cache(golden_image: GoldenImage) -> None:
    again = asyncio.run(build_golden_image(TEST_IMAGE, golden_image.archive.parent))
    assert not again.built
    assert again.archive == golden_image.archive
    assert again.manifest["sha256"] == golden_image.manifest["sha256"]
