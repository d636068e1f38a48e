"""Importing an nwipe / ShredOS log as the erasure of a device's disks, with the reasons in people's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.choices import ErasureTechnique
from inventory.database import write_transaction
from inventory.devices.editing import DISK_CORRECTED_ACTION
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.events import record_event
from inventory.devices.reach import no_such_device, reach_device
from inventory.devices.tables import Device, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import Conflict, Forbidden, InvalidInput
from inventory.i18n import N_
from inventory.lifecycle import Action, State
from inventory.permissions import Permission
from inventory.runs.choices import ACTIVE_RUN_STATES
from inventory.runs.sampling import maybe_pick
from inventory.runs.tables import RunTarget
from inventory.settings import Settings
from labels.sanitisation_terms import ErasureCategory
from provisioning.evidence import WipeEvidence
from provisioning.nwipe_evidence import KnownDisk, import_nwipe_log
from provisioning.nwipe_log import NwipeLogRefusedError, Refusal

# Each refusal of the log, as a sentence a trainee understands (translated where shown).
REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_NWIPE: N_("This file is not an nwipe log: it has no nwipe banner, options or summary."),
    Refusal.CUT_SHORT: N_(
        "The log has no summary tables: the wipe did not finish or the log was cut short. "
        "Upload the whole log written after nwipe ended."
    ),
    Refusal.FAILED: N_(
        "The erasure failed: nwipe reports {wipe} write, {verify} verification and {sync} sync errors "
        "on {drive}. Wipe the disk again, or record it as destroyed."
    ),
    Refusal.ABORTED: N_("The erasure of {drive} was stopped before it ended. Wipe the disk again."),
    Refusal.NOT_WIPED: N_("The log names {drive} but nwipe did not wipe it."),
    Refusal.NOT_VERIFIED: N_(
        "{drive} was erased without verification. Run nwipe with verification of the last pass (or every pass)."
    ),
    Refusal.VERIFY_ONLY: N_("{drive} was only checked with the method {method}, not erased."),
    Refusal.INCOMPLETE: N_("Only {erased} of {total} bytes of {drive} were erased."),
    Refusal.NOT_IN_LOG: N_("None of this device's disks is in the log (the serials in the log: {serials})."),
    Refusal.PAIRING_NEEDED: N_(
        "Choose which disk of this device each drive of the log is ({drives}): their serial numbers cannot "
        "be matched (nwipe could not read them, or the disk has none recorded)."
    ),
    Refusal.UNKNOWN_DRIVE: N_("The log reports no wiped drive {drive}, or that disk is not this device's."),
    Refusal.PAIRED_TWICE: N_("One disk was paired with two drives of the log."),
    Refusal.SERIAL_DIFFERS: N_("{drive} has the serial number {serial} in the log, not {known}."),
    Refusal.SIZE_DIFFERS: N_("{drive} is {size} bytes in the log but {known} bytes in the device record."),
    Refusal.DISKS_MISSING: N_(
        "The log does not cover every disk of this device: {disks} missing. Wipe them too, or record them as destroyed."
    ),
}


@dataclass(frozen=True)
class NwipeUpload:
    """A log as uploaded, and which disk each drive with an unreadable serial is (drive name → disk id)."""

    text: str
    pairs: Mapping[str, int]


def _refused(refused: NwipeLogRefusedError) -> InvalidInput:
    field = (
        "pairs"
        if refused.code in {Refusal.PAIRING_NEEDED, Refusal.UNKNOWN_DRIVE, Refusal.PAIRED_TWICE}
        else "log"
    )
    error = InvalidInput(field, REFUSALS[refused.code], refused.values)
    error.code = f"nwipe_{refused.code.value}"
    return error


def _disk_evidence(evidence: WipeEvidence) -> dict[str, Any]:
    """What the certificate states about one disk: everything the log said, but not the log itself."""
    facts = {key: value for key, value in asdict(evidence).items() if key != "raw"}
    for key in ("started_at", "finished_at"):
        facts[key] = facts[key].isoformat() if facts[key] else None
    return facts


async def _complete_serials(
    device_id: int,
    state: State,
    disks: list[dict[str, Any]],
    evidence: tuple[tuple[int, WipeEvidence], ...],
    actor: Actor,
) -> None:
    """A disk recorded without a serial (a donor's list) gets the one the log read, paired by hand."""
    recorded = {disk["id"]: disk["serial"] for disk in disks}
    for disk_id, found in evidence:
        if not recorded.get(disk_id) and found.serial_readable and found.serial:
            await Disk.update({Disk.serial: found.serial}).where(Disk.id == disk_id)
            await record_event(
                device_id,
                DISK_CORRECTED_ACTION,
                state,
                state,
                actor,
                details={"disk_id": disk_id, "before": {"serial": None}, "after": {"serial": found.serial}},
            )


async def import_wipe_log(
    engine: Engine[Any], asset_tag: str, upload: NwipeUpload, actor: Actor, settings: Settings
) -> str:
    """Accept an nwipe / ShredOS log as the erasure of the device's disks; returns the certificate number."""
    await reach_device(actor, asset_tag)
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    async with write_transaction(engine):
        device = await Device.select(Device.id, Device.state).where(Device.asset_tag == asset_tag).first()
        if device is None:
            raise no_such_device(asset_tag)
        if await RunTarget.exists().where(
            (RunTarget.device == device["id"]) & RunTarget.run.state.is_in(list(ACTIVE_RUN_STATES))
        ):
            raise Conflict(N_("This device is in a run that has not ended. Wait for it to end first."))
        disks = await Disk.select(Disk.id, Disk.serial, Disk.model, Disk.size_bytes).where(
            (Disk.device == device["id"]) & Disk.destroyed_at.is_null()
        )
        if not disks:
            raise Conflict(
                N_("No disks are recorded for this device. Scan the device or add its disks first.")
            )
        known = [
            KnownDisk(
                disk_id=d["id"],
                serial=d["serial"] or None,
                model=d["model"] or None,
                size_bytes=d["size_bytes"],
            )
            for d in disks
        ]
        try:
            imported = import_nwipe_log(upload.text, known, upload.pairs)
        except NwipeLogRefusedError as refused:
            raise _refused(refused) from refused
        await _complete_serials(device["id"], State(device["state"]), disks, imported.evidence, actor)
        first = imported.evidence[0][1]
        method = f"nwipe: {first.method}, {first.rounds} round(s){', blanked' if first.blanked else ''}"
        record = ErasureRecord(
            disks=tuple(
                ErasedDisk(
                    disk_id=disk_id,
                    verified=evidence.verification_passed,
                    method=method,
                    bytes_erased=evidence.bytes_erased,
                    evidence=_disk_evidence(evidence),
                )
                for disk_id, evidence in imported.evidence
            ),
            method=method,
            tool="nwipe",
            tool_version=first.tool_version or "",
            category=ErasureCategory.CLEAR,
            technique=ErasureTechnique.OVERWRITE,
            verification_method=first.verification_method,
            verification_result=first.verification_detail,
            source="nwipe",
            started_at=min((e.started_at for _, e in imported.evidence if e.started_at), default=None),
            finished_at=max((e.finished_at for _, e in imported.evidence if e.finished_at), default=None),
            evidence={"log": upload.text, "pairs": dict(upload.pairs)},
        )
        if State(device["state"]) in (State.RECEIVED, State.WIPE_FAILED):
            await transition(
                engine, asset_tag, Action.START_WIPE, actor, settings, TransitionRequest(reason="nwipe")
            )
        result = await transition(
            engine, asset_tag, Action.WIPE_PASSED, actor, settings, TransitionRequest(erasure=record)
        )
        assert result.certificate_number is not None
        erasure = (
            await Erasure.select(Erasure.id)
            .where(Erasure.certificate_number == result.certificate_number)
            .first()
        )
        assert erasure is not None
        await maybe_pick(erasure["id"], settings)
        return result.certificate_number
