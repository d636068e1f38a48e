"""What a stock-take has found so far: expected, found, missing, out of place and unknown codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from inventory.actors import Actor
from inventory.devices.tables import Device
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.lifecycle import IN_WORKSHOP, OUT_OF_WORKSHOP, State
from inventory.sites.reach import site_condition
from inventory.stocktake.rows import CountedDevice, StockTakeHeader, StockTakeListRow
from inventory.stocktake.tables import StockTake, StockTakeScan

# Devices in these steps are not in the workshop at all: finding one there is worth a word.
ON_SITE_STATES = tuple(state for state in State if state in IN_WORKSHOP)

REASON_OTHER_SITE = "other_site"
REASON_AWAY = "away"
REASON_OTHER_STEP = "other_step"
MISPLACED_REASONS = {
    REASON_OTHER_SITE: N_("belongs to site {site}"),
    REASON_AWAY: N_("is recorded as {state}"),
    REASON_OTHER_STEP: N_("is {state}, which is not kept here"),
}

DEVICE_COLUMNS = (
    Device.id,
    Device.asset_tag,
    Device.make,
    Device.model,
    Device.state,
    Device.site,
    Device.site.code.as_alias("site_code"),
)


@dataclass(frozen=True)
class Counted:
    """A device in one of the lists, and why it is out of place when it is."""

    asset_tag: str
    make: str
    model: str
    state: State
    site_code: str
    reason: str = ""


@dataclass(frozen=True)
class StockTakeView:
    """A stock-take and its lists, as they are now (or as recorded at the finish)."""

    id: int
    site_id: int
    site_code: str
    place: str
    states: tuple[State, ...]
    started_at: Any
    finished_at: Any
    expected: int
    found: tuple[Counted, ...]
    missing: tuple[Counted, ...]
    misplaced: tuple[Counted, ...]
    unknown: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        """Whether scanning goes on."""
        return self.finished_at is None


def scope_states(states: Sequence[str]) -> tuple[State, ...]:
    """The steps expected where the count is made; none chosen means every step kept on site."""
    chosen = tuple(State(s) for s in states if s in State.__members__.values())
    return chosen or ON_SITE_STATES


def _counted(row: CountedDevice, reason: str = "") -> Counted:
    return Counted(row["asset_tag"], row["make"], row["model"], State(row["state"]), row["site_code"], reason)


def misplacement(row: CountedDevice, site_id: int, states: tuple[State, ...]) -> str:
    """Why a found device should not be where it was counted, or "" when it belongs there."""
    state = State(row["state"])
    if state in OUT_OF_WORKSHOP:
        return REASON_AWAY
    if row["site"] != site_id:
        return REASON_OTHER_SITE
    if state not in states:
        return REASON_OTHER_STEP
    return ""


async def _header(stocktake_id: int) -> StockTakeHeader:
    row = (
        await StockTake.select(*StockTake.all_columns(), StockTake.site.code.as_alias("site_code"))
        .where(StockTake.id == stocktake_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such stock-take."))
    return cast(StockTakeHeader, row)


def _from_outcome(header: StockTakeHeader, states: tuple[State, ...]) -> StockTakeView:
    outcome = header["outcome"] or {}

    def rows(name: str) -> tuple[Counted, ...]:
        return tuple(
            Counted(
                r["asset_tag"], r["make"], r["model"], State(r["state"]), r["site_code"], r.get("reason", "")
            )
            for r in outcome.get(name, [])
        )

    return StockTakeView(
        id=header["id"],
        site_id=header["site"],
        site_code=header["site_code"],
        place=header["place"],
        states=states,
        started_at=header["started_at"],
        finished_at=header["finished_at"],
        expected=int(header["expected_count"] or 0),
        found=rows("found"),
        missing=rows("missing"),
        misplaced=rows("misplaced"),
        unknown=tuple(outcome.get("unknown", [])),
    )


async def stocktake_view(stocktake_id: int) -> StockTakeView:
    """The stock-take's lists: live while it is open, as recorded once it is finished."""
    header = await _header(stocktake_id)
    states = scope_states(header["states"] or [])
    if header["finished_at"] is not None:
        return _from_outcome(header, states)
    scans = (
        await StockTakeScan.select(StockTakeScan.code, StockTakeScan.device)
        .where(StockTakeScan.stocktake == stocktake_id)
        .order_by(StockTakeScan.id)
    )
    scanned_ids = list(dict.fromkeys(s["device"] for s in scans if s["device"] is not None))
    unknown = tuple(dict.fromkeys(s["code"] for s in scans if s["device"] is None))
    found_rows = await Device.select(*DEVICE_COLUMNS).where(Device.id.is_in(scanned_ids or [0]))
    by_id = {row["id"]: cast(CountedDevice, row) for row in found_rows}
    found: list[Counted] = []
    misplaced: list[Counted] = []
    for device_id in scanned_ids:
        row = by_id[device_id]
        reason = misplacement(row, header["site"], states)
        (misplaced if reason else found).append(_counted(row, reason))
    expected_rows = (
        await Device.select(*DEVICE_COLUMNS)
        .where((Device.site == header["site"]) & Device.state.is_in([s.value for s in states]))
        .order_by(Device.asset_tag)
    )
    seen = set(scanned_ids)
    missing = tuple(_counted(cast(CountedDevice, row)) for row in expected_rows if row["id"] not in seen)
    return StockTakeView(
        id=header["id"],
        site_id=header["site"],
        site_code=header["site_code"],
        place=header["place"],
        states=states,
        started_at=header["started_at"],
        finished_at=None,
        expected=len(expected_rows),
        found=tuple(found),
        missing=missing,
        misplaced=tuple(misplaced),
        unknown=unknown,
    )


async def list_stocktakes(actor: Actor, limit: int = 50) -> list[StockTakeListRow]:
    """The latest stock-takes of the sites in the actor's reach, newest first."""
    query = StockTake.select(
        StockTake.id,
        StockTake.site.code.as_alias("site_code"),
        StockTake.place,
        StockTake.started_at,
        StockTake.finished_at,
        StockTake.expected_count,
        StockTake.found_count,
        StockTake.missing_count,
        StockTake.misplaced_count,
        StockTake.unknown_count,
        StockTake.started_by.display_name.as_alias("started_by_name"),
    )
    in_reach = site_condition(actor, StockTake.site)
    if in_reach is not None:
        query = query.where(in_reach)
    return cast(list[StockTakeListRow], await query.order_by(StockTake.id, ascending=False).limit(limit))


@dataclass(frozen=True)
class LastScan:
    """A scan just made: the code, the device it found (none: an unknown code), whether it was counted before."""

    code: str
    asset_tag: str | None
    repeated: bool


async def last_scan(stocktake_id: int, scan_id: int) -> LastScan | None:
    """One scan of this stock-take, or None if it has no such scan."""
    scan = (
        await StockTakeScan.select(
            StockTakeScan.id,
            StockTakeScan.code,
            StockTakeScan.device,
            StockTakeScan.device.asset_tag.as_alias("tag"),
        )
        .where((StockTakeScan.id == scan_id) & (StockTakeScan.stocktake == stocktake_id))
        .first()
    )
    if scan is None:
        return None
    same = StockTakeScan.device == scan["device"] if scan["device"] else StockTakeScan.code == scan["code"]
    repeated = await StockTakeScan.exists().where(
        (StockTakeScan.stocktake == stocktake_id) & (StockTakeScan.id < scan_id) & same
    )
    return LastScan(scan["code"], scan["tag"] if scan["device"] else None, bool(repeated))
