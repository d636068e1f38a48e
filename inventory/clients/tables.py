"""Tables for clients, their assessments, orientation, reservations and handovers."""

from piccolo.columns import JSON, Bytea, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from inventory.accounts.tables import User
from inventory.clients.choices import (
    AssessmentPhase,
    HandoverKind,
    Observation,
    ReservationEnd,
)
from inventory.i18n import Language
from inventory.sites.tables import Site

# Devices refer to clients, so the client area refers to devices lazily.
DEVICE = LazyTableReference("Device", module_path="inventory.devices.tables")


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


class Assessment(Table):
    """A digital-skills mapping of one client at the start or at the end, with the worker's notes."""

    id: Serial

    client = ForeignKey(Client, on_delete=OnDelete.restrict, index=True)
    phase = Varchar(length=8, choices=AssessmentPhase)
    assessed_on = Date()
    counsellor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    notes = Text(default="", help_text="The worker's free notes.")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AssessmentItem(Table):
    """One practical task of an assessment: the client's self-rating and the worker's observation."""

    id: Serial

    assessment = ForeignKey(Assessment, on_delete=OnDelete.cascade, index=True)
    task = Varchar(length=32, help_text="A topic code from clients/topics.py.")
    self_rating = Integer(null=True, default=None, help_text="1 (cannot) to 5 (confident).")
    observation = Varchar(length=16, choices=Observation, null=True, default=None)
    comment = Varchar(length=500, default="")


class Reservation(Table):
    """A ready device set aside for a client until `expires_at`, unless renewed; the history is kept.

    The device's lifecycle state and `reserved_for` stay the truth about who a device is reserved for;
    this row adds when it was reserved, by whom, until when, and how the reservation ended.
    """

    id: Serial

    device: ForeignKey[Table] = ForeignKey(DEVICE, on_delete=OnDelete.restrict, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, index=True)
    reserved_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    reserved_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    renewals = Integer(default=0)
    ended_at = Timestamptz(null=True, default=None, index=True)
    outcome = Varchar(length=16, choices=ReservationEnd, null=True, default=None)


class Handover(Table):
    """A device given or lent to a client: the agreement's content, its signing and, for a loan, the return."""

    id: Serial

    device: ForeignKey[Table] = ForeignKey(DEVICE, on_delete=OnDelete.restrict, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=8, choices=HandoverKind)
    handed_over_on = Date()
    due_on = Date(null=True, default=None, index=True)
    accessories = JSON(default=[])
    counsellor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    counsellor_name = Varchar(length=100, help_text="As printed on the agreement.")
    event_id = Integer(help_text="The lifecycle event of the handover or loan.")
    document_number = Varchar(length=32)
    client_signature = Bytea(null=True, default=None, secret=True)
    counsellor_signature = Bytea(null=True, default=None, secret=True)
    signed_at = Timestamptz(null=True, default=None)
    signed_on_paper_at = Timestamptz(null=True, default=None)
    signing_recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    returned_on = Date(null=True, default=None)
    return_condition_notes = Text(default="")
    accessories_returned = JSON(default=[])
    returned_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
