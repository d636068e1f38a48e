"""The coordinator's dashboard and the CSV exports."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Stream, Template

from inventory.actors import Actor
from inventory.clock import today
from inventory.devices.waiting import thresholds_by_step
from inventory.i18n import current_language
from inventory.lifecycle import IN_WORKSHOP, State
from inventory.operations.settings import get_operations_settings
from inventory.params import MAX_ID, PageQuery
from inventory.permissions import Permission
from inventory.reports.charts import grouped_bars
from inventory.reports.exports import devices_csv, events_csv
from inventory.reports.queries import (
    DASHBOARD_COUNT_UP_TO,
    handovers_by_month,
    lead_times,
    overdue_loans_shown_to,
    stock_by_site,
    stuck_devices,
)
from inventory.sites.services import list_sites
from inventory.web import Page, format_short_month

WAITING_PER_PAGE = 50

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _download(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="kierto-{name}-{today().isoformat()}.csv"',
        "Cache-Control": "no-store",
    }


class ReportPages(Controller):
    """/dashboard and /reports/*.csv."""

    path = "/"
    include_in_schema = False
    opt = {"permission": Permission.REPORTS}

    @get("/dashboard")
    async def dashboard(self, request: Request[Actor, Any, Any]) -> Template:
        """Stock by step and site, lead times, handovers and loans by month, overdue loans, stuck devices."""
        stock = await stock_by_site()
        states = [state for state in State if any(row.counts[state] for row in stock)]
        months = await handovers_by_month()
        totals = {state: sum(row.counts[state] for row in stock) for state in State}
        overdue = await overdue_loans_shown_to(request.user)
        thresholds = thresholds_by_step(get_operations_settings().stuck_days)
        stuck = await stuck_devices(thresholds, count_up_to=DASHBOARD_COUNT_UP_TO)
        return Page(
            "reports/dashboard.html",
            context={
                "stock": stock,
                "states": states,
                "totals": totals,
                "in_workshop": sum(totals[state] for state in IN_WORKSHOP),
                "lead": await lead_times(),
                "months": months,
                "chart": grouped_bars(
                    [format_short_month(m.month) for m in months],
                    [[m.handovers for m in months], [m.loans for m in months]],
                ),
                "overdue": overdue,
                "stuck": stuck,
                "thresholds": thresholds,
            },
        )

    @get("/dashboard/waiting")
    async def waiting(
        self,
        page: PageQuery = 1,
        state_name: Annotated[str, QueryParameter(name="state", max_length=30)] = "",
        site: Annotated[str, QueryParameter(name="site_id", max_length=12)] = "",
    ) -> Template:
        """Every device waiting too long, longest first, a page at a time; by step and site if asked
        (the filter form sends an empty value for "all")."""
        thresholds = thresholds_by_step(get_operations_settings().stuck_days)
        step = next((s for s in thresholds if s.value == state_name), None)
        site_id = int(site) if site.isdigit() and 0 < int(site) <= MAX_ID else None
        found = await stuck_devices(
            thresholds,
            limit=WAITING_PER_PAGE,
            offset=(page - 1) * WAITING_PER_PAGE,
            state=step,
            site_id=site_id,
        )
        pages = max(1, -(-found.total // WAITING_PER_PAGE))
        query = {"state": step.value if step else "", "site_id": site_id or ""}
        return Page(
            "reports/waiting.html",
            context={
                "stuck": found,
                "page": page,
                "pages": pages,
                "query": {k: v for k, v in query.items() if v},
                "state": step.value if step else "",
                "site_id": site_id,
                "state_options": [(s.value, days) for s, days in thresholds.items()],
                "site_options": [(row["id"], f"{row['code']} – {row['name']}") for row in await list_sites()],
                "thresholds": thresholds,
            },
        )

    @get("/reports/devices.csv")
    async def devices_export(self) -> Stream:
        """Every device as CSV."""
        return Stream(
            devices_csv(current_language.get()), media_type=CSV_MEDIA_TYPE, headers=_download("devices")
        )

    @get("/reports/events.csv")
    async def events_export(self) -> Stream:
        """Every history entry as CSV."""
        return Stream(
            events_csv(current_language.get()), media_type=CSV_MEDIA_TYPE, headers=_download("events")
        )
