"""Signing off erasures: a coordinator validates a batch, and accepts a warning with a written reason.

Every certificate of sanitisation names a validating person (NIST SP 800-88 Rev. 1, Appendix G): the
operator's supervisor or a coordinator signs off a batch of passed erasures, never their own work.
Re-verification (`inventory/runs/sampling.py`) stays a separate, stronger check of a random share.
Clear on flash media that will be reused outside the organisation is recorded with a warning (NIST's
decision flow asks for Purge there): a coordinator accepts it with a written reason, or it is wiped again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.reach import NO_SUCH_ERASURE
from inventory.devices.rows import AwaitingSignOffRow, SignOffErasure
from inventory.devices.tables import Erasure
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State
from inventory.permissions import Permission

SIGNED_OFF_ACTION = Activity.ERASURE_SIGNED_OFF
WARNING_ACCEPTED_ACTION = Activity.ERASURE_WARNING_ACCEPTED
MAX_BATCH = 200


async def _erasure(number: str) -> SignOffErasure:
    row = (
        await Erasure.select(
            Erasure.id,
            Erasure.device,
            Erasure.passed,
            Erasure.operator,
            Erasure.validated_at,
            Erasure.warning,
            Erasure.warning_accepted_at,
            Erasure.certificate_number,
            Erasure.device.state.as_alias("state"),
        )
        .where(Erasure.certificate_number == number.strip().upper())
        .first()
    )
    if row is None:
        raise NotFound(NO_SUCH_ERASURE, {"number": number})
    return cast(SignOffErasure, row)


async def sign_off(engine: Engine[Any], numbers: Sequence[str], title: str, actor: Actor) -> int:
    """Validate passed erasures as the person signing them off, with their title; returns how many."""
    if not actor.may(Permission.GUARD_OVERRIDE) or actor.user_id is None:
        raise Forbidden(N_("Only a coordinator can sign off erasures."))
    title = title.strip()
    if not title:
        raise InvalidInput("title", N_("Give your title, as it should appear on the certificates."))
    wanted = list(dict.fromkeys(number.strip().upper() for number in numbers if number.strip()))
    if not wanted:
        raise InvalidInput("numbers", N_("Choose the erasures to sign off."))
    if len(wanted) > MAX_BATCH:
        raise InvalidInput(
            "numbers", N_("At most {maximum} erasures can be signed off at once."), {"maximum": MAX_BATCH}
        )
    async with write_transaction(engine):
        moment = now()
        for number in wanted:
            erasure = await _erasure(number)
            if not erasure["passed"]:
                raise Conflict(
                    N_("Erasure {number} did not pass, so there is nothing to sign off."), {"number": number}
                )
            if erasure["validated_at"] is not None:
                raise Conflict(N_("Erasure {number} has already been signed off."), {"number": number})
            if erasure["operator"] == actor.user_id:
                raise Conflict(
                    N_("You erased the disks of {number} yourself: another coordinator must sign it off."),
                    {"number": number},
                )
            await Erasure.update(
                {
                    Erasure.validated_by: actor.user_id,
                    Erasure.validated_at: moment,
                    Erasure.validator_title: title[:100],
                }
            ).where(Erasure.id == erasure["id"])
            state = State(erasure["state"])
            await record_event(
                erasure["device"],
                SIGNED_OFF_ACTION,
                state,
                state,
                actor,
                details={"certificate_number": number},
            )
    return len(wanted)


async def accept_warning(engine: Engine[Any], number: str, reason: str, actor: Actor) -> None:
    """Accept an erasure's warning (Clear on flash media reused outside) with a written reason."""
    if not actor.may(Permission.GUARD_OVERRIDE) or actor.user_id is None:
        raise Forbidden(N_("Only a coordinator can accept an erasure's warning."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", N_("Write why the erasure is good enough for this device."))
    async with write_transaction(engine):
        erasure = await _erasure(number)
        if not erasure["warning"]:
            raise Conflict(
                N_("Erasure {number} has no warning to accept."), {"number": erasure["certificate_number"]}
            )
        if erasure["warning_accepted_at"] is not None:
            raise Conflict(
                N_("The warning of erasure {number} has already been accepted."),
                {"number": erasure["certificate_number"]},
            )
        await Erasure.update(
            {
                Erasure.warning_accepted_by: actor.user_id,
                Erasure.warning_accepted_at: now(),
                Erasure.warning_reason: reason[:2000],
            }
        ).where(Erasure.id == erasure["id"])
        state = State(erasure["state"])
        await record_event(
            erasure["device"],
            WARNING_ACCEPTED_ACTION,
            state,
            state,
            actor,
            reason=reason[:1000],
            details={"certificate_number": erasure["certificate_number"], "warning": erasure["warning"]},
        )


async def awaiting_sign_off() -> list[AwaitingSignOffRow]:
    """Passed erasures not yet signed off, oldest first, with their device and warning."""
    rows = (
        await Erasure.select(
            Erasure.certificate_number,
            Erasure.finished_at,
            Erasure.tool,
            Erasure.tool_version,
            Erasure.warning,
            Erasure.warning_accepted_at,
            Erasure.operator,
            Erasure.device.asset_tag.as_alias("asset_tag"),
        )
        .where((Erasure.passed == True) & Erasure.validated_at.is_null())  # noqa: E712
        .order_by(Erasure.id)
        .limit(MAX_BATCH)
    )
    return cast(list[AwaitingSignOffRow], rows)
