"""In-process runs: typed events per host, forks, failures in plain words, cancel."""

from __future__ import annotations

import asyncio
import time

import pytest

from provisioning.events import (
    HostRecap,
    RunFinished,
    RunStatus,
    StatusChanged,
    TaskOutcome,
    TaskResult,
    TaskStarted,
)
from provisioning.hosts import LocalHost
from provisioning.local_runner import start_local_run
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir
from provisioning.results import scan_results
from provisioning.task_count import expected_tasks
from tests.provisioning.helpers import final_status, run_job


def test_a_scan_gives_started_and_ok_events_for_every_host_and_a_recap() -> None:
    hosts = tuple(LocalHost(f"JNS-00000{i}") for i in range(4))
    events = run_job(Job(Playbook.SCAN, hosts, forks=4))
    assert final_status(events) == "successful"
    statuses = [e.status for e in events if isinstance(e, StatusChanged)]
    assert statuses[:2] == [RunStatus.STARTING, RunStatus.RUNNING]
    assert statuses[-1] is RunStatus.SUCCESSFUL
    for host in hosts:
        started = [e.task for e in events if isinstance(e, TaskStarted) and e.host == host.name]
        ok = [e.task for e in events if isinstance(e, TaskResult) and e.host == host.name]
        assert "Gather the hardware facts" in started
        assert started == ok
        assert len(started) == expected_tasks(default_playbooks_dir(), "scan.yml"), (
            started
        )  # the bar's measure
        recap = next(e for e in events if isinstance(e, HostRecap) and e.host == host.name)
        assert (recap.failed, recap.unreachable, recap.changed) == (0, 0, 0)
    assert all(e.raw for e in events), "every event keeps its raw form as evidence"


def test_a_scan_result_has_cpu_memory_and_disks() -> None:
    events = run_job(Job(Playbook.SCAN, (LocalHost("bench-self"),)))
    scan = scan_results(events)["bench-self"]
    assert scan.cpu_cores
    assert scan.cpu_cores >= 1
    assert scan.memory_bytes
    assert scan.memory_bytes > 0
    assert scan.disks, "the machine running the tests has at least one disk"
    assert scan.raw["disks"][0]["size_bytes"] == scan.disks[0].size_bytes


def test_forks_run_hosts_in_parallel() -> None:
    hosts = tuple(LocalHost(f"host-{i}") for i in range(6))
    started = time.monotonic()
    parallel = run_job(Job(Playbook.SCAN, hosts, forks=6))
    parallel_seconds = time.monotonic() - started
    started = time.monotonic()
    serial = run_job(Job(Playbook.SCAN, hosts, forks=1))
    serial_seconds = time.monotonic() - started
    assert final_status(parallel) == final_status(serial) == "successful"
    assert parallel_seconds < serial_seconds


def test_a_failed_task_says_why_in_plain_words(make_disks) -> None:  # type: ignore[no-untyped-def]
    (disk,) = make_disks(1)
    job = Job(
        Playbook.WIPE,
        (LocalHost("JNS-000042-7"),),
        host_vars={
            "JNS-000042-7": {"disk_wipe_targets": [{"device": disk.device, "serial": "WD-NOT-THIS-ONE"}]}
        },
        extravars={"disk_wipe_allow_image_files": disk.is_image_file},
    )
    before = disk.digest()
    events = run_job(job)
    assert final_status(events) == "failed"
    failed = [e for e in events if isinstance(e, TaskResult) and e.outcome is TaskOutcome.FAILED]
    assert failed
    assert failed[0].host == "JNS-000042-7"
    assert failed[0].message is not None
    assert "not the expected serial WD-NOT-THIS-ONE" in failed[0].message
    assert disk.digest() == before


def test_cancel_stops_a_running_wipe(tmp_path) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "big.img"
    with open(image, "wb") as handle:
        handle.truncate(16 << 30)
    job = Job(
        Playbook.WIPE,
        (LocalHost("JNS-000001-1"),),
        extravars={
            "disk_wipe_targets": [{"device": str(image), "serial": str(image.resolve())}],
            "disk_wipe_allow_image_files": True,
        },
    )

    async def run_and_cancel() -> tuple[list[object], float]:
        handle = start_local_run(job)
        events: list[object] = []
        canceled_at = 0.0
        async for event in handle.events():
            events.append(event)
            if isinstance(event, TaskStarted) and event.task == "Erase and verify each named disk":
                await asyncio.sleep(1)
                handle.cancel()
                canceled_at = time.monotonic()
        outcome = await handle.wait()
        assert outcome.status is RunStatus.CANCELED
        return events, time.monotonic() - canceled_at

    try:
        events, seconds = asyncio.run(run_and_cancel())
        last = events[-1]
        assert isinstance(last, RunFinished)
        assert last.status is RunStatus.CANCELED
        assert seconds < 10
        # Nothing goes on writing once the run says it was canceled (Ansible's workers included).
        written = image.stat().st_blocks
        time.sleep(1.5)
        assert image.stat().st_blocks == written
        assert written * 512 < 16 << 30
    finally:
        image.unlink()  # 16 GiB once written: never leave it for pytest to keep


@pytest.mark.parametrize("bad", [{"disk_wipe_targets": [], "rm_rf": True}, {"ansible_become_password": "x"}])
def test_only_documented_role_variables_are_accepted(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="does not document the variables"):
        Job(Playbook.WIPE, (LocalHost("a"),), extravars=bad)


def test_a_job_refuses_duplicate_hosts_and_unknown_host_vars() -> None:
    with pytest.raises(ValueError, match="repeated: a"):
        Job(Playbook.SCAN, (LocalHost("a"), LocalHost("a")))
    with pytest.raises(ValueError, match="not in the job: b"):
        Job(Playbook.SCAN, (LocalHost("a"),), host_vars={"b": {}})
