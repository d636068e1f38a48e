"""API route for the daily statistics the dashboard draws."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from inventory.api_docs import API_ERRORS
from inventory.clock import today
from inventory.errors import InvalidInput
from inventory.i18n import N_
from inventory.operations.statistics.schemas import DailyCountOut
from inventory.operations.statistics.snapshot import daily_counts
from inventory.params import OptionalIdQuery
from inventory.permissions import Permission

MAX_DAYS = 3660
DEFAULT_DAYS = 30


class StatisticsController(Controller):
    """Statistics under /api/v1/statistics."""

    path = "/api/v1/statistics"
    tags = ["statistics"]

    @get(
        "/daily",
        responses=API_ERRORS,
        opt={"permission": Permission.REPORTS},
    )
    async def list_daily_device_counts(
        self,
        since: Annotated[
            dt.date | None, QueryParameter(name="from", description="First day (default: 30 days ago).")
        ] = None,
        until: Annotated[
            dt.date | None, QueryParameter(name="to", description="Last day (default: today).")
        ] = None,
        site_id: OptionalIdQuery = None,
    ) -> list[DailyCountOut]:
        """Device counts by day, site and state, from the nightly snapshots."""
        last = until or today()
        first = since or last - dt.timedelta(days=DEFAULT_DAYS)
        if first > last:
            raise InvalidInput("from", N_("The first day must not be after the last day."))
        if (last - first).days > MAX_DAYS:
            raise InvalidInput("from", N_("Ask for at most ten years at a time."))
        return [DailyCountOut(**row) for row in await daily_counts(first, last, site_id)]
