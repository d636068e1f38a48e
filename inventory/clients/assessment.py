"""The digital-skills assessment: per practical task the client's self-rating and the worker's observation.

The checklist is `KIERTO_ASSESSMENT_TASKS` (topic codes of clients/topics.py, in the order asked). An
assessment is made at the start and again at the end; saving a phase again replaces its answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from inventory.actors import Actor
from inventory.clients.choices import AssessmentPhase, Observation
from inventory.clients.identity_numbers import refuse_identity_codes
from inventory.clients.rows import AnswerRow, AssessmentRow
from inventory.clients.scope import lock_client, reach_client, recheck_not_anonymised, require_not_anonymised
from inventory.clients.tables import Assessment, AssessmentItem
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.errors import InvalidInput
from inventory.i18n import N_, gettext
from inventory.permissions import Permission
from inventory.privacy.access_log import record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.settings import Settings
from inventory.topics import TOPICS

RATING_MIN, RATING_MAX = 1, 5
COMMENT_MAX = 500
NOTES_MAX = 4000


@dataclass(frozen=True)
class TaskAnswer:
    """One task of the checklist: the client's self-rating 1-5 and the worker's observation (both optional)."""

    task: str
    self_rating: int | None = None
    observation: Observation | None = None
    comment: str = ""


@dataclass(frozen=True)
class AssessmentInput:
    """An assessment as the worker fills it in."""

    assessed_on: dt.date
    answers: tuple[TaskAnswer, ...]
    notes: str = ""


@dataclass(frozen=True)
class RatingRow:
    """One task of the before/after chart, with its label in the reader's language."""

    task: str
    label: str
    before: int | None
    after: int | None


def task_label(task: str, language: str | None = None) -> str:
    """A task's name in the given (or the current) language; unknown old codes are shown as they are."""
    return gettext(TOPICS[task], language) if task in TOPICS else task


def _check(data: AssessmentInput, settings: Settings) -> None:
    if data.assessed_on > today():
        raise InvalidInput("assessed_on", N_("The assessment cannot be dated in the future."))
    if len(data.notes) > NOTES_MAX:
        raise InvalidInput("notes", N_("The notes are longer than {limit} characters."), {"limit": NOTES_MAX})
    seen: set[str] = set()
    for index, answer in enumerate(data.answers):
        where = f"answers[{index}]"
        if answer.task not in settings.assessment_tasks:
            raise InvalidInput(f"{where}.task", N_("This task is not on the assessment checklist."))
        if answer.task in seen:
            raise InvalidInput(f"{where}.task", N_("Each task can be answered once."))
        seen.add(answer.task)
        if answer.self_rating is not None and not RATING_MIN <= answer.self_rating <= RATING_MAX:
            raise InvalidInput(f"{where}.self_rating", N_("A self-rating is a number from 1 to 5."))
        if len(answer.comment) > COMMENT_MAX:
            raise InvalidInput(
                f"{where}.comment",
                N_("The comment is longer than {limit} characters."),
                {"limit": COMMENT_MAX},
            )
    refuse_identity_codes(
        [("notes", data.notes)]
        + [(f"answers[{i}].comment", answer.comment) for i, answer in enumerate(data.answers)]
    )


async def save_assessment(
    engine: AnyEngine,
    client_id: int,
    phase: AssessmentPhase,
    data: AssessmentInput,
    actor: Actor,
    settings: Settings,
    purpose: Purpose = Purpose.ASSESSMENT,
) -> int:
    """Record (or replace) the client's assessment of one phase; returns its id."""
    client = await reach_client(
        engine, actor, client_id, purpose, AccessAction.UPDATE, permission=Permission.CLIENT_WRITE
    )
    require_not_anonymised(client)
    _check(data, settings)
    moment = now()
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        await recheck_not_anonymised(client_id)
        existing = (
            await Assessment.select(Assessment.id)
            .where((Assessment.client == client_id) & (Assessment.phase == phase.value))
            .first()
        )
        if existing is None:
            rows = await Assessment.insert(
                Assessment(
                    client=client_id,
                    phase=phase.value,
                    assessed_on=data.assessed_on,
                    counsellor=actor.user_id,
                    notes=data.notes.strip(),
                    created_at=moment,
                    updated_at=moment,
                )
            ).returning(Assessment.id)
            assessment_id = int(rows[0]["id"])
            action = AccessAction.CREATE
        else:
            assessment_id = int(existing["id"])
            await Assessment.update(
                {
                    Assessment.assessed_on: data.assessed_on,
                    Assessment.counsellor: actor.user_id,
                    Assessment.notes: data.notes.strip(),
                    Assessment.updated_at: moment,
                }
            ).where(Assessment.id == assessment_id)
            await AssessmentItem.delete().where(AssessmentItem.assessment == assessment_id)
            action = AccessAction.UPDATE
        if data.answers:
            await AssessmentItem.insert(
                *(
                    AssessmentItem(
                        assessment=assessment_id,
                        task=answer.task,
                        self_rating=answer.self_rating,
                        observation=answer.observation.value if answer.observation else None,
                        comment=answer.comment.strip(),
                    )
                    for answer in data.answers
                )
            )
        await record_access(actor, action, [client_id], purpose)
    return assessment_id


async def assessments_of(client_id: int) -> dict[AssessmentPhase, AssessmentRow]:
    """The client's assessments by phase, each with its answers by task (no access logging: callers log)."""
    heads = await Assessment.select(
        Assessment.id,
        Assessment.phase,
        Assessment.assessed_on,
        Assessment.notes,
        Assessment.updated_at,
        Assessment.counsellor.display_name.as_alias("counsellor_name"),
    ).where(Assessment.client == client_id)
    result: dict[AssessmentPhase, AssessmentRow] = {}
    for head in heads:
        items = (
            await AssessmentItem.select(
                AssessmentItem.task,
                AssessmentItem.self_rating,
                AssessmentItem.observation,
                AssessmentItem.comment,
            )
            .where(AssessmentItem.assessment == head["id"])
            .order_by(AssessmentItem.id)
        )
        answers = {item["task"]: cast(AnswerRow, item) for item in items}
        result[AssessmentPhase(head["phase"])] = cast(AssessmentRow, {**head, "items": answers})
    return result


def _answers(
    assessments: dict[AssessmentPhase, AssessmentRow], phase: AssessmentPhase
) -> dict[str, AnswerRow]:
    assessment = assessments.get(phase)
    return assessment["items"] if assessment else {}


def rating_rows(
    assessments: dict[AssessmentPhase, AssessmentRow], settings: Settings, language: str | None = None
) -> list[RatingRow]:
    """The before/after self-ratings per task: the checklist's tasks first, then any older answered tasks."""
    start = _answers(assessments, AssessmentPhase.START)
    end = _answers(assessments, AssessmentPhase.END)
    tasks = list(settings.assessment_tasks) + [
        t for t in (*start, *end) if t not in settings.assessment_tasks
    ]
    return [
        RatingRow(
            task=task,
            label=task_label(task, language),
            before=start[task]["self_rating"] if task in start else None,
            after=end[task]["self_rating"] if task in end else None,
        )
        for task in dict.fromkeys(tasks)
    ]
