"""API schemas for runs, profiles, the bench (tokens, sites, machines, check-in, workers) and bench evidence."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from msgspec import Meta, Struct

from inventory.choices import ConditionGrade
from inventory.runs.choices import (
    CheckResult,
    Connection,
    Executor,
    ProfileStatus,
    ReverificationResult,
    RunKind,
    RunState,
    TargetState,
)
from inventory.schema_types import NO_SPACE, NOT_BLANK, Id, LongText, NameText, Reason, ShortText
from labels.sanitisation_terms import DestructionMethod

AssetTag = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")]
Slug = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]
Port = Annotated[int, Meta(ge=1, le=65535)]
Address = Annotated[str, Meta(max_length=255, pattern=NO_SPACE)]
HostKey = Annotated[str, Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Mac = Annotated[str, Meta(min_length=12, max_length=17, pattern=r"^[0-9A-Fa-f:.-]+$")]
LogText = Annotated[str, Meta(min_length=1, max_length=2_000_000, pattern=r"^[^\x00]*$")]
Version = Annotated[str, Meta(max_length=40, pattern=r"^[^\x00]*$")]
KeyPath = Annotated[str, Meta(max_length=255, pattern=r"^/[^\x00]*$")]
Hostname = Annotated[str, Meta(max_length=64, pattern=r"^[^\x00]*$")]


class RunIn(Struct, forbid_unknown_fields=True):
    """A run to start on one device or a bench batch."""

    kind: RunKind
    asset_tags: Annotated[list[AssetTag], Meta(min_length=1, max_length=50)]
    profile_id: Id | None = None


class RunTargetOut(Struct):
    """One device of a run and how the run goes for it."""

    asset_tag: str
    state: TargetState
    percent: int
    current_task: str
    message: str
    result: dict[str, Any]
    finished_at: dt.datetime | None


class RunOut(Struct):
    """A run with its devices; `waiting_reason` says why a queued run has not started."""

    id: int
    kind: RunKind
    site_code: str
    state: RunState
    executor: Executor
    job_ident: str
    profile: str | None
    worker: str | None
    started_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    explanation: str
    targets: list[RunTargetOut]
    waiting_reason: str | None = None


class RunEventOut(Struct):
    """One stored event of a run, with the raw runner event as evidence."""

    id: int
    kind: str
    host: str
    task: str
    role: str
    outcome: str
    message: str
    created_at: dt.datetime | None
    received_at: dt.datetime
    raw: dict[str, Any]


class DeviceProgressOut(Struct):
    """A device's part in its latest run."""

    run_id: int
    kind: RunKind
    run_state: RunState
    state: TargetState
    percent: int
    current_task: str
    message: str


class ProfileIn(Struct, forbid_unknown_fields=True):
    """A provisioning profile: names and provision.yml role variables."""

    slug: Slug
    name_fi: NameText
    name_en: NameText
    name_sv: ShortText = ""
    description: LongText = ""
    variables: dict[str, Any] = {}
    status: ProfileStatus = ProfileStatus.ACTIVE


class ProfileOut(Struct):
    """A provisioning profile."""

    id: int
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    description: str
    variables: dict[str, Any]
    is_active: bool


class BenchTokenIn(Struct, forbid_unknown_fields=True):
    """A bench token to make for a site."""

    site_id: Id
    name: NameText


class BenchTokenOut(Struct):
    """A new bench token; `secret` is shown this once."""

    id: int
    site_id: int
    name: str
    secret: str


class BenchSiteIn(Struct, forbid_unknown_fields=True):
    """Where a site's runs go."""

    executor: Executor


class WorkerOut(Struct):
    """A bench worker as the server sees it."""

    id: int
    name: str
    version: str
    online: bool
    last_heartbeat_at: dt.datetime
    running_runs: list[int]


class BenchSiteOut(Struct):
    """A site's bench: where its runs go, its workers and the runs waiting for them."""

    site_id: int
    site_code: str
    executor: Executor
    workers: list[WorkerOut]
    waiting_runs: list[int]


class MachineOut(Struct):
    """A machine that checked in and waits to be paired with a device."""

    id: int
    site_code: str
    dmi_serial: str | None
    mac: str
    address: str
    hostname: str
    checked_in_at: dt.datetime


class PairIn(Struct, forbid_unknown_fields=True):
    """The tag (or serial) scanned to pair a machine with its device."""

    code: ShortText


class PairOut(Struct):
    """The device a machine was paired with."""

    asset_tag: str


class ConnectionIn(Struct, forbid_unknown_fields=True):
    """Connection data typed by an administrator."""

    connection: Connection
    address: Address = ""
    ssh_port: Port = 22
    ssh_user: Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^[a-z_][a-z0-9_-]*$")] = (
        "kierto-bench"
    )
    host_key: HostKey | None = None


class ConnectionOut(Struct):
    """The machine a device is now paired with."""

    machine_id: int


class CheckInIn(Struct, forbid_unknown_fields=True):
    """What the check-in script of the bench live system reports."""

    mac: Mac
    address: Address
    serial: ShortText | None = None
    ssh_port: Port = 22
    host_key: HostKey | None = None
    hostname: Hostname = ""


class CheckInOut(Struct):
    """The stored check-in: the device it was paired with, or none yet (then scan the tag to pair)."""

    machine_id: int
    asset_tag: str | None
    paired_by: str | None


class ScreenOut(Struct):
    """What a bench machine's own status screen shows now, in the language asked for."""

    machine_id: int | None
    serial: str | None
    asset_tag: str | None
    phase: str
    tone: str
    percent: int | None
    title: str
    detail: str


class DestroyedDiskIn(Struct, forbid_unknown_fields=True):
    """A disk destroyed physically: how, the witness's user name and the recycler's reference."""

    method: DestructionMethod
    witness_username: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9.\-]+$")]
    recycler_reference: Annotated[str, Meta(max_length=100)] = ""
    note: Reason = ""


class HardwareCheckIn(Struct, forbid_unknown_fields=True):
    """The hardware checklist: every item ok, faulty or absent."""

    keyboard: CheckResult
    screen: CheckResult
    webcam: CheckResult
    microphone: CheckResult
    wifi: CheckResult
    usb_ports: CheckResult
    notes: LongText = ""


class HardwareCheckOut(Struct):
    """The grade the checklist and the battery gave."""

    condition_grade: ConditionGrade
    battery_health: float | None


class DrivePairIn(Struct, forbid_unknown_fields=True):
    """Which disk of the device a drive of the log is, when nwipe could not read its serial number."""

    drive: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^(/dev/)?[A-Za-z0-9_/.-]+$")]
    disk_id: Id


class NwipeLogIn(Struct, forbid_unknown_fields=True):
    """An nwipe / ShredOS log as text (undecodable bytes as U+FFFD), and pairings for unreadable serials."""

    log: LogText
    pairs: Annotated[list[DrivePairIn], Meta(max_length=32)] = []


class ErasureCreatedOut(Struct):
    """The erasure an import created."""

    certificate_number: str
    picked_for_reverification: bool


class ReverificationIn(Struct, forbid_unknown_fields=True):
    """The result of re-verifying an erasure."""

    result: ReverificationResult
    method: Annotated[str, Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]


class SampleOut(Struct):
    """An erasure waiting for re-verification."""

    certificate_number: str
    asset_tag: str
    operator: str | None
    picked_at: dt.datetime


class InitialPasswordOut(Struct):
    """The account name and initial password of a device (the showing is recorded)."""

    username: str
    password: str


class WorkerIn(Struct, forbid_unknown_fields=True):
    """A bench worker registering."""

    name: Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    version: Version = ""
    ssh_key_path: KeyPath | None = None


class WorkerRegisteredOut(Struct):
    """The worker's id and how often it should report."""

    worker_id: int
    site_code: str
    heartbeat_seconds: float
    poll_seconds: int


class HeartbeatIn(Struct, forbid_unknown_fields=True):
    """The jobs a worker is running."""

    running: Annotated[
        list[Annotated[str, Meta(max_length=32, pattern=r"^[0-9a-f]*$")]], Meta(max_length=100)
    ] = []


class HeartbeatOut(Struct):
    """The jobs the worker should stop."""

    cancel: list[str]


class ResultAckOut(Struct):
    """How much of the result stream the server holds; a worker sends from there."""

    received: int
    duplicate: bool


class SignOffIn(Struct, forbid_unknown_fields=True):
    """Erasures a coordinator signs off, and their title as it appears on the certificates."""

    numbers: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=32, pattern=NOT_BLANK)]],
        Meta(min_length=1, max_length=200),
    ]
    title: Annotated[str, Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]


class SignOffOut(Struct):
    """How many erasures were signed off."""

    signed_off: int


class AwaitingSignOffOut(Struct):
    """A passed erasure that waits to be signed off."""

    certificate_number: str
    asset_tag: str
    finished_at: dt.datetime | None
    tool: str
    warning: str
    warning_accepted: bool


class WarningAcceptanceIn(Struct, forbid_unknown_fields=True):
    """A coordinator's written reason for accepting an erasure's warning."""

    reason: Annotated[str, Meta(min_length=1, max_length=2000)]
