"""Starting an installation: refused before anything is written without a full erasure or an image; install.yml otherwise."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from inventory.devices.editing import add_disk
from inventory.devices.intake import NewDisk
from inventory.devices.tables import Device, Disk
from inventory.errors import Conflict
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.choices import Connection, RunKind
from inventory.runs.connections import ManualConnection, set_connection
from inventory.runs.provisioning_profiles import seed_default_profiles
from inventory.runs.starting import RunRequest, start_run
from inventory.runs.tables import HardwareScan, Run, RunTarget
from inventory.settings import Settings
from provisioning.default_profiles import STANDARD_DESKTOP
from provisioning.golden_image import ImageRecipe, archive_path, cache_key
from provisioning.playbook_job import default_playbooks_dir
from provisioning.task_count import expected_tasks
from tests import factories


class Dispatcher:
    """Records what would be run, runs nothing."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)

    def queued(self) -> None:
        """No bench worker waits in these tests."""


async def _wiped_on_the_bench(engine: Any, settings: Settings) -> str:
    """A wiped laptop with one disk, scanned on this machine (local connection) with the disk at /dev/vdz."""
    tag = (await factories.donation(engine, devices=1)).asset_tags[0]
    await factories.bring_to(engine, tag, State.WIPED)
    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None
    disks = await Disk.select(Disk.serial, Disk.size_bytes).where(Disk.device == device["id"])
    await HardwareScan.insert(
        HardwareScan(
            device=device["id"],
            scanned_at=dt.datetime.now(dt.UTC),
            facts={
                "disks": [
                    {"device": "/dev/vdz", "serial": d["serial"], "size_bytes": d["size_bytes"]}
                    for d in disks
                ]
            },
        )
    )
    admin = await factories.user(Role.ADMIN)
    await set_connection(engine, tag, ManualConnection(connection=Connection.LOCAL), admin, settings)
    return tag


def _image(settings: Settings) -> dict[str, Any]:
    """A stand-in for the standard profile's built image: its manifest under the current key."""
    recipe = ImageRecipe(STANDARD_DESKTOP.slug, dict(STANDARD_DESKTOP.variables))
    archive = archive_path(
        settings.resolved_golden_image_dir, recipe, cache_key(recipe, default_playbooks_dir())
    )
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_bytes(b"not really an image")
    manifest = {"profile": recipe.profile, "sha256": "ab" * 32, "size": 19, "package_count": 1}
    archive.with_name(archive.name.removesuffix(".tar.zst") + ".json").write_text(json.dumps(manifest))
    return manifest | {"path": str(archive)}


async def _state(tag: str) -> str:
    row = await Device.select(Device.state).where(Device.asset_tag == tag).first()
    assert row is not None
    return str(row["state"])


async def test_a_device_whose_disks_are_not_all_erased_is_refused_before_anything_is_written(
    db: Any, tmp_path: Path
) -> None:
    settings = Settings(bench_local_connections=True, golden_image_dir=tmp_path)
    await seed_default_profiles()
    _image(settings)
    tag = await _wiped_on_the_bench(db, settings)
    # A second disk turned up after the wipe: it was never erased.
    await add_disk(
        db,
        tag,
        NewDisk(model="Kingston A400", serial="50026B77XYZ", size_bytes=10**11),
        await factories.user(Role.ADMIN),
    )
    trainee = await factories.user(Role.TRAINEE)
    dispatcher = Dispatcher()
    with pytest.raises(Conflict) as refused:
        await start_run(db, RunRequest(RunKind.PROVISION, (tag,)), trainee, settings, dispatcher)
    assert refused.value.text("en") == "Not every disk has been erased: 1 disk(s) still need a passed wipe."
    assert "1" in refused.value.text("fi")
    assert await _state(tag) == "wiped"
    assert not await Run.exists()
    assert dispatcher.submitted == []


async def test_an_installation_without_the_profiles_image_is_refused_with_the_command_that_builds_it(
    db: Any, tmp_path: Path
) -> None:
    settings = Settings(bench_local_connections=True, golden_image_dir=tmp_path)
    await seed_default_profiles()
    tag = await _wiped_on_the_bench(db, settings)
    with pytest.raises(Conflict) as refused:
        await start_run(
            db,
            RunRequest(RunKind.PROVISION, (tag,)),
            await factories.user(Role.TRAINEE),
            settings,
            Dispatcher(),
        )
    assert "kierto golden-image build --profile standard-desktop" in refused.value.text("en")
    assert await _state(tag) == "wiped"
    assert not await Run.exists()


async def test_a_machine_on_the_bench_is_installed_from_its_profiles_image_onto_its_erased_disk(
    db: Any, tmp_path: Path
) -> None:
    settings = Settings(bench_local_connections=True, golden_image_dir=tmp_path)
    await seed_default_profiles()
    image = _image(settings)
    tag = await _wiped_on_the_bench(db, settings)
    dispatcher = Dispatcher()
    run_id = await start_run(
        db, RunRequest(RunKind.PROVISION, (tag,)), await factories.user(Role.TRAINEE), settings, dispatcher
    )
    assert dispatcher.submitted == [run_id]
    assert await _state(tag) == "provisioning"
    run = await Run.select(Run.job).where(Run.id == run_id).output(load_json=True).first()
    assert run is not None
    job = run["job"]
    assert job["playbook"] == "install.yml"
    assert job["extravars"]["os_install_image"] == image["path"]
    assert job["extravars"]["os_install_image_sha256"] == image["sha256"]
    assert not any(name.startswith("desktop_apps_") for name in job["extravars"]), "those are in the image"
    target = await RunTarget.select(RunTarget.tasks_expected).where(RunTarget.run == run_id).first()
    assert target is not None
    assert target["tasks_expected"] == expected_tasks(default_playbooks_dir(), "install.yml")
    disk = job["host_vars"][tag]["os_install_disk"]
    assert disk["device"] == "/dev/vdz"
    assert disk["serial"].startswith("S4")


def test_the_runs_page_tells_each_profiles_image_age_size_and_package_count(tmp_path: Path) -> None:
    from inventory.runs.golden_images import image_summaries

    settings = Settings(golden_image_dir=tmp_path)
    _image(settings)
    manifest_path = next(tmp_path.glob("*.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(
        json.dumps(
            manifest | {"built_at": "2026-12-01T10:00:00+00:00", "size": 1_900_000_000, "package_count": 1734}
        )
    )
    summary = image_summaries(settings, dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC))[STANDARD_DESKTOP.slug]
    assert (summary["age_days"], summary["size_mb"], summary["package_count"]) == (3, 1900, 1734)


def test_bench_machines_download_the_image_from_the_configured_address(tmp_path: Path) -> None:
    from inventory.runs.installing import install_variables

    settings = Settings(golden_image_dir=tmp_path, golden_image_url="http://10.0.2.2:8080/images/")
    manifest = _image(settings)
    profile_variables = {"os_install_swap_size_mib": 2048, "desktop_apps_packages": []}
    variables = install_variables(profile_variables, manifest, settings)
    assert variables["os_install_image"] == f"http://10.0.2.2:8080/images/{Path(manifest['path']).name}"
    assert variables["os_install_swap_size_mib"] == 2048
    assert "desktop_apps_packages" not in variables


def test_an_installations_progress_is_measured_against_install_yml() -> None:
    install = expected_tasks(default_playbooks_dir(), "install.yml")
    assert install > expected_tasks(default_playbooks_dir(), "wipe.yml")
    assert install != expected_tasks(default_playbooks_dir(), "provision.yml")
