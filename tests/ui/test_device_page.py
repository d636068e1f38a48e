"""The device page: only the steps the role may take now, and a blocked step says why (from the lifecycle)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.devices.editing import add_disk
from inventory.devices.intake import NewDisk
from inventory.devices.step_options import options_for
from inventory.lifecycle import Action, DeviceFacts, State
from inventory.permissions import Role
from tests import factories
from tests.ui.conftest import HTML, log_in, post_form, text_of

TRAINEE = Actor(label="user:t", user_id=1, role=Role.TRAINEE)
COORDINATOR = Actor(label="user:c", user_id=2, role=Role.COORDINATOR)
COUNSELLOR = Actor(label="user:s", user_id=3, role=Role.COUNSELLOR)


def _options(facts: DeviceFacts, actor: Actor) -> dict[Action, str | None]:
    return {o.action: (None if o.enabled else o.reason) for o in options_for(facts, actor)}


def test_a_trainee_sees_bench_steps_and_never_scrap() -> None:
    facts = DeviceFacts(state=State.RECEIVED, disk_ids=frozenset({1}))
    assert _options(facts, TRAINEE) == {Action.START_WIPE: None, Action.HOLD: None}
    assert Action.SCRAP in _options(facts, COORDINATOR)
    assert _options(facts, COUNSELLOR) == {}


def test_a_step_the_guard_refuses_is_shown_disabled_with_the_lifecycle_reason() -> None:
    unerased = DeviceFacts(state=State.WIPED, disk_ids=frozenset({1, 2}), erased_disk_ids=frozenset({1}))
    options = _options(unerased, TRAINEE)
    assert (
        options[Action.START_PROVISIONING]
        == "Kaikkia levyjä ei ole tyhjennetty: 1 levyä tarvitsee vielä onnistuneen tyhjennyksen."
    )
    no_disks = _options(DeviceFacts(state=State.WIPING), TRAINEE)
    assert no_disks[Action.WIPE_PASSED] is not None
    assert no_disks[Action.WIPE_FAILED] is None


def test_client_steps_are_left_to_the_clients_page() -> None:
    ready = _options(DeviceFacts(state=State.READY, disk_ids=frozenset({1})), COUNSELLOR)
    assert Action.RESERVE not in ready
    on_loan = _options(DeviceFacts(state=State.ON_LOAN, disk_ids=frozenset({1})), COUNSELLOR)
    assert on_loan == {Action.RETURN: None}


async def test_the_page_shows_a_disabled_step_with_its_reason_tied_to_the_button(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.WIPED)
    await add_disk(db, tag, NewDisk(model="Found later", serial="LATE1"), trainee)
    await log_in(client, trainee)
    page = await client.get(f"/devices/{tag}", headers=HTML)
    assert page.status_code == 200
    assert 'disabled aria-describedby="step-start_provisioning-why"' in page.text
    why = re.search(r'id="step-start_provisioning-why">([^<]+)<', page.text)
    assert why is not None
    assert "Kaikkia levyjä ei ole tyhjennetty" in why.group(1)
    assert 'action="/devices/' + tag + '/steps/hold"' in page.text  # holding stays possible


async def test_a_refused_form_shows_the_error_under_its_field(db: Any, client: httpx.AsyncClient) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.WIPING)
    await log_in(client, trainee)
    page = await client.get(f"/devices/{tag}", headers=HTML)
    disk_id = re.search(r'name="disk" value="(\d+)"', page.text)
    assert disk_id is not None
    refused = await post_form(
        client, f"/devices/{tag}/steps/wipe_passed", {"disk": disk_id.group(1), "tool": ""}
    )
    assert refused.status_code == 422
    assert (
        'aria-describedby="tool-wipe_passed-hint tool-wipe_passed-error" aria-invalid="true"' in refused.text
    )
    assert '<span class="field-error" id="tool-wipe_passed-error">Kerro, millä työkalulla' in refused.text
    asked = await post_form(
        client, f"/devices/{tag}/steps/wipe_passed", {"disk": disk_id.group(1), "tool": "nwipe 0.36"}
    )
    assert asked.status_code == 200  # first what the step will do, naming the device; nothing written yet
    assert f'<span class="tag">{tag}</span>' in asked.text
    assert "Näistä levyistä annetaan todistus tietojen hävittämisestä" in text_of(asked.text)
    assert 'name="confirmed" value="yes"' in asked.text
    assert "Todistus tietojen hävittämisestä E-" not in text_of(
        (await client.get(f"/devices/{tag}", headers=HTML)).text
    )
    done = await post_form(
        client,
        f"/devices/{tag}/steps/wipe_passed",
        {"disk": disk_id.group(1), "tool": "nwipe 0.36", "confirmed": "yes"},
    )
    assert done.status_code == 303
    after = await client.get(done.headers["location"], headers=HTML)
    assert "Todistus tietojen hävittämisestä E-" in text_of(after.text)
    assert "Tyhjennys onnistui" in text_of(after.text)  # in the timeline, as what happened
    # Who did it, by the name they go by; the steps the tests took as a job read as automatic.
    assert f'<span class="who-did">· {trainee.display_name}</span>' in after.text
    assert '<span class="who-did">· automaattinen (tests)</span>' in after.text


async def test_a_trainee_never_sees_the_client_on_a_reserved_device(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    client_id = await factories.client()
    await factories.bring_to(db, tag, State.RESERVED, client_id=client_id)
    await log_in(client, trainee)
    page = await client.get(f"/devices/{tag}", headers=HTML)
    assert page.status_code == 200
    assert "Testi Asiakas" not in page.text
    assert "K-" not in text_of(page.text)
    counsellor = await factories.user(Role.COUNSELLOR)
    client.cookies.clear()
    await log_in(client, counsellor)
    seen = await client.get(f"/devices/{tag}", headers=HTML)
    assert "asiakas K-" in text_of(seen.text)
    assert "Testi Asiakas" not in seen.text


async def test_a_scan_that_finds_nothing_says_so_and_is_ready_for_the_next(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await log_in(client, trainee)
    found = await client.get("/scan", params={"code": tag.lower()}, headers=HTML)
    assert (found.status_code, found.headers["location"]) == (302, f"/devices/{tag}")
    missing = await client.get("/scan", params={"code": "NOTHING-HERE"}, headers=HTML)
    assert missing.status_code == 404
    assert 'aria-describedby="f-code-error" aria-invalid="true"' in missing.text
    assert "autofocus" in missing.text


async def test_the_hardware_check_on_the_device_page_gives_the_grade_counsellors_filter_by(
    db: Any, client: httpx.AsyncClient
) -> None:
    trainee = await factories.user(Role.TRAINEE)
    tags = (await factories.donation(db, devices=2)).asset_tags
    await log_in(client, trainee)
    page = await client.get(f"/devices/{tags[0]}", headers=HTML)
    assert "ei tarkistettu vielä" in text_of(page.text)
    assert 'id="check-keyboard-ok"' in page.text
    answers = {"keyboard": "ok", "screen": "ok", "webcam": "faulty", "microphone": "absent", "wifi": "ok"}
    missing = await post_form(client, f"/devices/{tags[0]}/hardware-check", answers)
    assert missing.status_code == 422
    assert "USB-portit puuttuu" in text_of(missing.text)  # the unanswered item, by its name
    assert 'id="check-webcam-faulty" name="webcam" value="faulty" checked' in missing.text  # answers kept
    done = await post_form(
        client,
        f"/devices/{tags[0]}/hardware-check",
        {**answers, "usb_ports": "ok", "notes": "Saranat jäykät"},
    )
    assert done.status_code == 303
    checked = text_of((await client.get(done.headers["location"], headers=HTML)).text)
    assert "Kunto tarkastettiin." in checked
    assert "B: yksi pieni vika tai kulunut akku" in checked
    assert "Verkkokamera: viallinen" in checked
    for tag in tags:
        await factories.bring_to(db, tag, State.READY)
    counsellor = await factories.user(Role.COUNSELLOR)
    client.cookies.clear()
    await log_in(client, counsellor)
    assert "B: yksi pieni vika" in text_of((await client.get(f"/devices/{tags[0]}", headers=HTML)).text)
    client_id = await factories.client(counsellor=counsellor)
    at_least_b = await client.get(f"/clients/{client_id}/reserve", params={"grade": "B"}, headers=HTML)
    assert tags[0] in at_least_b.text
    assert tags[1] not in at_least_b.text  # never checked: no grade


async def test_a_counsellor_reserves_a_ready_device_from_its_page_for_an_own_eligible_client(
    db: Any, client: httpx.AsyncClient
) -> None:
    from inventory.clients.tables import Reservation
    from inventory.devices.tables import Device

    counsellor = await factories.user(Role.COUNSELLOR)
    colleague = await factories.user(Role.COUNSELLOR)
    tag, waiting_tag = (await factories.donation(db, devices=2)).asset_tags
    mine = await factories.client(counsellor=counsellor, full_name="Oma Odottaja")
    served = await factories.client(counsellor=counsellor, full_name="Oma Varannut")
    theirs = await factories.client(counsellor=colleague, full_name="Kollegan Asiakas")
    far = await factories.user(Role.COUNSELLOR, site_code="THJ")
    elsewhere = await factories.client(site_code="THJ", counsellor=far, full_name="Toisen Toimipisteen")
    await factories.bring_to(db, tag, State.READY)
    await factories.bring_to(db, waiting_tag, State.READY)
    await log_in(client, counsellor)
    assert (
        "done=reserved"
        in (await post_form(client, f"/clients/{served}/reserve", {"asset_tag": waiting_tag})).headers[
            "location"
        ]
    )
    page = await client.get(f"/devices/{tag}", headers=HTML)
    assert 'id="reserve-client"' in page.text
    assert f'<option value="{mine}">Oma Odottaja (K-' in page.text
    for hidden in ("Oma Varannut", "Kollegan Asiakas", "Toisen Toimipisteen"):
        assert hidden not in page.text
    refused = await post_form(client, f"/devices/{tag}/reserve", {"client_id": str(elsewhere)})
    assert refused.status_code == 404  # another site's client answers like none
    assert await Reservation.count().where(Reservation.client == elsewhere) == 0
    unchosen = await post_form(client, f"/devices/{tag}/reserve", {"client_id": ""})
    assert unchosen.status_code == 422
    assert 'id="reserve-client-error"' in unchosen.text
    done = await post_form(client, f"/devices/{tag}/reserve", {"client_id": str(mine)})
    assert done.status_code == 303
    row = await Device.select(Device.state, Device.reserved_for).where(Device.asset_tag == tag).first()
    assert row == {"state": "reserved", "reserved_for": mine}
    assert theirs != mine
    trainee = await factories.user(Role.TRAINEE)
    client.cookies.clear()
    await log_in(client, trainee)
    await factories.bring_to(db, (await factories.donation(db, devices=1)).asset_tags[0], State.READY)
    assert 'id="step-reserve"' not in (await client.get(f"/devices/{waiting_tag}", headers=HTML)).text


async def test_a_trainee_corrects_the_devices_details_on_its_page(db: Any, client: httpx.AsyncClient) -> None:
    from inventory.devices.tables import Device

    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await log_in(client, trainee)
    page = await client.get(f"/devices/{tag}", headers=HTML)
    assert 'action="/devices/' + tag + '/details"' in page.text
    fields = {"kind": "laptop", "make": "Lenovo", "model": "ThinkPad T490", "serial": "pf1abc", "cpu": "i5"}
    wrong = await post_form(client, f"/devices/{tag}/details", {**fields, "ram_gb": "kahdeksan"})
    assert wrong.status_code == 422
    assert 'id="edit-ram-error"' in wrong.text
    assert 'value="ThinkPad T490"' in wrong.text  # what was typed stays
    done = await post_form(client, f"/devices/{tag}/details", {**fields, "ram_gb": "8", "notes": "Naarmu"})
    assert done.status_code == 303
    row = (
        await Device.select(Device.model, Device.serial, Device.ram_mb, Device.notes)
        .where(Device.asset_tag == tag)
        .first()
    )
    assert row == {"model": "ThinkPad T490", "serial": "PF1ABC", "ram_mb": 8192, "notes": "Naarmu"}
    after = text_of((await client.get(done.headers["location"], headers=HTML)).text)
    assert "Tietoja korjattu." in after


async def test_a_disk_found_later_is_added_on_the_device_page_and_must_be_erased(
    db: Any, client: httpx.AsyncClient
) -> None:
    from inventory.devices.tables import Disk

    trainee = await factories.user(Role.TRAINEE)
    tag = (await factories.donation(db, devices=1)).asset_tags[0]
    await factories.bring_to(db, tag, State.WIPED)
    await log_in(client, trainee)
    before = await Disk.count()
    untyped = await post_form(client, f"/devices/{tag}/disks", {"model": "Kingston A400", "size_gb": "240"})
    assert untyped.status_code == 422
    assert 'id="new-disk-kind-error"' in untyped.text
    assert 'value="Kingston A400"' in untyped.text
    added = await post_form(
        client,
        f"/devices/{tag}/disks",
        {"model": "Kingston A400", "serial": "50026b7", "size_gb": "240", "kind": "ssd"},
    )
    assert added.status_code == 303
    assert await Disk.count() == before + 1
    page = text_of((await client.get(added.headers["location"], headers=HTML)).text)
    assert "Kaikkia levyjä ei ole tyhjennetty" in page  # the new disk holds the device back
