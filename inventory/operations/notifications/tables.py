"""The Notification table: one message to one user, with its e-mail delivery state."""

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User


class EmailStatus(StrEnum):
    """Where the e-mail copy of a notification is."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    NOT_SENT = "not_sent"  # no SMTP server configured, or the user has no address


class Notification(Table):
    """A message to one user; its text is rendered from `kind` and `params` in the reader's language."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=32)
    params = JSON(default={}, help_text="Values for the message; never a client's name or contact details.")
    link = Varchar(length=200, default="", help_text="A path in Kierto, e.g. /devices/JNS-000042-7.")
    dedup_key = Varchar(
        length=200, null=True, default=None, unique=True, help_text="Makes a job's notice idempotent."
    )
    created_at = Timestamptz(index=True)
    read_at = Timestamptz(null=True, default=None)
    email_status = Varchar(length=16, choices=EmailStatus, default=EmailStatus.NOT_SENT, index=True)
    email_attempts = Integer(default=0)
    email_next_attempt_at = Timestamptz(null=True, default=None)
    email_sent_at = Timestamptz(null=True, default=None)
    email_error = Text(default="")
