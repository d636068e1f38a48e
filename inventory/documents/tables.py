"""Tables for certificate numbering and issued documents."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class DocumentSequence(Table):
    """A gapless counter per kind of document and year, e.g. erasure certificates of 2026."""

    id: Serial

    name = Varchar(length=40, unique=True)
    value = Integer(default=0)


class IssuedDocument(Table):
    """A certificate or receipt as issued: its number, what it certifies, and its verification code.

    `facts` holds only what the public verification page may show (never a client's personal data);
    printing again reuses the row, so the number and the content stay the same.
    """

    id: Serial
    key = Varchar(length=120, unique=True, help_text="<kind>:<subject>, one document per subject.")
    kind = Varchar(length=32, index=True)
    number = Varchar(length=32, unique=True)
    code = Varchar(length=64, unique=True)
    facts = JSON(default={})
    issued_at = Timestamptz()
    issued_by = Varchar(length=100)
