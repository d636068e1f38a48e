"""Tables for job runs and the scheduler's heartbeat."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.operations.scheduling.choices import Outcome, RunTrigger


class JobRun(Table):
    """One run of a scheduled job: when, how it ended, what it did, and the error if it failed."""

    id: Serial

    job = Varchar(length=64, index=True)
    trigger = Varchar(length=16, choices=RunTrigger, default=RunTrigger.SCHEDULE)
    attempt = Integer(default=1, help_text="1 for the scheduled run, 2 and up for retries.")
    scheduled_for = Timestamptz(null=True, default=None, help_text="The fire time the run belongs to.")
    requested_by = Varchar(length=100, default="", help_text="user:<username> for a run asked for by hand.")
    started_at = Timestamptz(null=True, default=None, index=True)
    finished_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=16, choices=Outcome, default=Outcome.RUNNING, index=True)
    summary = Text(default="")
    error = Text(default="")
    runner = Varchar(length=100, default="", help_text="host:pid of the scheduler that ran it.")
    created_at = Timestamptz()


class SchedulerHeartbeat(Table):
    """The active scheduler's sign of life, written every few seconds; /ready reads it."""

    id: Serial

    name = Varchar(length=32, unique=True)
    holder = Varchar(length=100, help_text="host:pid of the active scheduler.")
    started_at = Timestamptz()
    beat_at = Timestamptz()
