"""The runs pages: overview with the start form, one run, a device's progress bar, pairing by scanning a tag."""

from __future__ import annotations

from typing import Any

import httpx

from inventory.clock import now
from inventory.permissions import Role
from tests import factories
from tests.runs.helpers import bare_device, bench_token, use_bench_worker

HTML = {"Accept": "text/html"}


async def _login(client: httpx.AsyncClient, role: Role) -> dict[str, str]:
    actor = await factories.user(role)
    await client.get("/login", headers=HTML)
    response = await client.post(
        "/login",
        data={"username": actor.username, "password": factories.PASSWORD, "next": "/runs"},
        headers={**HTML, "x-csrftoken": client.cookies["kierto_csrf"]},
    )
    assert response.status_code in (302, 303), response.text
    return {**HTML, "x-csrftoken": client.cookies["kierto_csrf"]}


async def test_a_trainee_starts_a_run_from_the_form_and_follows_it(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    tag = await bare_device(db)
    await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    headers = await _login(client, Role.TRAINEE)

    overview = await client.get("/runs", headers=headers)
    assert overview.status_code == 200
    assert 'name="tags"' in overview.text
    refused = await client.post("/runs", data={"kind": "wipe", "tags": tag}, headers=headers)
    assert refused.status_code == 409
    assert "Skannaa" in refused.text or "Kartoita" in refused.text, (
        "the refusal is shown in the user's language"
    )
    started = await client.post("/runs", data={"kind": "scan", "tags": f"{tag}\n"}, headers=headers)
    assert started.status_code == 303
    run_page = await client.get(started.headers["location"], headers=headers)
    assert run_page.status_code == 200
    assert f'data-progress-for="{tag}"' in run_page.text
    from inventory.accounts.tables import User
    from inventory.runs.tables import Run

    [started_by] = await Run.select(Run.started_by_label).output(as_list=True)
    [name] = (
        await User.select(User.display_name)
        .where(User.username == started_by.removeprefix("user:"))
        .output(as_list=True)
    )
    for page in (run_page.text, (await client.get("/runs", headers=headers)).text):
        assert f"{name} ·" in page or f"{name}</" in page, "who started the run, by the name they go by"
        assert started_by not in page
    assert "Yksikään tämän toimipisteen työpisteajopalvelu ei ole yhteydessä" in run_page.text
    bar = await client.get(f"/devices/{tag}/progress", headers=headers)
    assert bar.status_code == 200
    assert "<progress" in bar.text
    device_page = await client.get(f"/devices/{tag}", headers=headers)
    assert f'data-progress-stream="/devices/{tag}/progress/stream"' in device_page.text
    assert f'data-progress-for="{tag}"' in device_page.text  # the latest run's bar, followed live
    assert started.headers["location"] in device_page.text


async def test_a_checked_in_machine_is_paired_by_scanning_the_tag_on_the_page(
    db: Any, client: httpx.AsyncClient
) -> None:
    token = {"Authorization": f"Bearer {await bench_token('JNS')}"}
    tag = await bare_device(db)
    machine = await client.post(
        "/api/v1/bench/check-in",
        json={"mac": "52:54:00:aa:bb:cc", "address": "10.0.0.7", "hostname": "debian"},
        headers=token,
    )
    assert machine.json()["asset_tag"] is None
    headers = await _login(client, Role.TRAINEE)
    assert "52:54:00:aa:bb:cc" in (await client.get("/runs", headers=headers)).text
    paired = await client.post(
        f"/runs/machines/{machine.json()['machine_id']}/pair", data={"code": tag.lower()}, headers=headers
    )
    assert paired.status_code == 303
    assert "52:54:00:aa:bb:cc" not in (await client.get("/runs", headers=headers)).text


async def test_a_run_page_follows_the_run_only_until_it_has_ended(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    from inventory.runs.tables import Run, RunTarget

    await use_bench_worker("JNS")
    admin = await headers_for(Role.ADMIN)
    tag = await bare_device(db)
    await client.put(f"/api/v1/devices/{tag}/connection", json={"connection": "local"}, headers=admin)
    headers = await _login(client, Role.TRAINEE)
    started = await client.post("/runs", data={"kind": "scan", "tags": tag}, headers=headers)
    assert started.status_code == 303
    waiting = await client.get(started.headers["location"], headers=headers)
    assert "data-progress-stream=" in waiting.text

    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    await Run.update({Run.state: "failed", Run.finished_at: now()}).where(Run.id == run_id)
    await RunTarget.update({RunTarget.state: "failed"}).where(RunTarget.run == run_id)
    ended = await client.get(f"/runs/{run_id}", headers=headers)
    assert ended.status_code == 200
    # The stream of an ended run only says "finished", and the page would reload on it again and again.
    assert "data-progress-stream=" not in ended.text
    assert f'data-progress-for="{tag}"' in ended.text
