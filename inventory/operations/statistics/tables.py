"""The DailyDeviceCount table the dashboard draws its trends from."""

from piccolo.columns import Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.lifecycle import State
from inventory.sites.tables import Site


class DailyDeviceCount(Table):
    """How many devices a site had in one state on one day (taken nightly; a rerun replaces the day)."""

    id: Serial

    day = Date(index=True)
    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    state = Varchar(length=24, choices=State)
    devices = Integer(help_text="How many devices.")
    taken_at = Timestamptz()
