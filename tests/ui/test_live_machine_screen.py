"""The device page's line about the laptop's own screen follows the machine live, as its progress bar does."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, expect

from inventory.clock import now
from inventory.devices.tables import Device
from inventory.i18n import gettext
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.choices import RunKind, TargetState
from inventory.runs.tables import BenchMachine, Run, RunTarget
from tests import factories
from tests.ui.browser import PageWatch, run_db, serious_violations
from tests.ui.test_browser import browser, factories_engine, fresh, log_in, watch

__all__ = ["browser", "fresh", "watch"]

pytestmark = [pytest.mark.db, pytest.mark.slow]


async def _wiping_on_the_bench(tag: str) -> int:
    """The device paired with a checked-in machine, being wiped: its run target's id."""
    await factories.bring_to(factories_engine(), tag, State.WIPING)
    device = await Device.select(Device.id, Device.site).where(Device.asset_tag == tag).first()
    assert device is not None
    await BenchMachine.insert(
        BenchMachine(
            site=device["site"], device=device["id"], dmi_serial="LIVE-SCREEN-1", checked_in_at=now()
        )
    )
    run = await Run.insert(
        Run(
            kind=RunKind.WIPE.value,
            site=device["site"],
            state="running",
            job_ident=uuid.uuid4().hex,
            created_at=now(),
        )
    ).returning(Run.id)
    target = await RunTarget.insert(
        RunTarget(
            run=run[0]["id"],
            device=device["id"],
            host=tag,
            state=TargetState.RUNNING.value,
            percent=43,
            updated_at=now(),
        )
    ).returning(RunTarget.id)
    return int(target[0]["id"])


def test_the_laptops_screen_line_changes_without_a_reload(
    browser: Browser, live_server: str, fresh: None, watch: PageWatch
) -> None:
    tag = run_db(lambda: factories.donation(factories_engine(), devices=1)).asset_tags[0]
    target_id = run_db(lambda: _wiping_on_the_bench(tag))
    page = log_in(browser, live_server, watch, Role.TRAINEE)
    page.goto(f"/devices/{tag}")
    line = page.locator("[data-machine-screen]")
    wiping = gettext("Wiping {percent} %", "fi")
    expect(line.locator('[data-field="screen-title"]')).to_have_text(wiping.format(percent=43))
    expect(line).to_have_attribute("data-tone", "working")
    page.evaluate("() => { window.notReloaded = true; }")

    run_db(
        lambda: RunTarget.update({RunTarget.percent: 80, RunTarget.updated_at: now()}).where(
            RunTarget.id == target_id
        )
    )
    expect(line.locator('[data-field="screen-title"]')).to_have_text(wiping.format(percent=80))
    expect(page.locator(f'[data-progress-for="{tag}"] [data-field="percent"]')).to_have_text("80 %")

    # The run fails for this machine: the line turns red with the reason, and the page was never reloaded.
    async def failed() -> None:
        await RunTarget.update(
            {
                RunTarget.state: TargetState.FAILED.value,
                RunTarget.message: "Levy ei vastaa.",
                RunTarget.percent: 100,
            }
        ).where(RunTarget.id == target_id)
        await Device.update({Device.state: State.WIPE_FAILED.value}).where(Device.asset_tag == tag)

    run_db(failed)
    expect(line).to_have_attribute("data-tone", "failed")
    expect(line.locator('[data-field="screen-detail"]')).to_contain_text("Levy ei vastaa.")
    assert page.evaluate("() => window.notReloaded") is True
    assert serious_violations(page) == []
