"""Real erasure of loop devices filled with random data, through wipe.yml and the local runner."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from provisioning.events import TaskStarted
from provisioning.hosts import LocalHost
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir
from provisioning.results import wipe_results
from provisioning.task_count import expected_tasks
from tests.provisioning.helpers import final_status, run_job
from tests.support import require

HOST = "JNS-000042-7"


def _wipe_job(targets: list[dict[str, str]], image_files: bool) -> Job:
    return Job(
        Playbook.WIPE,
        (LocalHost(HOST),),
        host_vars={HOST: {"disk_wipe_targets": targets}},
        extravars={"disk_wipe_allow_image_files": image_files},
    )


@pytest.mark.slow
def test_a_named_disk_reads_back_as_zeros_and_an_unnamed_one_is_untouched(make_disks) -> None:  # type: ignore[no-untyped-def]
    named, other = make_disks(2)
    other_before = other.digest()
    assert not named.is_zero()
    events = run_job(_wipe_job([{"device": named.device, "serial": named.serial}], named.is_image_file))
    assert final_status(events) == "successful"
    assert named.is_zero()
    # The progress bar's measure is what Ansible starts, the check of the role's arguments included.
    started = [e.task for e in events if isinstance(e, TaskStarted) and e.host == HOST]
    assert len(started) == expected_tasks(default_playbooks_dir(), "wipe.yml"), started
    assert other.digest() == other_before
    report = wipe_results(events)[HOST]
    assert report.passed
    (evidence,) = report.erased
    assert evidence.device == named.device
    assert evidence.serial == named.serial
    assert evidence.method == "overwrite"
    assert evidence.nist_category == "clear"
    assert evidence.bytes_erased == evidence.size_bytes == 8 << 20
    assert evidence.verification_passed
    assert evidence.verification_method.startswith("full read")
    assert evidence.started_at
    assert evidence.finished_at
    assert evidence.started_at <= evidence.finished_at
    assert evidence.tool
    assert evidence.tool_version


@pytest.mark.slow
def test_discard_and_sample_verification_erase_a_loop_device(make_disks) -> None:  # type: ignore[no-untyped-def]
    (disk,) = make_disks(1)
    require(not disk.is_image_file, "blkdiscard needs a loop device")
    job = Job(
        Playbook.WIPE,
        (LocalHost(HOST),),
        extravars={
            "disk_wipe_targets": [{"device": disk.device, "serial": disk.serial, "method": "discard"}],
            "disk_wipe_verify": "sample",
            "disk_wipe_sample_blocks": 16,
            "disk_wipe_block_size": 65536,
        },
    )
    events = run_job(job)
    assert final_status(events) == "successful"
    assert disk.is_zero()
    (evidence,) = wipe_results(events)[HOST].erased
    assert evidence.method == "discard"
    assert evidence.tool.startswith("blkdiscard")
    assert evidence.verification_method.startswith("sample read of 18 blocks")


def _root_disk() -> str | None:
    source = subprocess.run(
        ["findmnt", "-n", "-o", "SOURCE", "/"], capture_output=True, text=True, check=False
    )
    device = source.stdout.strip()
    if not device.startswith("/dev/"):
        return None
    parent = subprocess.run(
        ["lsblk", "-n", "-d", "-o", "PKNAME", device], capture_output=True, text=True, check=False
    )
    name = parent.stdout.strip()
    return f"/dev/{name}" if name else device


@pytest.mark.slow
def test_the_running_systems_disk_is_refused_and_nothing_is_erased(make_disks) -> None:  # type: ignore[no-untyped-def]
    root_disk = _root_disk()
    require(root_disk is not None and os.path.exists(root_disk), "/ is not mounted from a block device here")
    assert root_disk is not None
    (other,) = make_disks(1)
    before = other.digest()
    targets = [{"device": root_disk, "serial": "ANY"}, {"device": other.device, "serial": other.serial}]
    events = run_job(_wipe_job(targets, other.is_image_file))
    assert final_status(events) == "failed"
    report = wipe_results(events)[HOST]
    assert not report.erased
    (failure,) = report.failed
    assert failure.refused
    assert "running system" in failure.message or "in use" in failure.message
    assert other.digest() == before, "the check of every disk comes before any erasure"


@pytest.mark.slow
def test_a_disk_with_another_serial_is_refused(make_disks) -> None:  # type: ignore[no-untyped-def]
    (disk,) = make_disks(1)
    before = disk.digest()
    events = run_job(_wipe_job([{"device": disk.device, "serial": "S3Z9NX0K123456"}], disk.is_image_file))
    assert final_status(events) == "failed"
    (failure,) = wipe_results(events)[HOST].failed
    assert "not the expected serial S3Z9NX0K123456" in failure.message
    assert disk.digest() == before


@pytest.mark.slow
def test_check_mode_reports_the_plan_and_writes_nothing(make_disks) -> None:  # type: ignore[no-untyped-def]
    (disk,) = make_disks(1)
    before = disk.digest()
    playbooks = Job(Playbook.WIPE, (LocalHost(HOST),)).playbooks_dir
    targets = f'{{"disk_wipe_targets": [{{"device": "{disk.device}", "serial": "{disk.serial}"}}]}}'
    result = subprocess.run(
        [
            "ansible-playbook",
            "--check",
            "-i",
            "localhost,",
            "-c",
            "local",
            "wipe.yml",
            "-e",
            targets,
            "-e",
            f"disk_wipe_allow_image_files={disk.is_image_file}",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
        ],
        cwd=playbooks,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "would be erased with overwrite" in result.stdout or "changed=" in result.stdout
    assert disk.digest() == before
