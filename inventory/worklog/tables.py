"""The WorkLog table."""

from piccolo.columns import Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User


class WorkLog(Table):
    """Time a person logged on a day, with a note, for their rehabilitative work plan."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade)
    day = Date(index=True)
    minutes = Integer(help_text="The time logged, in minutes; shown as hours.")
    note = Varchar(length=500, default="")
    created_at = Timestamptz()
