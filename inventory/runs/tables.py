"""Tables for Ansible runs: profiles, bench connections and workers, runs, their events and evidence."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import ApiToken, User
from inventory.choices import ConditionGrade
from inventory.devices.tables import Device, Erasure
from inventory.runs.choices import Connection, Executor, Pairing, RunKind, RunState, TargetState
from inventory.sites.tables import Site


class Profile(Table):
    """A provisioning recipe an admin can edit: provision.yml role variables under a name."""

    id: Serial

    slug = Varchar(length=40, unique=True)
    name_fi = Varchar(length=100)
    name_sv = Varchar(length=100, default="")
    name_en = Varchar(length=100)
    description = Text(default="")
    variables = JSON(default={})
    is_active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class BenchSite(Table):
    """A site's bench configuration: whether its runs go to this server's process or a bench worker."""

    id: Serial

    site = ForeignKey(Site, unique=True, on_delete=OnDelete.cascade)
    executor = Varchar(length=8, choices=Executor, default=Executor.LOCAL)
    updated_at = Timestamptz()
    updated_by = Varchar(length=100, default="")


class BenchToken(Table):
    """A bench-scope API token bound to one site, used by its bench worker and the check-in script."""

    id: Serial

    api_token = ForeignKey(ApiToken, unique=True, on_delete=OnDelete.cascade)
    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    created_at = Timestamptz()


class BenchWorker(Table):
    """A bench worker of a site as it registered; online while its heartbeats keep coming."""

    id: Serial

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    token = ForeignKey(BenchToken, on_delete=OnDelete.cascade)
    name = Varchar(length=100)
    version = Varchar(length=40, default="")
    ssh_key_path = Varchar(length=255, null=True, default=None)
    address = Varchar(length=64, default="")
    registered_at = Timestamptz()
    last_heartbeat_at = Timestamptz()


class BenchMachine(Table):
    """A machine that checked in from the bench live system, and the device it was paired with."""

    id: Serial

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    device = ForeignKey(Device, null=True, on_delete=OnDelete.set_null)
    connection = Varchar(length=8, choices=Connection, default=Connection.SSH)
    dmi_serial = Varchar(length=100, null=True, default=None, index=True)
    mac = Varchar(length=17, default="")
    address = Varchar(length=255, default="", help_text="IP address, or the chroot path.")
    ssh_port = Integer(default=22)
    ssh_user = Varchar(length=32, default="kierto-bench")
    host_key = Varchar(length=1000, null=True, default=None)
    hostname = Varchar(length=64, default="")
    checked_in_at = Timestamptz()
    paired_at = Timestamptz(null=True, default=None)
    paired_by = Varchar(length=100, default="")
    paired_how = Varchar(length=8, choices=Pairing, null=True, default=None)


class Run(Table):
    """One execution of a playbook on devices of one site, in this server or on a bench worker."""

    id: Serial

    kind = Varchar(length=12, choices=RunKind)
    site = ForeignKey(Site, on_delete=OnDelete.restrict)
    profile = ForeignKey(Profile, null=True, on_delete=OnDelete.restrict)
    state = Varchar(length=12, choices=RunState, default=RunState.QUEUED, index=True)
    executor = Varchar(length=8, choices=Executor, default=Executor.LOCAL)
    job_ident = Varchar(length=32, unique=True)
    job = JSON(default={}, help_text="The job as data, without secrets.")
    worker = ForeignKey(BenchWorker, null=True, on_delete=OnDelete.set_null)
    started_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    started_by_label = Varchar(length=100, default="")
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    owner = Varchar(length=160, default="", help_text="The server process running or reading the run.")
    heartbeat_at = Timestamptz(null=True, default=None)
    rc = Integer(null=True, default=None)
    explanation = Text(default="")
    stream_received = BigInt(default=0, help_text="Bytes of the worker's result stream received in order.")
    stream_complete = Boolean(default=False, help_text="The worker has sent its whole result stream.")
    outcomes_applied_at = Timestamptz(null=True, default=None)
    cancel_requested_at = Timestamptz(null=True, default=None)


class RunTarget(Table):
    """One device of a run: its live progress, and how the run ended for it."""

    id: Serial

    run = ForeignKey(Run, on_delete=OnDelete.cascade)
    device = ForeignKey(Device, on_delete=OnDelete.restrict, index=True)
    host = Varchar(length=64)
    state = Varchar(length=12, choices=TargetState, default=TargetState.PENDING)
    tasks_expected = Integer(default=1)
    tasks_done = Integer(default=0)
    percent = Integer(default=0)
    current_task = Varchar(length=300, default="")
    message = Text(default="")
    result = JSON(default={})
    updated_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class RunEvent(Table):
    """One event of a run exactly as ansible-runner reported it; never changed."""

    id: Serial

    run = ForeignKey(Run, on_delete=OnDelete.cascade)
    key = Varchar(
        length=160, unique=True, help_text="Run, event uuid and host: a repeated event is kept once."
    )
    kind = Varchar(length=16)
    counter = Integer(null=True, default=None)
    host = Varchar(length=64, default="")
    task = Varchar(length=300, default="")
    role = Varchar(length=100, default="")
    outcome = Varchar(length=12, default="")
    message = Text(default="")
    runner_event = JSON(default={}, help_text="The event exactly as ansible-runner delivered it.")
    created_at = Timestamptz(null=True, default=None)
    received_at = Timestamptz()


class RunStreamChunk(Table):
    """Bytes of a bench worker's result stream in order, kept until the server has read the run's end."""

    id: Serial

    run = ForeignKey(Run, on_delete=OnDelete.cascade)
    offset = BigInt()
    data = Bytea()
    received_at = Timestamptz()


class HardwareScan(Table):
    """A device's hardware exactly as a scan reported it (the fact kierto_hardware); never changed."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.restrict)
    run = ForeignKey(Run, null=True, on_delete=OnDelete.set_null)
    scanned_at = Timestamptz()
    facts = JSON(default={})


class HardwareCheck(Table):
    """The checklist a person confirmed for a device, the battery's health and the grade they gave."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.restrict)
    cycle = Integer()
    items = JSON(default={})
    battery_health = Real(null=True, default=None)
    grade = Varchar(length=1, choices=ConditionGrade)
    notes = Text(default="")
    checked_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    checked_by_label = Varchar(length=100, default="")
    checked_at = Timestamptz()


class ReverificationSample(Table):
    """A passed erasure picked at random for independent re-verification by another person."""

    id: Serial

    erasure = ForeignKey(Erasure, unique=True, on_delete=OnDelete.cascade)
    picked_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)


class InitialPassword(Table):
    """The initial password of a provisioned device's account, encrypted, for the counsellor's handover."""

    id: Serial

    device = ForeignKey(Device, on_delete=OnDelete.cascade)
    run = ForeignKey(Run, on_delete=OnDelete.cascade)
    cycle = Integer()
    username = Varchar(length=32)
    ciphertext = Text(secret=True)
    created_at = Timestamptz()
