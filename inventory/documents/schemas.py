"""API schemas for labels, documents, verification and finalisation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from inventory.documents.verification import Verdict
from inventory.schema_types import Id
from labels import STOCKS

# An asset tag as typed or scanned (the device's own column is 20 characters).
TypedTag = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[^\x00]*$")]
StockId = Annotated[
    str,
    Meta(
        max_length=20,
        pattern=r"^[a-z0-9-]+$",
        description="e.g. brother-62x29",
        extra_json_schema={"enum": sorted(STOCKS)},
    ),
]
Position = Annotated[int, Meta(ge=0, le=99, description="First free label on a sheet, 0 = top left.")]
LanguageCode = Literal["fi", "sv", "en"]


class LabelsIn(Struct, forbid_unknown_fields=True):
    """Which labels to make: tags and/or a whole donation, on which stock, from which position."""

    tags: Annotated[list[TypedTag], Meta(max_length=500)] = []
    donation_id: Id | None = None
    stock: StockId | None = None
    start_position: Position = 0


class PrintJobOut(Struct):
    """Labels sent to a site's CUPS queue."""

    queue: str
    job_id: str
    stock: str
    asset_tags: list[str]
    job_state: Literal["completed", "queued"] = "completed"  # a failed job answers 409 with CUPS's reason
    printer_state: str = ""  # for a queued job: the printer's state, in the reader's language
    printer_message: str = ""  # and what CUPS says about the printer


class CertificateOut(Struct):
    """A certificate of sanitisation a device has, or can have printed."""

    number: str | None
    kind: Literal["erasure", "destruction"]
    date: dt.date | None
    passed: bool
    pdf_url: str
    waiting_for: Literal["", "sign_off", "warning"] = ""  # sign_off: a coordinator must sign it off first


class FinalisedOut(Struct):
    """A finalised donation and its final report."""

    donation_id: int
    report_number: str
    verification_code: str
    pdf_url: str


class SummaryFieldOut(Struct):
    """One public fact of a verified document, as the page shows it."""

    name: str
    caption: str
    lines: list[str]


class VerificationOut(Struct):
    """Whether a code belongs to a genuine document, and what a genuine one certifies."""

    verdict: Verdict
    message: str
    kind: str | None = None
    kind_label: str | None = None
    number: str | None = None
    issued_on: dt.date | None = None
    summary: list[SummaryFieldOut] = []
