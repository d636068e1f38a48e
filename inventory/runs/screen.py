"""What a bench machine's own status screen shows: one phase, a tone, a percent and a sentence, in a language."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from inventory.devices.reach import no_such_device
from inventory.devices.tables import Device
from inventory.errors import NotFound
from inventory.i18n import N_, gettext
from inventory.lifecycle import State
from inventory.runs.choices import RunKind, TargetState
from inventory.runs.presenters import own_words
from inventory.runs.tables import BenchMachine, RunTarget


class Phase(StrEnum):
    """What is happening to the machine now, as a trainee across the room needs to know it."""

    WAITING_SCAN = "waiting_scan"
    CHECKED_IN = "checked_in"
    SCANNING = "scanning"
    WIPING = "wiping"
    WIPED = "wiped"
    INSTALLING = "installing"
    DONE = "done"
    FAILED = "failed"
    ON_HOLD = "on_hold"


class Tone(StrEnum):
    """The screen's colour: waiting for a person (yellow), working (blue), done (green), stopped (red)."""

    WAITING = "waiting"
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"


# One row per phase: its tone, its headline (with {percent} / {tag}) and the sentence under it.
PHASES: dict[Phase, tuple[Tone, str, str]] = {
    Phase.WAITING_SCAN: (
        Tone.WAITING,
        N_("Checked in: waiting for a scan"),
        N_("Scan this laptop's asset tag at the bench."),
    ),
    Phase.CHECKED_IN: (
        Tone.WAITING,
        N_("Checked in as {tag}"),
        N_("Waiting for the next step at the bench."),
    ),
    Phase.SCANNING: (Tone.WORKING, N_("Scanning the hardware"), N_("Do not switch the laptop off.")),
    Phase.WIPING: (Tone.WORKING, N_("Wiping {percent} %"), N_("Do not switch the laptop off.")),
    Phase.WIPED: (
        Tone.WAITING,
        N_("Wiped: waiting for the installation"),
        N_("Start the installation at the bench."),
    ),
    Phase.INSTALLING: (Tone.WORKING, N_("Installing {percent} %"), N_("Do not switch the laptop off.")),
    Phase.DONE: (Tone.DONE, N_("Done: you may power off"), N_("This laptop is finished.")),
    Phase.FAILED: (Tone.FAILED, N_("Stopped: ask your instructor"), ""),
    Phase.ON_HOLD: (Tone.FAILED, N_("On hold: ask your instructor"), N_("Someone put this device on hold.")),
}
_STATE_PHASES = {
    State.WIPE_FAILED: Phase.FAILED,
    State.PROVISIONING_FAILED: Phase.FAILED,
    State.ON_HOLD: Phase.ON_HOLD,
    State.WIPED: Phase.WIPED,
    **dict.fromkeys(
        (State.READY, State.RESERVED, State.HANDED_OVER, State.ON_LOAN, State.SCRAPPED), Phase.DONE
    ),
}
_RUNNING = {TargetState.PENDING.value, TargetState.RUNNING.value}


@dataclass(frozen=True)
class Screen:
    """One refresh of the status screen (and the same headline on the device page)."""

    machine_id: int | None
    serial: str | None
    asset_tag: str | None
    phase: Phase
    tone: Tone
    percent: int | None
    title: str
    detail: str


def phase_of(state: State, target: dict[str, Any] | None) -> tuple[Phase, int | None, str]:
    """The phase for a device's state and its latest run target: (phase, percent, failure message)."""
    active = target is not None and target["state"] in _RUNNING
    if state in (State.WIPING, State.PROVISIONING):
        percent = int(target["percent"]) if active and target is not None else 0
        return (Phase.WIPING if state is State.WIPING else Phase.INSTALLING), percent, ""
    if active and target is not None and target["kind"] == RunKind.SCAN.value:
        return Phase.SCANNING, None, ""
    phase = _STATE_PHASES.get(state, Phase.CHECKED_IN)
    failure = own_words(target["message"]) if phase is Phase.FAILED and target is not None else ""
    return phase, None, failure


def _screen(
    machine_id: int | None,
    serial: str | None,
    tag: str | None,
    phase: Phase,
    percent: int | None,
    failure: str,
    language: str | None,
) -> Screen:
    tone, title, detail = PHASES[phase]
    words = gettext(title, language).format(percent=percent if percent is not None else 0, tag=tag or "")
    sentence = failure or (gettext(detail, language) if detail else "")
    shown_percent = percent if phase in (Phase.WIPING, Phase.INSTALLING) else None
    return Screen(machine_id, serial, tag, phase, tone, shown_percent, words, sentence)


async def _latest_target(device_id: int) -> dict[str, Any] | None:
    row = (
        await RunTarget.select(
            RunTarget.state, RunTarget.percent, RunTarget.message, RunTarget.run.kind.as_alias("kind")
        )
        .where(RunTarget.device == device_id)
        .order_by(RunTarget.id, ascending=False)
        .first()
    )
    return dict(row) if row else None


async def machine_screen(site_id: int, machine_id: int, language: str | None) -> Screen:
    """The screen of a machine that checked in at this site (another site's machine is not found)."""
    machine = (
        await BenchMachine.select(
            BenchMachine.id,
            BenchMachine.dmi_serial,
            BenchMachine.device,
            BenchMachine.device.asset_tag.as_alias("tag"),
            BenchMachine.device.state.as_alias("state"),
        )
        .where((BenchMachine.id == machine_id) & (BenchMachine.site == site_id))
        .first()
    )
    if machine is None:
        raise NotFound(N_("This machine has not checked in at this site; it checks in again when restarted."))
    if machine["device"] is None:
        return _screen(machine_id, machine["dmi_serial"], None, Phase.WAITING_SCAN, None, "", language)
    phase, percent, failure = phase_of(State(machine["state"]), await _latest_target(machine["device"]))
    return _screen(machine_id, machine["dmi_serial"], machine["tag"], phase, percent, failure, language)


async def device_screen(asset_tag: str, language: str | None = None) -> Screen:
    """What the device's machine shows on its own screen, for the device page."""
    device = (
        await Device.select(Device.id, Device.state, Device.serial)
        .where(Device.asset_tag == asset_tag)
        .first()
    )
    if device is None:
        raise no_such_device(asset_tag)
    machine = await BenchMachine.select(BenchMachine.id).where(BenchMachine.device == device["id"]).first()
    phase, percent, failure = phase_of(State(device["state"]), await _latest_target(device["id"]))
    machine_id = int(machine["id"]) if machine else None
    return _screen(machine_id, device["serial"], asset_tag, phase, percent, failure, language)
