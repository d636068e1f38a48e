"""The administrators' page of scheduled jobs: schedules, last runs, failures with their errors, "run now"."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.errors import DomainError
from inventory.operations.jobs import JOBS
from inventory.operations.scheduling.controllers import JobName
from inventory.operations.scheduling.queries import jobs_overview, list_runs
from inventory.operations.scheduling.runs import find_job, queue_run
from inventory.operations.scheduling.tables import OUTCOME_LABELS, Outcome
from inventory.operations.settings import get_operations_settings
from inventory.permissions import Permission
from inventory.web import page_context

FAILURES_SHOWN = 20


class JobPages(Controller):
    """/admin/jobs."""

    path = "/admin/jobs"
    include_in_schema = False

    @get("/", opt={"permission": Permission.ADMINISTER})
    async def jobs(self, request: Request[Actor, Any, Any]) -> Template:
        """Jobs and recent failures."""
        return await _jobs_page(request)

    @post("/{name:str}/run", opt={"permission": Permission.ADMINISTER}, status_code=303)
    async def run_now(self, request: Request[Actor, Any, Any], name: JobName) -> Redirect | Template:
        """Queue a run and come back to the page."""
        try:
            await queue_run(find_job(JOBS, name), request.user)
        except DomainError as refused:
            return await _jobs_page(request, error=refused.text(), status_code=refused.status_code)
        return Redirect(path=f"/admin/jobs?queued={name}", status_code=303)


async def _jobs_page(
    request: Request[Actor, Any, Any], error: str | None = None, status_code: int = 200
) -> Template:
    overview = await jobs_overview(JOBS, get_operations_settings())
    failures = await list_runs(outcome=Outcome.FAILED, per_page=FAILURES_SHOWN)
    queued = request.query_params.get("queued")
    return Template(
        "operations/jobs.html",
        context=page_context(
            request,
            overview=overview,
            failures=failures.items,
            queued=queued if queued in {job.name for job in JOBS} else None,
            error=error,
            outcome_labels=OUTCOME_LABELS,
        ),
        status_code=status_code,
    )
