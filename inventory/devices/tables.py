"""Tables for devices, their disks, erasures and the append-only event history."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from inventory.accounts.tables import User
from inventory.choices import ConditionGrade, DeviceKind, ErasureTechnique
from inventory.lifecycle import State
from inventory.sites.tables import Site
from labels.sanitisation_terms import DestructionMethod, DiskKind, ErasureCategory

# The client area sits above devices (it reserves, hands over and lends them), so devices refer to its
# clients lazily: by name, resolved once the client tables are loaded.
CLIENT = LazyTableReference("Client", module_path="inventory.clients.tables")
# Donations sit above devices (they bring them in): a device names its donation by reference too.
DONATION = LazyTableReference("Donation", module_path="inventory.donations.tables")


class Device(Table):
    """One computer, known by its asset tag; `state` changes only through lifecycle transitions."""

    id: Serial

    asset_tag = Varchar(length=20, unique=True)
    site = ForeignKey(Site, on_delete=OnDelete.restrict)
    tag_number = Integer()
    donation: ForeignKey[Table] = ForeignKey(DONATION, null=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=16, choices=DeviceKind, default=DeviceKind.LAPTOP)
    make = Varchar(length=100, default="")
    model = Varchar(length=100, default="")
    serial = Varchar(length=100, null=True, default=None, index=True)
    cpu = Varchar(length=100, default="")
    ram_mb = Integer(null=True, default=None)
    condition_grade = Varchar(length=1, choices=ConditionGrade, null=True, default=None)
    notes = Text(default="")
    intake_condition = Text(
        default="", help_text="The donor's word on its condition at intake (battery, keyboard, screen)."
    )
    state = Varchar(length=24, choices=State, default=State.RECEIVED, index=True)
    state_before_hold = Varchar(length=24, choices=State, null=True, default=None)
    cycle = Integer(default=1, help_text="Counts the device's rounds through the bench; a return starts one.")
    reserved_for: ForeignKey[Table] = ForeignKey(CLIENT, null=True, on_delete=OnDelete.restrict)
    holder: ForeignKey[Table] = ForeignKey(CLIENT, null=True, on_delete=OnDelete.restrict)
    loan_due_on = Date(null=True, default=None)
    state_changed_at = Timestamptz(index=True)
    created_at = Timestamptz()


class Disk(Table):
    """A storage device inside a device; each one is erased and certified on its own."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.restrict, index=True)
    make = Varchar(length=100, default="")
    model = Varchar(length=100, default="")
    serial = Varchar(length=100, null=True, default=None, index=True)
    size_bytes = BigInt(null=True, default=None)
    kind = Varchar(length=8, choices=DiskKind, default=DiskKind.OTHER)
    destroyed_at = Timestamptz(null=True, default=None)
    destroyed_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    destruction_witness = Varchar(length=200, null=True, default=None)
    destruction_method = Varchar(
        length=16, choices=DestructionMethod, null=True, default=None, help_text="shred, disintegrate, …"
    )
    destruction_recycler_reference = Varchar(
        length=100, null=True, default=None, help_text="The recycler's receipt or batch reference."
    )
    created_at = Timestamptz()


class Erasure(Table):
    """One sanitisation of one or more disks of a device, with its evidence and certificate number."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.restrict, index=True)
    cycle = Integer()
    certificate_number = Varchar(length=32, unique=True)
    passed = Boolean()
    category = Varchar(length=8, choices=ErasureCategory, default=ErasureCategory.CLEAR)
    technique = Varchar(length=24, choices=ErasureTechnique, default=ErasureTechnique.OVERWRITE)
    method = Varchar(length=200, default="")
    tool = Varchar(length=100, default="")
    tool_version = Varchar(length=100, default="")
    verification_method = Varchar(length=200, default="")
    verification_result = Varchar(length=200, default="")
    source = Varchar(length=16, default="manual", help_text="manual, ansible or nwipe.")
    operator = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    evidence = JSON(default={})
    created_at = Timestamptz()
    reverified_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    reverified_at = Timestamptz(null=True, default=None)
    reverification_passed = Boolean(null=True, default=None)
    reverification_method = Varchar(length=200, default="")
    validated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    validated_at = Timestamptz(null=True, default=None)
    validator_title = Varchar(length=100, default="", help_text="The validator's title as they signed off.")
    warning = Varchar(length=32, default="", help_text="e.g. flash_clear_external: needs a coordinator.")
    warning_accepted_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    warning_accepted_at = Timestamptz(null=True, default=None)
    warning_reason = Text(default="")


class ErasureDisk(Table):
    """The part of an erasure that covers one disk."""

    id: Serial

    erasure = ForeignKey(Erasure, on_delete=OnDelete.restrict)
    disk = ForeignKey(Disk, on_delete=OnDelete.restrict, index=True)
    method = Varchar(length=200, default="")
    bytes_erased = BigInt(null=True, default=None)
    verified = Boolean(default=False)
    evidence = JSON(default={})


class DeviceEvent(Table):
    """One append-only entry of a device's history: who did what, when, from which state to which."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.restrict, index=True)
    action = Varchar(length=32, index=True)
    from_state = Varchar(length=24, choices=State, null=True, default=None, help_text="None when created.")
    to_state = Varchar(length=24, choices=State)
    actor = Varchar(length=100, help_text="user:<username> or system:<job>.")
    actor_user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    at = Timestamptz(index=True)
    reason = Text(default="")
    details = JSON(default={})
