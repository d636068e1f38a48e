"""The Piccolo app that owns every Kierto table and its migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from inventory.accounts.tables import ApiToken, LoginAttempt, User, UserSession
from inventory.clients.tables import Client, OrientationSession
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure, ErasureDisk
from inventory.documents.tables import DocumentSequence, IssuedDocument
from inventory.donations.tables import Donation, Donor
from inventory.runs.tables import (
    BenchMachine,
    BenchSite,
    BenchToken,
    BenchWorker,
    HardwareCheck,
    HardwareScan,
    InitialPassword,
    Profile,
    ReverificationSample,
    Run,
    RunEvent,
    RunStreamChunk,
    RunTarget,
)
from inventory.sites.tables import Site

TABLES = [
    Site,
    User,
    UserSession,
    ApiToken,
    LoginAttempt,
    Donor,
    Donation,
    Client,
    OrientationSession,
    Device,
    Disk,
    Erasure,
    ErasureDisk,
    DeviceEvent,
    DocumentSequence,
    IssuedDocument,
    Profile,
    BenchSite,
    BenchToken,
    BenchWorker,
    BenchMachine,
    Run,
    RunTarget,
    RunEvent,
    RunStreamChunk,
    HardwareScan,
    HardwareCheck,
    ReverificationSample,
    InitialPassword,
]

APP_CONFIG = AppConfig(
    app_name="inventory",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
