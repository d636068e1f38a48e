"""Which stock-takes a user may reach: those of a site in their reach (see `sites.reach`)."""

from __future__ import annotations

from inventory.actors import Actor
from inventory.i18n import N_
from inventory.sites.reach import refuse_outside
from inventory.stocktake.tables import StockTake

NO_SUCH_STOCKTAKE = N_("There is no such stock-take.")


async def reach_stocktake(actor: Actor, stocktake_id: int) -> None:
    """Refuse (404) a stock-take of a site out of reach."""
    query = StockTake.select(StockTake.site).where(StockTake.id == stocktake_id)
    await refuse_outside(actor, query, NO_SUCH_STOCKTAKE)
