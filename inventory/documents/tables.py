"""The table of issued documents (their numbers are counted in `inventory.numbering`)."""

from piccolo.columns import JSON, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class IssuedDocument(Table):
    """A certificate or receipt as issued: its number, what it certifies, and its verification code.

    `facts` is the document's content as printed, signed by the code: its `summary` is all the public
    verification page shows, and it never holds a client's personal data. Printing again reuses the
    row, so the number and the content stay the same. When what a document states changes (a
    re-verification recorded, a device added to a donation), a new revision is issued: the same number
    with `-R2`, `-R3` … and its own code; the earlier paper still verifies as what it stated then.
    """

    id: Serial
    key = Varchar(length=120, unique=True, help_text="<kind>:<subject>, one document per subject.")
    kind = Varchar(length=32, index=True)
    number = Varchar(length=32, unique=True)
    code = Varchar(length=64, unique=True)
    facts = JSON(default={})
    issued_at = Timestamptz()
    issued_by = Varchar(length=100)
