"""Independent verification: a share of passed erasures picked at random for re-verification by another person."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.reach import NO_SUCH_ERASURE
from inventory.devices.tables import Device, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.lifecycle import FINAL_STATES, Action, State
from inventory.permissions import Permission
from inventory.runs.schemas import SampleOut
from inventory.runs.tables import ReverificationSample, Run
from inventory.settings import Settings
from inventory.sites.reach import site_condition

_RANDOM = secrets.SystemRandom()
FAILED_HOLD_REASON = "The independent re-verification of erasure {certificate} failed: wipe the device again."


async def maybe_pick(erasure_id: int, settings: Settings) -> bool:
    """Pick a passed erasure for re-verification with the configured chance (inside the caller's transaction).

    The draw is random, and the share picked never falls behind the configured share: when fewer
    erasures than that have been picked so far, this one is picked.
    """
    share = settings.reverification_share
    if share <= 0:
        return False
    passed = await Erasure.count().where(Erasure.passed == True)  # noqa: E712 - Piccolo builds SQL from this
    picked = await ReverificationSample.count()
    behind = picked < math.floor(share * passed)
    if not behind and _RANDOM.random() >= share:
        return False
    await ReverificationSample.insert(ReverificationSample(erasure=erasure_id, picked_at=now())).on_conflict(
        target=ReverificationSample.erasure, action="DO NOTHING"
    )
    return True


async def picked_for_reverification(certificate_number: str) -> bool:
    """Whether the erasure with this certificate number was picked for re-verification."""
    return bool(
        await ReverificationSample.exists().where(
            ReverificationSample.erasure.certificate_number == certificate_number
        )
    )


async def pending_samples(actor: Actor) -> list[SampleOut]:
    """Erasures of devices in the actor's reach picked for re-verification and not yet re-verified, oldest first."""
    query = ReverificationSample.select(
        ReverificationSample.erasure.certificate_number.as_alias("certificate_number"),
        ReverificationSample.erasure.device.asset_tag.as_alias("asset_tag"),  # type: ignore[union-attr]
        ReverificationSample.erasure.operator.username.as_alias("operator"),  # type: ignore[union-attr]
        ReverificationSample.picked_at,
    ).where(ReverificationSample.completed_at.is_null())
    in_reach = site_condition(actor, ReverificationSample.erasure.device.site)  # type: ignore[union-attr]
    if in_reach is not None:
        query = query.where(in_reach)
    return msgspec.convert(await query.order_by(ReverificationSample.picked_at), list[SampleOut])


@dataclass(frozen=True)
class Reverification:
    """The result of re-verifying an erasure."""

    passed: bool
    method: str


async def _people_behind(erasure: dict[str, Any]) -> set[int]:
    """The operator of the erasure and, for a run, the person who started it."""
    people = {erasure["operator"]} if erasure["operator"] else set()
    runs = await Run.select(Run.started_by).where(
        Run.job_ident == str((erasure["evidence"] or {}).get("run", ""))
    )
    people.update(row["started_by"] for row in runs if row["started_by"])
    return people


async def record_reverification(
    engine: Engine[Any],
    certificate: str,
    result: Reverification,
    actor: Actor,
    settings: Settings,
) -> None:
    """Record a re-verification by someone other than the operator; a failure puts the device on hold."""
    if not actor.may(Permission.DEVICE_WORK) or actor.user_id is None:
        raise Forbidden(N_("Only a person at the bench can re-verify an erasure."))
    if not result.method.strip():
        raise InvalidInput("method", N_("Say how the disks were re-verified."))
    async with write_transaction(engine):
        erasure = (
            await Erasure.select(
                Erasure.id,
                Erasure.operator,
                Erasure.evidence,
                Erasure.reverified_at,
                Erasure.device,
                Erasure.passed,
            )
            .where(Erasure.certificate_number == certificate)
            .output(load_json=True)
            .first()
        )
        if erasure is None:
            raise NotFound(NO_SUCH_ERASURE, {"number": certificate})
        if not erasure["passed"]:
            raise Conflict(N_("Only a passed erasure can be re-verified."))
        if erasure["reverified_at"] is not None:
            raise Conflict(N_("This erasure has already been re-verified."))
        if actor.user_id in await _people_behind(dict(erasure)):
            raise Forbidden(
                N_("Re-verification must be done by another person than the one who erased the disks.")
            )
        moment = now()
        await Erasure.update(
            {
                Erasure.reverified_by: actor.user_id,
                Erasure.reverified_at: moment,
                Erasure.reverification_passed: result.passed,
                Erasure.reverification_method: result.method.strip()[:200],
            }
        ).where(Erasure.id == erasure["id"])
        await ReverificationSample.update({ReverificationSample.completed_at: moment}).where(
            ReverificationSample.erasure == erasure["id"]
        )
        if not result.passed:
            device = (
                await Device.select(Device.asset_tag, Device.state)
                .where(Device.id == erasure["device"])
                .first()
            )
            assert device is not None
            if State(device["state"]) not in FINAL_STATES and device["state"] != State.ON_HOLD.value:
                await transition(
                    engine,
                    device["asset_tag"],
                    Action.HOLD,
                    Actor.system("reverification"),
                    settings,
                    TransitionRequest(reason=FAILED_HOLD_REASON.format(certificate=certificate)),
                )
