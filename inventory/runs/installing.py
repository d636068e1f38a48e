"""What an installation needs besides the profile: the erased disk to lay the image on, and the image."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inventory.errors import Conflict
from inventory.i18n import N_
from inventory.runs.choices import Connection
from inventory.runs.queries import latest_scan_facts
from inventory.runs.rows import BenchMachineRow, RunDeviceRow, WipeTarget
from inventory.runs.schemas import ProfileOut
from inventory.settings import Settings
from provisioning.golden_image import ImageRecipe, archive_path, cache_key, read_manifest
from provisioning.playbook_job import Playbook, default_playbooks_dir
from provisioning.variables import documented_variables


def installs(machines: list[BenchMachineRow]) -> bool:
    """True when the machines are on the bench (installed from the image), False for chroots (provisioned
    in place: a Debian root that is already there, as in tests); a run may not mix the two."""
    kinds = {Connection(machine["connection"]) is Connection.CHROOT for machine in machines}
    if len(kinds) > 1:
        raise Conflict(N_("A run installs machines on the bench or provisions chroots, not both at once."))
    return kinds == {False}


async def install_disk(device: RunDeviceRow, targets: list[WipeTarget]) -> dict[str, str]:
    """The erased disk to install onto: the largest of the device's erased disks, as its last scan named it."""
    facts = await latest_scan_facts(device["id"])
    sizes = {disk.get("device"): int(disk.get("size_bytes") or 0) for disk in facts.get("disks", [])}
    chosen = max(targets, key=lambda target: sizes.get(target["device"], 0))
    return {"device": chosen["device"], "serial": chosen["serial"]}


def profile_image(profile: ProfileOut, settings: Settings) -> dict[str, Any]:
    """The manifest of the profile's current golden image (its roles and variables as they are now)."""
    recipe = ImageRecipe(profile.slug, profile.variables)
    archive = archive_path(
        settings.resolved_golden_image_dir, recipe, cache_key(recipe, default_playbooks_dir())
    )
    manifest = read_manifest(archive)
    if manifest is None:
        raise Conflict(
            N_(
                "The profile {profile} has no golden image for its current settings yet. Build it first: "
                "kierto golden-image build --profile {profile}"
            ),
            {"profile": profile.slug},
        )
    return manifest | {"path": str(archive)}


def install_variables(
    profile_variables: Mapping[str, Any], manifest: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    """install.yml's variables for every host: the profile's installation settings and the image
    (downloaded from KIERTO_GOLDEN_IMAGE_URL when set, else read from its path)."""
    allowed = documented_variables(default_playbooks_dir(), Playbook.INSTALL.value)
    variables = {name: value for name, value in profile_variables.items() if name in allowed}
    variables.pop("os_install_disk", None)  # each machine's own
    location = manifest["path"]
    if settings.golden_image_url:
        location = f"{settings.golden_image_url.rstrip('/')}/{Path(manifest['path']).name}"
    return variables | {"os_install_image": location, "os_install_image_sha256": manifest["sha256"]}
