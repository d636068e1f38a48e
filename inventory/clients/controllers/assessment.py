"""The API for a client's skills assessment at the start and at the end."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, put
from litestar.params import JSONBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.clients import schemas
from inventory.clients.assessment import AssessmentInput, TaskAnswer, save_assessment
from inventory.clients.presenters import client_out
from inventory.clients.records import read_client
from inventory.clients.route_options import (
    NO_STORE,
    PURPOSE,
    ClientIdPath,
    PhasePath,
    PurposeDependency,
    route_opt,
)
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.permissions import Permission
from inventory.privacy.choices import Purpose


class AssessmentController(Controller):
    """A client's assessments under /api/v1/clients/{client_id}/assessments."""

    path = "/api/v1/clients"
    tags = ["clients"]
    dependencies = PURPOSE
    cache_control = NO_STORE

    @put(
        "/{client_id:int}/assessments/{phase:str}",
        responses=API_ERRORS,
        opt=route_opt(Permission.CLIENT_WRITE, Purpose.ASSESSMENT),
    )
    async def save_assessment(
        self,
        client_id: ClientIdPath,
        phase: PhasePath,
        data: JSONBody[schemas.AssessmentIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        purpose: PurposeDependency,
    ) -> schemas.ClientOut:
        """Record the skills assessment at the start or at the end (replaces that phase's answers)."""
        await save_assessment(
            engine,
            client_id,
            phase,
            AssessmentInput(
                assessed_on=data.assessed_on,
                notes=data.notes,
                answers=tuple(
                    TaskAnswer(
                        task=a.task, self_rating=a.self_rating, observation=a.observation, comment=a.comment
                    )
                    for a in data.answers
                ),
            ),
            request.user,
            settings,
            purpose,
        )
        return client_out(await read_client(engine, client_id, request.user, settings, purpose))
