"""The bench page: a scan field that is always ready, the work queue by step and batch steps on a selection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Template

from inventory.actors import Actor
from inventory.bench.buttons import BATCH_BUTTONS, BatchButton
from inventory.bench.queries import QUEUE_HINTS, QUEUE_LABELS, QueueSection, QueueStep, bench_queue
from inventory.bench.services import Outcome, batch_step, mark_labelled
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError
from inventory.params import ActionPath
from inventory.permissions import Permission
from inventory.sites.reach import reachable_site_id, site_in_reach
from inventory.sites.services import list_sites
from inventory.web import Page, event_label, field_errors, form_list, route_paths, step_label


@dataclass
class SelectionForm:
    """The devices ticked in a queue step."""

    tag: list[str] | str = field(default_factory=list)  # one ticked box arrives as a single value


def buttons_by_step(request: Request[Actor, Any, Any]) -> dict[QueueStep, list[BatchButton]]:
    """The batch buttons each queue step shows: served by the app and allowed to this user."""
    paths = route_paths(request.app)
    usable = [b for b in BATCH_BUTTONS if request.user.may(b.permission) and b.path in paths]
    return {step: [b for b in usable if step in b.steps] for step in QueueStep}


async def _bench_page(
    request: Request[Actor, Any, Any],
    site: str,
    outcomes: list[Outcome] | None = None,
    outcome_title: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    sites = [s for s in await list_sites() if site_in_reach(request.user, s["id"])]
    site_id: int | None = None
    if site == "" and request.user.site_id is not None:
        site_id = request.user.site_id
    elif site.isdigit():
        site_id = int(site)
    site_id = reachable_site_id(request.user, site_id)
    sections: list[QueueSection] = await bench_queue(site_id)
    return Page(
        "bench/queue.html",
        context={
            "sections": sections,
            "labels": QUEUE_LABELS,
            "hints": QUEUE_HINTS,
            "buttons": buttons_by_step(request),
            "site_options": [(s["id"], f"{s['code']} – {s['name']}") for s in sites],
            "site_id": site_id,
            "outcomes": outcomes or [],
            "outcome_title": outcome_title,
            "errors": errors or {},
        },
        status_code=status_code,
    )


class BenchPages(Controller):
    """/bench and its batch steps."""

    path = "/bench"
    include_in_schema = False
    opt = {"permission": Permission.DEVICE_WORK}

    @get("/")
    async def queue(
        self,
        request: Request[Actor, Any, Any],
        site: Annotated[str, QueryParameter(max_length=12, description="A site id or 'all'.")] = "",
    ) -> Template:
        """The work queue by step, for the user's own site unless another is chosen."""
        return await _bench_page(request, site)

    @post("/steps/{action:str}", status_code=200)
    async def batch_step(
        self,
        request: Request[Actor, Any, Any],
        action: ActionPath,
        data: URLEncodedBody[SelectionForm],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Template:
        """Take one step on every selected device; the page lists what was done and what was refused."""
        try:
            outcomes = await batch_step(engine, form_list(data.tag), action, request.user, settings)
        except DomainError as refused:
            return await _bench_page(
                request, "", errors=field_errors(refused), status_code=refused.status_code
            )
        return await _bench_page(request, "", outcomes, step_label(action))

    @post("/labelled", status_code=200)
    async def labelled(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[SelectionForm],
        engine: EngineDependency,
    ) -> Template:
        """Record that the labels of the selected devices are on the machines."""
        try:
            outcomes = await mark_labelled(engine, form_list(data.tag), request.user)
        except DomainError as refused:
            return await _bench_page(
                request, "", errors=field_errors(refused), status_code=refused.status_code
            )
        return await _bench_page(request, "", outcomes, event_label("labelled"))
