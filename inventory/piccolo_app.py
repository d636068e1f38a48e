"""The Piccolo app that owns every Kierto table and its migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from inventory.accessibility.tables import AccessibilityFeedback
from inventory.accounts.tables import ApiToken, LoginAttempt, User, UserSession
from inventory.clients.tables import (
    Assessment,
    AssessmentItem,
    Client,
    Handover,
    OrientationSession,
    Reservation,
)
from inventory.devices.tables import Device, DeviceEvent, Disk, Erasure, ErasureDisk
from inventory.documents.tables import IssuedDocument
from inventory.donations.tables import Donation, Donor
from inventory.numbering.tables import DocumentSequence
from inventory.operations.notifications.tables import Notification
from inventory.operations.reminders.tables import StuckNotice
from inventory.operations.scheduling.tables import JobRun, SchedulerHeartbeat
from inventory.operations.statistics.tables import DailyDeviceCount
from inventory.privacy.tables import AccessLogEntry, AccessLogHead
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
from inventory.stocktake.tables import StockTake, StockTakeScan
from inventory.worklog.tables import WorkLog

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
    JobRun,
    SchedulerHeartbeat,
    Notification,
    StuckNotice,
    DailyDeviceCount,
    WorkLog,
    StockTake,
    StockTakeScan,
    AccessibilityFeedback,
    Assessment,
    AssessmentItem,
    Reservation,
    Handover,
    AccessLogEntry,
    AccessLogHead,
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
