"""The skills assessment page: the checklist at the start and at the end."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.clients.assessment import COMMENT_MAX, AssessmentInput, TaskAnswer, save_assessment, task_label
from inventory.clients.choices import AssessmentPhase, Observation
from inventory.clients.pages.client_page import error_context, page_labels
from inventory.clients.pages.forms import optional_int, parse_date
from inventory.clients.records import ClientRecord, read_client
from inventory.clients.route_options import (
    NO_STORE,
    PURPOSE,
    ClientIdPath,
    PhasePath,
    PurposeDependency,
    route_opt,
)
from inventory.clients.rows import AnswerRow
from inventory.clock import today
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose
from inventory.settings import Settings
from inventory.web import Page


class AssessmentPages(Controller):
    """/clients/{id}/assessment/{phase}: the checklist of tasks."""

    path = "/"
    include_in_schema = False
    dependencies = PURPOSE
    cache_control = NO_STORE
    opt = route_opt(Permission.CLIENT_WRITE, Purpose.ASSESSMENT)

    async def _assessment_page(
        self,
        record: ClientRecord,
        phase: AssessmentPhase,
        settings: Settings,
        values: dict[str, Any] | None = None,
        error: DomainError | None = None,
    ) -> Template:
        saved = record.assessments.get(phase)
        items: dict[str, AnswerRow] = saved["items"] if saved else {}
        typed = values or {}
        tasks = [
            {
                "code": task,
                "label": task_label(task),
                "self_rating": typed.get(
                    f"rating_{task}", items[task]["self_rating"] if task in items else None
                ),
                "observation": typed.get(
                    f"observation_{task}", items[task]["observation"] if task in items else None
                ),
                "comment": typed.get(f"comment_{task}", items[task]["comment"] if task in items else ""),
            }
            for task in settings.assessment_tasks
        ]
        return Page(
            "clients/assessment.html",
            context={
                "client": record.client,
                "phase": phase,
                "tasks": tasks,
                "assessed_on": typed.get("assessed_on")
                or (saved["assessed_on"].isoformat() if saved else today().isoformat()),
                "notes": typed.get("notes", saved["notes"] if saved else ""),
                "comment_max": COMMENT_MAX,
                **error_context(error),
                **page_labels(),
            },
            status_code=error.status_code if error else 200,
        )

    @get(
        "/clients/{client_id:int}/assessment/{phase:str}",
    )
    async def assessment_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        phase: PhasePath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Template:
        """The checklist: the client's self-rating and the worker's observation per task."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return await self._assessment_page(record, phase, settings)

    @post(
        "/clients/{client_id:int}/assessment/{phase:str}",
        status_code=303,
    )
    async def save_assessment(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        phase: PhasePath,
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> Redirect | Template:
        """Save the assessment of the phase."""
        form = await request.form()
        values = {key: str(form.get(key, "")) for key in form}
        try:
            answers = []
            for task in settings.assessment_tasks:
                rating = optional_int(values.get(f"rating_{task}", ""), f"rating_{task}")
                observation = values.get(f"observation_{task}", "")
                try:
                    observed = Observation(observation) if observation else None
                except ValueError as error:
                    raise InvalidInput(f"observation_{task}", N_("Choose from the list.")) from error
                comment = values.get(f"comment_{task}", "")
                if rating is not None or observed is not None or comment.strip():
                    answers.append(TaskAnswer(task, rating, observed, comment))
            await save_assessment(
                engine,
                client_id,
                phase,
                AssessmentInput(
                    assessed_on=parse_date(values.get("assessed_on", ""), "assessed_on"),
                    answers=tuple(answers),
                    notes=values.get("notes", ""),
                ),
                request.user,
                settings,
                purpose,
            )
        except DomainError as error:
            record = await read_client(engine, client_id, request.user, settings, purpose)
            return await self._assessment_page(record, phase, settings, values, error)
        return Redirect(path=f"/clients/{client_id}?done=assessment#assessment", status_code=303)
