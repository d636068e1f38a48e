"""Tables for stock-takes and the codes scanned during them."""

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User
from inventory.devices.tables import Device
from inventory.sites.tables import Site


class StockTake(Table):
    """One count of the devices at a site, or on a shelf that holds devices of given steps.

    `states` lists the steps expected where the count is made (empty: every step of a device still in
    the workshop). When the count is finished its outcome is recorded: the counts and the tags of
    each list, as they were at that moment.
    """

    id: Serial

    site = ForeignKey(Site, on_delete=OnDelete.restrict)
    place = Varchar(length=100, default="", help_text="The shelf or room counted, in the counter's words.")
    states = JSON(default=[])
    started_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    started_at = Timestamptz()
    finished_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    finished_at = Timestamptz(null=True, default=None)
    expected_count = Integer(null=True, default=None)
    found_count = Integer(null=True, default=None)
    missing_count = Integer(null=True, default=None)
    misplaced_count = Integer(null=True, default=None)
    unknown_count = Integer(null=True, default=None)
    outcome = JSON(default={}, help_text="The tags found, missing, misplaced and unknown at the finish.")


class StockTakeScan(Table):
    """One code scanned during a stock-take: the device it resolved to, or none for an unknown code."""

    id: Serial

    stocktake = ForeignKey(StockTake, on_delete=OnDelete.cascade)
    code = Varchar(length=100)
    device = ForeignKey(Device, null=True, on_delete=OnDelete.restrict)
    scanned_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    scanned_at = Timestamptz()
