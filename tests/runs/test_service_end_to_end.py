"""The service end to end through the API of a real server: received → scan → wipe → installation → ready."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from passlib.hash import sha512_crypt

from inventory.devices.intake import normalise_serial
from inventory.permissions import Role
from tests.machines import BENCH_USER
from tests.runs.helpers import bare_device, wait_run

TEST_PROFILE = {
    "slug": "test-small",
    "name_fi": "Testi",
    "name_en": "Test",
    "variables": {
        "base_system_packages": ["unattended-upgrades"],
        "desktop_apps_desktop_packages": [],
        "desktop_apps_packages": ["hunspell-sv"],
        "accessibility_enabled": False,
        "trusted_bookmarks_regional": [{"name": "Siun sote", "url": "https://www.siunsote.fi/"}],
        "client_account_username": "asiakas",
    },
}


async def _sse(
    http: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """Read a server-sent event stream to its end: (event, data) pairs."""
    messages: list[tuple[str, dict[str, Any]]] = []
    event = "message"
    async with http.stream("GET", path, headers=headers, timeout=900) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                messages.append((event, json.loads(line.partition(":")[2])))
                event = "message"
    return messages


@pytest.mark.slow
async def test_received_to_ready_through_the_api(
    db: Any, http: httpx.AsyncClient, headers_for: Any, make_disks: Any, bench_chroot: Path
) -> None:
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    counsellor = await headers_for(Role.COUNSELLOR)
    tag = await bare_device(db)
    disks = make_disks(2)
    assert not any(d.is_image_file for d in disks), "the service scans loop devices"

    profile = await http.post("/api/v1/profiles", json=TEST_PROFILE, headers=admin)
    assert profile.status_code == 201, profile.text
    local = await http.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    assert local.status_code == 200, local.text

    # Scan: the loop devices become the device's disks; the disk the system runs on does not.
    scan = await http.post("/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee)
    assert scan.status_code == 201, scan.text
    run = await wait_run(http, scan.json()["id"], trainee)
    assert run["state"] == "successful", run
    assert run["targets"][0]["state"] == "passed", run
    device = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
    ours = {normalise_serial(d.serial) for d in disks}
    assert {d["serial"] for d in device["disks"]} == ours, "only our loop devices, never the system's disk"
    assert device["cpu"]
    assert device["ram_mb"] > 0

    # Wipe: both loop devices read back as zeros, an erasure certificate covers them, the device is wiped.
    wipe = await http.post("/api/v1/runs", json={"kind": "wipe", "asset_tags": [tag]}, headers=trainee)
    assert wipe.status_code == 201, wipe.text
    assert (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()["state"] == "wiping"
    run = await wait_run(http, wipe.json()["id"], trainee)
    assert run["state"] == "successful", run
    assert all(d.is_zero() for d in disks)
    certificate = run["targets"][0]["result"]["certificate_number"]
    device = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
    assert device["state"] == "wiped"
    assert {d["erasure_certificate"] for d in device["disks"]} == {certificate}

    # Installation into the chroot, followed live over server-sent events.
    chroot = await http.put(
        f"/api/v1/devices/{tag}/connection",
        json={"connection": "chroot", "address": str(bench_chroot)},
        headers=admin,
    )
    assert chroot.status_code == 200, chroot.text
    started = await http.post(
        "/api/v1/runs",
        json={"kind": "provision", "asset_tags": [tag], "profile_id": profile.json()["id"]},
        headers=trainee,
    )
    assert started.status_code == 201, started.text
    run_id = started.json()["id"]
    messages = await _sse(http, f"/runs/{run_id}/stream", trainee)
    run = await wait_run(http, run_id, trainee)
    assert run["state"] == "successful", run
    progress = [data["targets"][0]["percent"] for event, data in messages if event == "progress"]
    assert any(0 < percent < 100 for percent in progress), "the bar moves while the run goes"
    assert progress == sorted(progress), "and never backwards"
    assert messages[-1][0] == "finished"
    assert messages[-1][1]["state"] == "successful"
    device = (await http.get(f"/api/v1/devices/{tag}", headers=trainee)).json()
    assert device["state"] == "ready"

    # The account has the stored password's hash, expired; nothing of the bench is left.
    shadow = {
        line.split(":")[0]: line.split(":") for line in (bench_chroot / "etc/shadow").read_text().splitlines()
    }
    assert shadow["asiakas"][2] == "0"
    refused = await http.post(f"/api/v1/devices/{tag}/initial-password", headers=trainee)
    assert refused.status_code == 403
    shown = await http.post(f"/api/v1/devices/{tag}/initial-password", headers=counsellor)
    assert shown.status_code == 200, shown.text
    assert shown.json()["username"] == "asiakas"
    assert sha512_crypt.verify(shown.json()["password"], shadow["asiakas"][1])
    assert BENCH_USER not in (bench_chroot / "etc/passwd").read_text()

    # The history tells the story; the run's events are kept as they came, without the password hash.
    actions = [e["action"] for e in (await http.get(f"/api/v1/devices/{tag}/events", headers=trainee)).json()]
    for expected in (
        "intake",
        "bench_paired",
        "scanned",
        "start_wipe",
        "wipe_passed",
        "start_provisioning",
        "provisioned",
        "initial_password_shown",
    ):
        assert expected in actions
    events = (await http.get(f"/api/v1/runs/{run_id}/events", headers=trainee)).json()
    assert any(e["kind"] == "task_result" and e["role"] == "client_account" for e in events)
    assert shadow["asiakas"][1] not in json.dumps(events)
