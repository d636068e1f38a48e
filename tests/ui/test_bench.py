"""The bench: the queue sorts every workshop device into the step it waits for; batch steps report each device."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
from litestar import Litestar

from inventory.actors import Actor
from inventory.app import create_app
from inventory.bench.queries import QueueStep, bench_queue, queue_step
from inventory.bench.services import batch_step, mark_labelled
from inventory.devices.editing import add_disk
from inventory.devices.intake import NewDisk
from inventory.devices.tables import Device, DeviceEvent, Disk
from inventory.errors import Forbidden
from inventory.lifecycle import Action, State
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.ui.conftest import log_in, post_form, text_of


def test_a_received_device_waits_for_its_label_then_its_scan_then_its_wipe() -> None:
    assert queue_step(State.RECEIVED, labelled=False, disk_count=2) is QueueStep.TO_LABEL
    assert queue_step(State.RECEIVED, labelled=True, disk_count=0) is QueueStep.TO_SCAN
    assert queue_step(State.RECEIVED, labelled=True, disk_count=1) is QueueStep.TO_WIPE
    assert queue_step(State.WIPE_FAILED, labelled=True, disk_count=1) is QueueStep.FAILED
    assert queue_step(State.PROVISIONING_FAILED, labelled=True, disk_count=1) is QueueStep.FAILED
    assert queue_step(State.WIPED, labelled=True, disk_count=1) is QueueStep.TO_PROVISION
    assert queue_step(State.READY, labelled=True, disk_count=1) is None


async def _queue_tags(site_id: int | None = None) -> dict[QueueStep, list[str]]:
    return {section.step: [e.asset_tag for e in section.entries] for section in await bench_queue(site_id)}


async def test_the_queue_puts_each_device_under_one_step(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tags = list((await factories.donation(db, devices=5)).asset_tags)
    no_disks = (await factories.donation(db, devices=0)).id
    await mark_labelled(db, tags, trainee)
    await factories.bring_to(db, tags[1], State.WIPING)
    await factories.bring_to(db, tags[2], State.WIPED)
    await factories.bring_to(db, tags[3], State.WIPE_FAILED)
    await factories.bring_to(db, tags[4], State.READY)
    unlabelled = list((await factories.donation(db, devices=1)).asset_tags)
    queue = await _queue_tags()
    assert queue[QueueStep.TO_WIPE] == [tags[0]]
    assert queue[QueueStep.WIPING] == [tags[1]]
    assert queue[QueueStep.TO_PROVISION] == [tags[2]]
    assert queue[QueueStep.FAILED] == [tags[3]]
    assert queue[QueueStep.TO_LABEL] == unlabelled
    assert all(tags[4] not in waiting for waiting in queue.values())
    assert no_disks  # a donation without devices adds nothing to the queue


async def test_a_labelled_device_without_disks_waits_for_its_scan(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    site_id = await factories.site()
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await Disk.delete().where(Disk.id > 0)
    await mark_labelled(db, [tag], trainee)
    assert (await _queue_tags(site_id))[QueueStep.TO_SCAN] == [tag]
    await add_disk(db, tag, NewDisk(model="WD Blue", serial="WD1"), trainee)
    assert (await _queue_tags(site_id))[QueueStep.TO_WIPE] == [tag]


async def test_the_queue_can_be_limited_to_a_site(db: Any) -> None:
    joensuu = (await factories.donation(db, devices=1, site_code="JNS")).asset_tags[0]
    tohmajarvi = (await factories.donation(db, devices=1, site_code="THJ")).asset_tags[0]
    only_joensuu = await _queue_tags(await factories.site("JNS"))
    assert only_joensuu[QueueStep.TO_LABEL] == [joensuu]
    assert set((await _queue_tags())[QueueStep.TO_LABEL]) == {joensuu, tohmajarvi}


async def test_a_batch_step_reports_each_device_and_one_refusal_holds_back_no_other(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tags = (await factories.donation(db, devices=3)).asset_tags
    await factories.bring_to(db, tags[1], State.WIPED)
    outcomes = await batch_step(
        db, [tags[0], tags[1], tags[2], tags[0]], Action.START_WIPE, trainee, get_settings()
    )
    assert [(o.asset_tag, o.done) for o in outcomes] == [(tags[0], True), (tags[1], False), (tags[2], True)]
    assert "tyhjennetty" in outcomes[1].message  # the lifecycle's own reason, in the user's language
    states = {r["asset_tag"]: r["state"] for r in await Device.select(Device.asset_tag, Device.state)}
    assert states == {tags[0]: "wiping", tags[1]: "wiped", tags[2]: "wiping"}


async def test_marking_labels_attached_writes_one_history_entry_per_device(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    first = await mark_labelled(db, [tag, "JNS-999999-X"], trainee)
    again = await mark_labelled(db, [tag], trainee)
    assert [o.done for o in first] == [True, False]
    assert not again[0].done
    entries = await DeviceEvent.select(DeviceEvent.action, DeviceEvent.actor).where(
        DeviceEvent.action == "labelled"
    )
    assert entries == [{"action": "labelled", "actor": trainee.label}]


async def test_a_counsellor_cannot_mark_labels(db: Any) -> None:
    counsellor = await factories.user(Role.COUNSELLOR)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    with pytest.raises(Forbidden):
        await mark_labelled(db, [tag], counsellor)


async def test_the_bench_page_posts_the_selection_to_the_button_chosen(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    await log_in(client, trainee)
    tags = (await factories.donation(db, devices=2)).asset_tags
    page = await client.get("/bench", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'formaction="/bench/labelled"' in page.text
    assert f'<option value="{trainee.site_id}" selected>' in page.text  # one's own site first
    assert f'name="tag" value="{tags[0]}"' in page.text
    labelled = await post_form(client, "/bench/labelled", {"tag": list(tags)})
    assert labelled.status_code == 200
    assert "2 tehty" in text_of(labelled.text)
    single = await post_form(client, "/bench/steps/start_wipe", {"tag": tags[0]})
    assert single.status_code == 200
    assert await Device.select(Device.state).where(Device.asset_tag == tags[0]).first() == {"state": "wiping"}
    nothing = await post_form(client, "/bench/steps/start_wipe", {})
    assert nothing.status_code == 422
    assert "Valitse vähintään yksi laite." in text_of(nothing.text)
    not_batchable = await post_form(client, "/bench/steps/hold", {"tag": tags[1]})
    assert not_batchable.status_code == 422


async def test_each_queued_device_links_to_its_label(db: Any) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    html = await _bench_html(create_app(), trainee)
    assert f'href="/labels?tag={quote(tag, safe="")}"' in html


async def _bench_html(app: Litestar, actor: Actor) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await log_in(client, actor)
        response = await client.get("/bench", headers={"Accept": "text/html"})
        assert response.status_code == 200
        return response.text
