"""Stock-take use cases: start a count, record each scan, finish and record the outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import AnyEngine, write_transaction
from inventory.devices.asset_tags import normalise_scan
from inventory.devices.scanning import MAX_SCAN_LENGTH, resolve_scan
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.sites.reach import require_site
from inventory.sites.tables import Site
from inventory.stocktake.queries import scope_states, stocktake_view
from inventory.stocktake.reach import reach_stocktake
from inventory.stocktake.tables import StockTake, StockTakeScan

PLACE_MAX = 100


@dataclass(frozen=True)
class ScanResult:
    """What one scan did: the device counted (or None for an unknown code) and whether it was new."""

    scan_id: int
    asset_tag: str | None
    first_time: bool


async def start_stocktake(
    engine: AnyEngine,
    actor: Actor,
    site_id: int,
    place: str = "",
    states: Sequence[str] = (),
) -> int:
    """Open a count at a site, or on a shelf that holds devices of the chosen steps."""
    require_site(actor, site_id)
    place = place.replace("\x00", "").strip()
    if len(place) > PLACE_MAX:
        raise InvalidInput("place", N_("At most {maximum} characters."), {"maximum": PLACE_MAX})
    chosen = [state.value for state in scope_states(states)] if states else []
    if len(chosen) != len(set(states)):
        raise InvalidInput("states", N_("Choose the steps from the list."))
    async with write_transaction(engine):
        if not await Site.exists().where(Site.id == site_id):
            raise InvalidInput("site_id", N_("There is no such site."))
        rows = await StockTake.insert(
            StockTake(site=site_id, place=place, states=chosen, started_by=actor.user_id, started_at=now())
        ).returning(StockTake.id)
    return int(rows[0]["id"])


async def _open(stocktake_id: int) -> None:
    row = await StockTake.select(StockTake.finished_at).where(StockTake.id == stocktake_id).first()
    if row is None:
        raise NotFound(N_("There is no such stock-take."))
    if row["finished_at"] is not None:
        raise Conflict(N_("This stock-take is finished; start a new one to count again."))


async def record_scan(engine: AnyEngine, actor: Actor, stocktake_id: int, code: str) -> ScanResult:
    """Count one scanned code: a device, once however often it is scanned, or an unknown code.

    A tag whose check character is wrong is refused (scan again), not counted as unknown.
    """
    await reach_stocktake(actor, stocktake_id)
    text = normalise_scan(code)
    if not text or len(text) > MAX_SCAN_LENGTH:
        raise InvalidInput("code", N_("Scan or type an asset tag or a serial number."))
    try:
        match = await resolve_scan(text)
    except NotFound:
        match = None
    async with write_transaction(engine):
        await _open(stocktake_id)
        device_id = match.device_id if match else None
        before = await StockTakeScan.exists().where(
            (StockTakeScan.stocktake == stocktake_id)
            & (StockTakeScan.device == device_id if device_id is not None else StockTakeScan.code == text)
        )
        rows = await StockTakeScan.insert(
            StockTakeScan(
                stocktake=stocktake_id,
                code=text,
                device=device_id,
                scanned_by=actor.user_id,
                scanned_at=now(),
            )
        ).returning(StockTakeScan.id)
    return ScanResult(int(rows[0]["id"]), match.asset_tag if match else None, not before)


async def finish_stocktake(engine: AnyEngine, actor: Actor, stocktake_id: int) -> None:
    """Close the count and record its outcome as it stands now."""
    await reach_stocktake(actor, stocktake_id)
    async with write_transaction(engine):
        await _open(stocktake_id)
        view = await stocktake_view(stocktake_id)
        outcome: dict[str, list[Any]] = {
            name: [{**dataclasses.asdict(item), "state": item.state.value} for item in getattr(view, name)]
            for name in ("found", "missing", "misplaced")
        }
        outcome["unknown"] = list(view.unknown)
        await StockTake.update(
            {
                StockTake.finished_at: now(),
                StockTake.finished_by: actor.user_id,
                StockTake.expected_count: view.expected,
                StockTake.found_count: len(view.found),
                StockTake.missing_count: len(view.missing),
                StockTake.misplaced_count: len(view.misplaced),
                StockTake.unknown_count: len(view.unknown),
                StockTake.outcome: outcome,
            }
        ).where(StockTake.id == stocktake_id)
