"""The bench-token API: check-in and pairing, the token's site boundary, waiting jobs, results recorded once."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.app import create_app
from inventory.devices.tables import Device
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.tables import BenchMachine, RunEvent
from tests import factories
from tests.runs.helpers import bare_device, bench_token, use_bench_worker, wait_run, worker_scan

CHECK_IN = {
    "mac": "3C:97:0E:12:34:56",
    "address": "10.20.0.15",
    "ssh_port": 22,
    "host_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8dpvUu1zYv8gJd1xQn9mKQd2y0bW1Zx4rW8P8a9Xk2",
    "hostname": "debian",
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_machine_checks_in_and_is_paired_by_serial_or_by_a_scanned_tag(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    token = _bearer(await bench_token("JNS"))
    created = await factories.donation(db, devices=2)
    known, unknown_serial = created.asset_tags
    serial = (await Device.select(Device.serial).where(Device.asset_tag == known).first() or {})["serial"]

    paired = await client.post(
        "/api/v1/bench/check-in", json={**CHECK_IN, "serial": serial.lower()}, headers=token
    )
    assert paired.status_code == 200, paired.text
    assert paired.json()["asset_tag"] == known
    assert paired.json()["paired_by"] == "serial"

    waiting = await client.post(
        "/api/v1/bench/check-in",
        json={**CHECK_IN, "mac": "3c:97:0e:00:00:01", "serial": "NOT-ON-THE-LIST"},
        headers=token,
    )
    assert waiting.status_code == 200
    assert waiting.json()["asset_tag"] is None
    trainee = await headers_for(Role.TRAINEE)
    listed = (await client.get("/api/v1/bench/machines", headers=trainee)).json()
    assert [m["dmi_serial"] for m in listed] == ["NOT-ON-THE-LIST"]
    pair = await client.post(
        f"/api/v1/bench/machines/{waiting.json()['machine_id']}/pair",
        json={"code": unknown_serial},
        headers=trainee,
    )
    assert pair.status_code == 200, pair.text
    assert pair.json()["asset_tag"] == unknown_serial
    machine = await BenchMachine.select().where(BenchMachine.id == waiting.json()["machine_id"]).first()
    assert machine is not None
    assert (machine["address"], machine["host_key"].split()[0], machine["paired_how"]) == (
        "10.20.0.15",
        "ssh-ed25519",
        "tag",
    )

    bad = await client.post(
        "/api/v1/bench/check-in", json={**CHECK_IN, "address": "not an address"}, headers=token
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "address"


async def test_a_bench_token_may_use_the_bench_routes_only(db: Any, client: httpx.AsyncClient) -> None:
    token = _bearer(await bench_token("JNS"))
    app: Litestar = create_app()
    refused = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                if handler.opt.get("bench") or handler.opt.get("permission") == "public":
                    continue
                path = route.path.replace("{tag:str}", "JNS-000001-X").replace("{file_path:path}", "x")
                path = re.sub(r"\{\w+:int\}", "1", path.replace("{action:str}", "hold"))
                path = re.sub(r"\{\w+:str\}", "x", path)
                response = await client.request(method, path, headers=token, json={})
                if response.status_code != 403:
                    refused.append(f"{method} {path}: {response.status_code}")
    assert not refused, "a bench token reached: " + ", ".join(refused)


async def test_people_may_not_use_the_bench_routes(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    for role in Role:
        headers = await headers_for(role)
        response = await client.post("/api/v1/bench/check-in", json=CHECK_IN, headers=headers)
        assert response.status_code == 403, role
        response = await client.post("/api/v1/bench/workers", json={"name": "x"}, headers=headers)
        assert response.status_code == 403, role


async def _register(client: httpx.AsyncClient, token: dict[str, str], name: str) -> int:
    response = await client.post(
        "/api/v1/bench/workers", json={"name": name, "version": "1.0"}, headers=token
    )
    assert response.status_code == 200, response.text
    return int(response.json()["worker_id"])


async def test_a_job_waits_for_its_own_site_and_is_never_given_to_another(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tag = await bare_device(db)
    await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    started = await client.post("/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee)
    assert started.status_code == 201, started.text
    assert started.json()["state"] == "queued"
    assert "ei ole yhteydessä" in (started.json()["waiting_reason"] or ""), "said in the user's language"

    other = _bearer(await bench_token("TOH"))
    other_worker = await _register(client, other, "tohmajarvi")
    nothing = await client.get(
        f"/api/v1/bench/workers/{other_worker}/jobs/next", params={"wait": 0}, headers=other
    )
    assert nothing.status_code == 204
    ident = started.json()["job_ident"]
    foreign = await client.post(
        f"/api/v1/bench/workers/{other_worker}/jobs/{ident}/results",
        params={"offset": 0},
        content=b"{}",
        headers=other,
    )
    assert foreign.status_code == 404
    sites = (await client.get("/api/v1/bench/sites", headers=trainee)).json()
    jns = next(s for s in sites if s["site_code"] == "JNS")
    assert jns["executor"] == "worker"
    assert jns["waiting_runs"] == [started.json()["id"]]

    own = _bearer(await bench_token("JNS"))
    worker = await _register(client, own, "joensuu")
    stolen = await client.get(f"/api/v1/bench/workers/{worker}/jobs/next", params={"wait": 0}, headers=other)
    assert stolen.status_code == 404, "a token cannot speak for another site's worker"
    job = await client.get(f"/api/v1/bench/workers/{worker}/jobs/next", params={"wait": 0}, headers=own)
    assert job.status_code == 200
    assert job.headers["X-Kierto-Job"] == ident
    assert b"PRIVATE KEY" not in job.content
    assert (await client.get(f"/api/v1/runs/{started.json()['id']}", headers=trainee)).json()[
        "state"
    ] == "running"


async def test_a_result_posted_twice_is_recorded_once(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    scan = await worker_scan(db, client, headers_for)
    run, trainee, token, stream, url = scan.run, scan.trainee, scan.token, scan.stream, scan.results_url
    [tag] = [target["asset_tag"] for target in run["targets"]]
    half = len(stream) // 2

    first = await client.post(url, params={"offset": 0}, content=stream[:half], headers=token)
    assert first.json() == {"received": half, "duplicate": False}
    again = await client.post(url, params={"offset": 0}, content=stream[:half], headers=token)
    assert again.json() == {"received": half, "duplicate": True}
    gap = await client.post(url, params={"offset": half + 10}, content=stream[half + 10 :], headers=token)
    assert gap.json() == {"received": half, "duplicate": False}, (
        "a gap is not stored: the worker sends from `received`"
    )
    overlapping = await client.post(
        url, params={"offset": half - 100, "complete": True}, content=stream[half - 100 :], headers=token
    )
    assert overlapping.json() == {"received": len(stream), "duplicate": False}
    done = await wait_run(client, run["id"], trainee, seconds=60)
    assert done["state"] == "successful", done
    stored = await RunEvent.count().where(RunEvent.run == run["id"])
    replay = await client.post(url, params={"offset": 0, "complete": True}, content=stream, headers=token)
    assert replay.json()["duplicate"] is True
    late = await client.post(
        url, params={"offset": len(stream)}, content=b'{"event": "late"}\n', headers=token
    )
    assert late.status_code == 409, "an ended job takes no new results: the worker stops it"
    await asyncio.sleep(0.5)
    assert await RunEvent.count().where(RunEvent.run == run["id"]) == stored
    assert (await Device.select(Device.state).where(Device.asset_tag == tag).first() or {})[
        "state"
    ] == State.RECEIVED.value
    assert done["targets"][0]["state"] == "passed"


async def test_a_worker_registering_again_interrupts_what_its_killed_predecessor_was_running(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    """A service manager restarts a killed worker at once: its heartbeats must not keep the dead run running."""
    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    trainee = await headers_for(Role.TRAINEE)
    tags = [await bare_device(db), await bare_device(db)]
    for tag in tags:
        await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    token = _bearer(await bench_token("JNS"))
    worker = await _register(client, token, "joensuu")
    other = await _register(client, token, "toinen")
    runs = []
    for tag, taker in zip(tags, (worker, other), strict=True):
        started = await client.post(
            "/api/v1/runs", json={"kind": "scan", "asset_tags": [tag]}, headers=trainee
        )
        assert started.status_code == 201, started.text
        job = await client.get(f"/api/v1/bench/workers/{taker}/jobs/next", params={"wait": 0}, headers=token)
        assert job.status_code == 200, job.text
        runs.append(started.json()["id"])
    assert await _register(client, token, "joensuu") == worker, "the same worker, restarted"
    run = (await client.get(f"/api/v1/runs/{runs[0]}", headers=trainee)).json()
    assert run["state"] == "interrupted"
    assert run["targets"][0]["state"] == "interrupted"
    assert "keskeytyi" in run["explanation"], "interrupted, said in the user's language (Finnish first)"
    untouched = (await client.get(f"/api/v1/runs/{runs[1]}", headers=trainee)).json()
    assert untouched["state"] == "running", "another worker's run goes on"


@pytest.mark.parametrize("scope_name", ["read", "read_write"])
async def test_personal_tokens_are_refused_by_the_bench_routes(
    db: Any, client: httpx.AsyncClient, scope_name: str
) -> None:
    from inventory.choices import TokenScope

    admin = await factories.user(Role.ADMIN)
    headers = _bearer(await factories.token(admin, TokenScope(scope_name)))
    response = await client.post("/api/v1/bench/workers", json={"name": "x"}, headers=headers)
    assert response.status_code == 403
