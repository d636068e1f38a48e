"""The coordinator's figures, all derived from the devices and their append-only history."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from piccolo.query.functions.aggregate import Count

from inventory.actors import Actor
from inventory.clock import HELSINKI, now, today
from inventory.devices.intake import INTAKE_ACTION
from inventory.devices.tables import Device, DeviceEvent
from inventory.devices.waiting import any_of, waiting_too_long
from inventory.lifecycle import Action, State
from inventory.privacy.access_log import log_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.reports.rows import LeadTimeEvent, OverdueDevice, StuckDevice, WaitingDevice
from inventory.sites.tables import Site

Row = TypeVar("Row")

SECONDS_PER_DAY = 86_400
LEAD_TIME_WINDOW_DAYS = 365
MONTHS_SHOWN = 12
LEAD_TIME_DEVICES_PER_QUERY = 500  # well under SQLite's limit of bound parameters
# The dashboard shows the worst few of each list and links to the whole list.
DASHBOARD_ROWS = 10
DASHBOARD_COUNT_UP_TO = 1000
# Up to this many rows into the list, the steps are read apart and merged; deeper, SQL sorts them all.
MERGE_STEPS_UP_TO = 500


@dataclass(frozen=True)
class StockRow:
    """One site's devices by step."""

    site_code: str
    site_name: str
    counts: Mapping[State, int]

    @property
    def total(self) -> int:
        """All devices of the site."""
        return sum(self.counts.values())


async def stock_by_site() -> list[StockRow]:
    """How many devices each site has at each step."""
    sites = await Site.select(Site.id, Site.code, Site.name).order_by(Site.code)
    rows = await Device.select(Device.site, Device.state, Count(Device.id).as_alias("n")).group_by(
        Device.site, Device.state
    )
    counts: dict[int, dict[State, int]] = defaultdict(dict)
    for row in rows:
        counts[row["site"]][State(row["state"])] = int(row["n"])
    return [
        StockRow(site["code"], site["name"], {state: counts[site["id"]].get(state, 0) for state in State})
        for site in sites
    ]


@dataclass(frozen=True)
class LeadTime:
    """The median number of days a stretch of the lifecycle took, over how many devices."""

    median_days: float | None
    samples: int


@dataclass(frozen=True)
class LeadTimes:
    """Received → ready and ready → handed over."""

    to_ready: LeadTime
    to_handover: LeadTime


def _lead_time(durations: list[float]) -> LeadTime:
    if not durations:
        return LeadTime(None, 0)
    return LeadTime(round(statistics.median(durations), 1), len(durations))


def lead_times_from(events: list[LeadTimeEvent], since: dt.datetime) -> LeadTimes:
    """Pair each device's starts (intake, return) with its next "provisioned", and that with the next
    handover; a stretch counts when it ended after `since`. `events` are in the order they happened."""
    to_ready: list[float] = []
    to_handover: list[float] = []
    received_at: dict[int, dt.datetime] = {}
    ready_at: dict[int, dt.datetime] = {}
    for event in events:
        device, action, at = event["device"], event["action"], event["at"]
        if action in (INTAKE_ACTION, Action.RETURN.value):
            received_at[device] = at
            ready_at.pop(device, None)
        elif action == Action.PROVISIONED.value:
            start = received_at.pop(device, None)
            if start is not None and at >= since:
                to_ready.append((at - start).total_seconds() / SECONDS_PER_DAY)
            ready_at[device] = at
        elif action == Action.HAND_OVER.value:
            start = ready_at.pop(device, None)
            if start is not None and at >= since:
                to_handover.append((at - start).total_seconds() / SECONDS_PER_DAY)
    return LeadTimes(_lead_time(to_ready), _lead_time(to_handover))


async def lead_times(window_days: int = LEAD_TIME_WINDOW_DAYS) -> LeadTimes:
    """Median days from received to ready and from ready to handed over, for stretches of the last year."""
    since = now() - dt.timedelta(days=window_days)
    actions = [INTAKE_ACTION, Action.RETURN.value, Action.PROVISIONED.value, Action.HAND_OVER.value]
    # Only devices whose stretch ended in the window count: a backlog of received devices is not read.
    # The devices are looked up first and their events by device, in slices: as one query with a
    # subquery, SQLite walks every intake event of the backlog to test each against the subquery.
    ended = await DeviceEvent.select(DeviceEvent.device).where(
        DeviceEvent.action.is_in([Action.PROVISIONED.value, Action.HAND_OVER.value])
        & (DeviceEvent.at >= since)
    )
    devices = sorted({row["device"] for row in ended})
    events: list[LeadTimeEvent] = []
    for start in range(0, len(devices), LEAD_TIME_DEVICES_PER_QUERY):
        events += cast(
            list[LeadTimeEvent],
            await DeviceEvent.select(
                DeviceEvent.id, DeviceEvent.device, DeviceEvent.action, DeviceEvent.at
            ).where(
                DeviceEvent.device.is_in(devices[start : start + LEAD_TIME_DEVICES_PER_QUERY])
                & DeviceEvent.action.is_in(actions)
            ),
        )
    events.sort(key=lambda event: event["id"])
    return lead_times_from(events, since)


@dataclass(frozen=True)
class MonthCount:
    """Handovers and loans started in one month."""

    month: dt.date
    handovers: int
    loans: int


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


async def handovers_by_month(months: int = MONTHS_SHOWN) -> list[MonthCount]:
    """Handovers and loans per month (Finnish time), the last `months` months, oldest first."""
    first = _month_start(today(), months - 1)
    since = dt.datetime.combine(first, dt.time(0), tzinfo=HELSINKI)
    rows = await DeviceEvent.select(DeviceEvent.action, DeviceEvent.at).where(
        DeviceEvent.action.is_in([Action.HAND_OVER.value, Action.LEND.value]) & (DeviceEvent.at >= since)
    )
    counts: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in rows:
        month = _month_start(row["at"].astimezone(HELSINKI).date())
        counts[month, row["action"]] += 1
    result = []
    for back in range(months - 1, -1, -1):
        month = _month_start(today(), back)
        result.append(
            MonthCount(month, counts[month, Action.HAND_OVER.value], counts[month, Action.LEND.value])
        )
    return result


@dataclass(frozen=True)
class Bounded(Generic[Row]):
    """The first rows of a list (the worst first) and how many there are in all; with `more`, at least
    that many (counting a backlog of 100,000 to the last one is not worth its time on the dashboard)."""

    rows: list[Row]
    total: int
    more: bool = False


async def overdue_loans(limit: int = DASHBOARD_ROWS) -> Bounded[OverdueDevice]:
    """Devices on loan past their due date, longest overdue first, with the client's pseudonymous code."""
    overdue = (Device.state == State.ON_LOAN.value) & (Device.loan_due_on < today())
    rows = (
        await Device.select(
            Device.asset_tag,
            Device.make,
            Device.model,
            Device.loan_due_on,
            Device.site.code.as_alias("site_code"),
            Device.holder.as_alias("client_id"),
            Device.holder.code.as_alias("client_code"),
        )
        .where(overdue)
        .order_by(Device.loan_due_on)
        .limit(limit)
    )
    found = [
        cast(OverdueDevice, {**row, "days_overdue": (today() - row["loan_due_on"]).days}) for row in rows
    ]
    return Bounded(found, len(found) if len(found) < limit else await Device.count().where(overdue))


async def overdue_loans_shown_to(actor: Actor, limit: int = DASHBOARD_ROWS) -> Bounded[OverdueDevice]:
    """`overdue_loans()` for a page that shows the clients' codes: each client shown is a logged read."""
    found = await overdue_loans(limit)
    await log_access(
        Device._meta.db,
        actor,
        AccessAction.READ,
        [row["client_id"] for row in found.rows if row["client_id"] is not None],
        Purpose.LOAN_FOLLOW_UP,
        detail="dashboard",
    )
    return found


async def _longest_waiting(condition: Any, limit: int, offset: int = 0) -> list[WaitingDevice]:
    """Devices matching `condition`, longest waiting first: `limit` of them from `offset`."""
    rows = (
        await Device.select(
            Device.asset_tag,
            Device.make,
            Device.model,
            Device.state,
            Device.state_changed_at,
            Device.site.code.as_alias("site_code"),
        )
        .where(condition)
        .order_by(Device.state_changed_at)
        .limit(limit)
        .offset(offset)
    )
    return cast(list[WaitingDevice], rows)


async def stuck_devices(
    thresholds: Mapping[State, int],
    *,
    limit: int = DASHBOARD_ROWS,
    offset: int = 0,
    state: State | None = None,
    site_id: int | None = None,
    count_up_to: int | None = None,
) -> Bounded[StuckDevice]:
    """Devices that have waited at a step longer than that step's threshold, longest first: one page
    of them (`limit` from `offset`), of one step or site if asked, and how many there are in all."""
    moment = now()
    conditions = waiting_too_long(thresholds, moment, step=state, site_id=site_id)
    if len(conditions) > 1 and offset + limit <= MERGE_STEPS_UP_TO:
        # Each step read longest first along the (state, state_changed_at) index, the steps merged here:
        # one query with the steps OR-ed together sorts every waiting device to show the first ten.
        per_step = [await _longest_waiting(condition, offset + limit) for _, condition in conditions]
        merged = heapq.merge(*per_step, key=lambda row: row["state_changed_at"])
        rows: list[WaitingDevice] = list(itertools.islice(merged, offset, offset + limit))
    elif conditions:
        rows = await _longest_waiting(any_of(conditions), limit, offset)
    else:
        rows = []
    found = [
        StuckDevice(
            **row, days=(moment - row["state_changed_at"]).days, threshold=thresholds[State(row["state"])]
        )
        for row in rows
    ]
    if offset == 0 and len(found) < limit:
        return Bounded(found, len(found))
    if count_up_to is not None:
        seen = 0
        for _, condition in conditions:
            seen += len(await Device.select(Device.id).where(condition).limit(count_up_to + 1 - seen))
            if seen > count_up_to:
                break
        return Bounded(found, min(seen, count_up_to), more=seen > count_up_to)
    total = 0
    for _, condition in conditions:
        total += await Device.count().where(condition)
    return Bounded(found, total)
