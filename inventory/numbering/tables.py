"""The table of certificate number counters."""

from piccolo.columns import Integer, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class DocumentSequence(Table):
    """A gapless counter per kind of document and year, e.g. erasure certificates of 2026."""

    id: Serial

    name = Varchar(length=40, unique=True)
    value = Integer(default=0)
