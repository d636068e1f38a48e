"""Tables for donors and donations."""

from piccolo.columns import Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User
from inventory.choices import DonorKind
from inventory.sites.tables import Site


class Donor(Table):
    """An organisation or person giving devices."""

    id: Serial

    name = Varchar(length=200)
    kind = Varchar(length=16, choices=DonorKind, default=DonorKind.ORGANISATION)
    business_id = Varchar(length=20, null=True, default=None, help_text="Y-tunnus of an organisation.")
    contact_name = Varchar(length=200, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    notes = Text(default="")
    created_at = Timestamptz()


class Donation(Table):
    """One batch of devices from a donor, received at a site, with one receipt."""

    id: Serial

    donor = ForeignKey(Donor, on_delete=OnDelete.restrict)
    site = ForeignKey(Site, on_delete=OnDelete.restrict)
    received_on = Date()
    reference = Varchar(length=100, default="", help_text="The donor's own reference, if any.")
    notes = Text(default="")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    finalised_at = Timestamptz(null=True, default=None)
    finalised_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
