"""The administrators' page of scheduled jobs: schedules, last runs, failures with their errors, "run now"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from babel.dates import format_time
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.errors import DomainError
from inventory.i18n import N_, gettext
from inventory.operations.scheduling.choices import OUTCOME_LABELS, Outcome
from inventory.operations.scheduling.controllers import JobName, JobsDependency
from inventory.operations.scheduling.job_definition import Job, describe_trigger, with_overrides
from inventory.operations.scheduling.queries import jobs_overview, list_runs
from inventory.operations.scheduling.runs import find_job, queue_run
from inventory.operations.settings import get_operations_settings
from inventory.permissions import Permission
from inventory.web import Page, babel_locale

FAILURES_SHOWN = 20


class JobPages(Controller):
    """/admin/jobs."""

    path = "/admin/jobs"
    include_in_schema = False
    opt = {"permission": Permission.ADMINISTER}

    @get("/")
    async def jobs(self, request: Request[Actor, Any, Any], jobs: JobsDependency) -> Template:
        """Jobs and recent failures."""
        return await _jobs_page(request, jobs)

    @post("/{name:str}/run", status_code=303)
    async def run_now(
        self, request: Request[Actor, Any, Any], name: JobName, jobs: JobsDependency
    ) -> Redirect | Template:
        """Queue a run and come back to the page."""
        try:
            await queue_run(find_job(jobs, name), request.user)
        except DomainError as refused:
            return await _jobs_page(request, jobs, error=refused.text(), status_code=refused.status_code)
        return Redirect(path=f"/admin/jobs?queued={name}", status_code=303)


# (seconds in the unit, once every unit, every N units with N of two or more)
_INTERVALS = (
    (3600, N_("every hour"), N_("every %(num)d hours")),
    (60, N_("every minute"), N_("every %(num)d minutes")),
    (1, N_("every second"), N_("every %(num)d seconds")),
)


def schedule_in_words(trigger: BaseTrigger) -> str:
    """When a job runs, for people: "every 30 minutes", "every day at 7.05"; other crontab lines as written."""
    if isinstance(trigger, IntervalTrigger):
        seconds = int(trigger.interval.total_seconds())
        for size, once, many in _INTERVALS:
            if seconds % size == 0:
                count = seconds // size
                return gettext(once) if count == 1 else gettext(many) % {"num": count}
    if isinstance(trigger, CronTrigger):
        fields = {field.name: str(field) for field in trigger.fields}
        daily = all(fields[name] == "*" for name in ("day", "month", "day_of_week"))
        if daily and fields["hour"].isdigit() and fields["minute"].isdigit():
            moment = dt.time(int(fields["hour"]), int(fields["minute"]))
            return gettext("every day at %(time)s") % {
                "time": format_time(moment, "short", locale=babel_locale())
            }
    return describe_trigger(trigger)


async def _jobs_page(
    request: Request[Actor, Any, Any],
    registered: tuple[Job, ...],
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    operations = get_operations_settings()
    overview = await jobs_overview(registered, operations)
    scheduled = with_overrides(registered, operations.schedule)
    failures = await list_runs(outcome=Outcome.FAILED, per_page=FAILURES_SHOWN)
    queued = request.query_params.get("queued")
    return Page(
        "operations/jobs.html",
        context={
            "overview": overview,
            "failures": failures.items,
            "queued": queued if queued in {job.name for job in registered} else None,
            "error": error,
            "outcome_labels": OUTCOME_LABELS,
            "schedules": {job.name: schedule_in_words(job.trigger) for job in scheduled},
        },
        status_code=status_code,
    )
