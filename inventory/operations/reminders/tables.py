"""The StuckNotice table: which stays of a device in a state have already been reported."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.devices.tables import Device


class StuckNotice(Table):
    """One reported stay of a device in a state, so the coordinators hear of it once, not every night."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.cascade)
    key = Varchar(length=100, unique=True, help_text="<device id>:<state>:<state changed at>.")
    state = Varchar(length=24)
    notified_at = Timestamptz()
