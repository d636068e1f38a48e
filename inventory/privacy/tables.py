"""Tables of the access log of client data: its rows, chained by hash, and the chain's head."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from inventory.privacy.choices import AccessAction, AccessOutcome, Purpose


class AccessLogEntry(Table):
    """One read or change of a client's data: append-only, each row hashed together with the previous one.

    Users and clients are kept as plain numbers, not foreign keys, so that nothing can ever cascade into
    the log; `hash` is the HMAC-SHA256 of this row's fields and `previous_hash` under a key outside the
    database (plain SHA-256 for rows from before the switch-over; see privacy/access_log.py).
    """

    id: Serial

    seq = Integer(unique=True, help_text="1, 2, 3 … without gaps, in the order rows were chained.")
    at = Timestamptz()
    actor = Varchar(length=100, help_text="user:<username> or system:<job>.")
    user_id = Integer(null=True, default=None)
    role = Varchar(length=16, default="")
    action = Varchar(length=16, choices=AccessAction)
    client_id = Integer(null=True, default=None, index=True)
    purpose = Varchar(length=32, choices=Purpose)
    outcome = Varchar(length=8, choices=AccessOutcome)
    detail = Varchar(length=200, default="")
    previous_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)


class AccessLogHead(Table):
    """The end of the access-log chain: its last sequence number and hash, updated with every append.

    Appending updates this one row first, which serialises writers on PostgreSQL (the row lock is held
    until commit) and lets the verification notice rows cut off the end. A second row, named
    `keyed_from`, records where keyed hashes start (its hash is the HMAC of that row number).
    """

    id: Serial

    name = Varchar(length=16, unique=True)
    last_seq = Integer(default=0)
    last_hash = Varchar(length=64, default="")
