"""Tables for clients and their orientation sessions."""

from piccolo.columns import JSON, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User
from inventory.choices import Language
from inventory.sites.tables import Site


class Client(Table):
    """A person receiving a device: a pseudonymous code and only the data the agreement needs."""

    id: Serial

    code = Varchar(length=16, unique=True)
    full_name = Varchar(length=200, secret=True)
    phone = Varchar(length=40, null=True, default=None, secret=True)
    email = Varchar(length=254, null=True, default=None, secret=True)
    language = Varchar(length=2, choices=Language, default=Language.FI)
    accommodations = JSON(default=[], help_text="Chosen from a fixed list; never free-text health data.")
    counsellor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    site = ForeignKey(Site, on_delete=OnDelete.restrict)
    consent_recorded_on = Date()
    created_at = Timestamptz()
    anonymised_at = Timestamptz(null=True, default=None)


class OrientationSession(Table):
    """One guided digital-orientation session, counted toward the completion criteria."""

    id: Serial

    client = ForeignKey(Client, on_delete=OnDelete.cascade)
    held_on = Date()
    minutes = Integer()
    topics = JSON(default=[])
    counsellor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    notes = Text(default="")
    created_at = Timestamptz()
