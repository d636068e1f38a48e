"""The Site table."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class Site(Table):
    """A workshop or office holding stock; its short code starts every asset tag made there."""

    id: Serial

    code = Varchar(length=5, unique=True)
    name = Varchar(length=100)
    tag_counter = Integer(default=0, help_text="The number of the last asset tag given out here.")
    printer_queue = Varchar(length=100, null=True, default=None, help_text="CUPS queue for labels.")
    printer_dpi = Integer(default=300, help_text="The label printer's resolution: 203, 300 or 600 dpi.")
    label_stock = Varchar(
        length=20,
        null=True,
        default=None,
        help_text="The label stock loaded at this site, e.g. brother-62x29.",
    )
    created_at = Timestamptz()
