"""API routes for administrators: the jobs, their runs, and "run now"."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.operations.scheduling.choices import Outcome
from inventory.operations.scheduling.job_definition import Job
from inventory.operations.scheduling.queries import jobs_overview, list_runs
from inventory.operations.scheduling.runs import find_job, queue_run
from inventory.operations.scheduling.schemas import JobRunPage, JobsOut, RunQueued
from inventory.operations.settings import get_operations_settings
from inventory.params import PageQuery, PerPageQuery
from inventory.permissions import Permission

JobName = Annotated[str, PathParameter(max_length=64, pattern=r"^[a-z0-9_]+$", description="The job's name.")]

JobsDependency: TypeAlias = NamedDependency[tuple[Job, ...]]
"""The scheduled jobs (the app's `jobs` dependency, `operations.scheduled_jobs.JOBS`), handed in as data."""


class JobController(Controller):
    """Scheduled jobs under /api/v1/jobs."""

    path = "/api/v1/jobs"
    tags = ["operations"]
    opt = {"permission": Permission.ADMINISTER}

    @get("/", responses=API_ERRORS)
    async def list_jobs(self, jobs: JobsDependency) -> JobsOut:
        """Every job with its schedule, last run, last success and next run, and the scheduler's heartbeat."""
        return await jobs_overview(jobs, get_operations_settings())

    @get("/runs", responses=API_ERRORS)
    async def list_job_runs(
        self,
        job: Annotated[
            str | None, QueryParameter(max_length=64, description="Only runs of this job.")
        ] = None,
        outcome: Annotated[Outcome | None, QueryParameter(description="Only runs that ended so.")] = None,
        page: PageQuery = 1,
        per_page: PerPageQuery = 50,
    ) -> JobRunPage:
        """Runs, newest first; failed runs carry their error."""
        return await list_runs(job, outcome, page, per_page)

    @post(
        "/{name:str}/runs",
        responses=API_ERRORS,
        status_code=202,
    )
    async def run_job_now(
        self, name: JobName, request: Request[Actor, Any, Any], jobs: JobsDependency
    ) -> RunQueued:
        """Ask the active scheduler to run a job now (409 if one is already waiting)."""
        job = find_job(jobs, name)
        return RunQueued(run_id=await queue_run(job, request.user), job=job.name)
