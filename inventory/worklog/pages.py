"""My work: the page a trainee prints for the rehabilitative work plan, and the form to log hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.clock import today
from inventory.dependencies import EngineDependency
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.web import Page, field_errors
from inventory.worklog.queries import MAX_SPAN_DAYS, work_report
from inventory.worklog.services import WorkEntry, log_work, remove_work

DateQuery = Annotated[dt.date | None, QueryParameter(description="A date, YYYY-MM-DD.")]


@dataclass
class HoursForm:
    """The hours form."""

    day: str = ""
    hours: str = ""
    note: str = ""


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = min(end or today(), today())
    start = start or end.replace(day=1)
    start = min(start, end)
    if (end - start).days > MAX_SPAN_DAYS:
        start = end - dt.timedelta(days=MAX_SPAN_DAYS)
    return start, end


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise InvalidInput("day", N_("Give the date as on the calendar, e.g. 2026-03-31.")) from None


async def _page(
    request: Request[Actor, Any, Any],
    start: dt.date | None = None,
    end: dt.date | None = None,
    form: HoursForm | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    assert request.user.user_id is not None
    first, last = _period(start, end)
    return Page(
        "worklog/my_work.html",
        context={
            "report": await work_report(request.user.user_id, first, last),
            "form": form or HoursForm(day=today().isoformat()),
            "errors": errors or {},
            "today": today(),
        },
        status_code=status_code,
    )


class WorkLogPages(Controller):
    """/my-work."""

    path = "/my-work"
    include_in_schema = False
    opt = {"permission": Permission.DEVICE_WORK}

    @get("/")
    async def my_work(
        self, request: Request[Actor, Any, Any], start: DateQuery = None, end: DateQuery = None
    ) -> Template:
        """What I did by day and the hours I logged, this month unless another period is chosen."""
        return await _page(request, start, end)

    @post("/hours", status_code=303)
    async def log_hours(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[HoursForm],
        engine: EngineDependency,
    ) -> Redirect | Template:
        """Log hours for a day; mistakes come back to the form, each under its field."""
        try:
            day = _day(data.day)
            await log_work(engine, request.user, WorkEntry(day=day, hours=data.hours, note=data.note))
        except DomainError as refused:
            return await _page(
                request, form=data, errors=field_errors(refused), status_code=refused.status_code
            )
        assert day is not None
        start, end = _period(None, None)
        if start <= day <= end:
            return Redirect(path="/my-work", status_code=303)
        month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return Redirect(
            path=f"/my-work?start={day.replace(day=1).isoformat()}&end={min(month_end, today()).isoformat()}",
            status_code=303,
        )

    @post("/hours/{entry_id:int}/delete", status_code=303)
    async def remove_hours(
        self,
        request: Request[Actor, Any, Any],
        entry_id: RecordIdPath,
        engine: EngineDependency,
    ) -> Redirect:
        """Take back an entry of my own."""
        await remove_work(engine, request.user, entry_id)
        return Redirect(path="/my-work", status_code=303)
