"""The AccessibilityFeedback table."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.accounts.tables import User


class AccessibilityFeedback(Table):
    """Feedback on the service's accessibility, sent from the public statement page; admins answer it.

    `sender_key` is a keyed hash of the sender's address, kept only to slow down repeated sending.
    """

    id: Serial

    message = Text()
    page = Varchar(length=200, default="", help_text="Where the problem was met, in the sender's words.")
    contact = Varchar(length=254, default="", help_text="How to answer, if the sender wants an answer.")
    language = Varchar(length=2, default="fi")
    sender_key = Varchar(length=64, index=True)
    received_at = Timestamptz(index=True)
    handled_at = Timestamptz(null=True, default=None)
    handled_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
