"""What the public verification page may show of a document: a fixed vocabulary of summary fields.

Every issued document keeps `facts["summary"]`, a dict whose keys come from `SUMMARY_FIELDS` only;
the page shows those fields in this order, in the reader's language, and ignores anything else, so a
stray key can never put personal data on a public page. Never put a client's or a person donor's
name or contact details in a summary (the issuing code of each kind is responsible for that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel.dates import format_date

from inventory.i18n import N_, gettext
from labels.sanitisation_terms import (
    CATEGORY_CAPTIONS,
    TECHNIQUE_CAPTIONS,
    VERIFICATION_CAPTIONS,
    ErasureCategory,
    SanitisationTechnique,
    VerificationMethod,
)
from labels.translation import translator


class ValueKind(StrEnum):
    """How a summary value is shown."""

    TEXT = "text"  # shown as it is
    DATE = "date"  # an ISO date, shown in the reader's locale
    OUTCOME = "outcome"  # "passed" or "failed"
    COUNT = "count"  # a whole number
    LIST = "list"  # a list of texts, one per line
    CATEGORY = "category"  # a NIST SP 800-88 category code
    TECHNIQUE = "technique"  # a NIST SP 800-88 technique code
    VERIFICATION = "verification"  # a verification method code
    AGREEMENT = "agreement"  # "gift" or "loan"
    MINUTES = "minutes"  # a duration in minutes


@dataclass(frozen=True)
class SummaryField:
    """One field the verification page may show: its caption and how its value reads."""

    caption: str
    kind: ValueKind = ValueKind.TEXT


SUMMARY_FIELDS: dict[str, SummaryField] = {
    "asset_tag": SummaryField(N_("Asset tag")),
    "device": SummaryField(N_("Device")),
    "serial": SummaryField(N_("Serial number")),
    "date": SummaryField(N_("Date"), ValueKind.DATE),
    "category": SummaryField(N_("Sanitisation category"), ValueKind.CATEGORY),
    "technique": SummaryField(N_("Technique"), ValueKind.TECHNIQUE),
    "tool": SummaryField(N_("Tool and version")),
    "verification": SummaryField(N_("Verification method"), ValueKind.VERIFICATION),
    "result": SummaryField(N_("Result"), ValueKind.OUTCOME),
    "reverification": SummaryField(N_("Independent re-verification"), ValueKind.OUTCOME),
    "disks": SummaryField(N_("Storage media"), ValueKind.LIST),
    "destroyed_disks": SummaryField(N_("Physically destroyed storage media"), ValueKind.LIST),
    "agreement": SummaryField(N_("Agreement"), ValueKind.AGREEMENT),
    "due_on": SummaryField(N_("Due date"), ValueKind.DATE),
    "sessions": SummaryField(N_("Orientation sessions"), ValueKind.COUNT),
    "minutes": SummaryField(N_("Time spent"), ValueKind.MINUTES),
    "topics": SummaryField(N_("Topics covered"), ValueKind.LIST),
    "device_count": SummaryField(N_("Number of devices"), ValueKind.COUNT),
    "asset_tags": SummaryField(N_("Devices"), ValueKind.LIST),
    "certified_count": SummaryField(N_("Devices with a certificate of sanitisation"), ValueKind.COUNT),
    "site": SummaryField(N_("Site")),
    "organisation": SummaryField(N_("Issued by")),
}

KIND_LABELS: dict[str, str] = {
    "erasure_certificate": N_("Certificate of sanitisation"),
    "donation_receipt": N_("Donation receipt"),
    "donation_report": N_("Donation report"),
    "handover_certificate": N_("Handover certificate"),
    "loan_agreement": N_("Loan agreement"),
    "orientation_certificate": N_("Orientation certificate"),
}
OTHER_KIND = N_("Document")

OUTCOMES = {"passed": N_("Passed"), "failed": N_("Failed")}
AGREEMENTS = {"gift": N_("Gift: ownership passes to the recipient"), "loan": N_("Loan")}


def build_summary(**fields: Any) -> dict[str, Any]:
    """A summary from known fields only; None values are left out, unknown names are a programming error."""
    unknown = set(fields) - set(SUMMARY_FIELDS)
    if unknown:
        raise ValueError(f"Not summary fields: {', '.join(sorted(unknown))}.")
    return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class ShownField:
    """A summary field as the page shows it: caption and text lines, in the reader's language."""

    name: str
    caption: str
    lines: tuple[str, ...]


def _day(value: Any, language: str) -> str:
    locale = {"fi": "fi_FI", "sv": "sv_FI"}.get(language, "en_GB")
    return format_date(dt.date.fromisoformat(str(value)), format="long", locale=locale)


def _nist(captions: Mapping[Any, str], enum: Callable[[str], Any], value: Any, language: str) -> str:
    try:
        return translator(language)(captions[enum(str(value))])
    except (KeyError, ValueError):
        return str(value)


def _minutes(value: Any, language: str) -> str:
    hours, minutes = divmod(int(value), 60)
    if not hours:
        return gettext(N_("{minutes} min"), language).format(minutes=minutes)
    return gettext(N_("{hours} h {minutes} min"), language).format(hours=hours, minutes=minutes)


def _list(value: Any, _: str) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else (str(value),)


_FORMATS: dict[ValueKind, Callable[[Any, str], str | tuple[str, ...]]] = {
    ValueKind.TEXT: lambda value, _: str(value),
    ValueKind.DATE: _day,
    ValueKind.OUTCOME: lambda value, language: gettext(OUTCOMES.get(str(value), str(value)), language),
    ValueKind.AGREEMENT: lambda value, language: gettext(AGREEMENTS.get(str(value), str(value)), language),
    ValueKind.COUNT: lambda value, _: str(int(value)),
    ValueKind.MINUTES: _minutes,
    ValueKind.LIST: _list,
    ValueKind.CATEGORY: lambda value, language: _nist(CATEGORY_CAPTIONS, ErasureCategory, value, language),
    ValueKind.TECHNIQUE: lambda value, language: _nist(
        TECHNIQUE_CAPTIONS, SanitisationTechnique, value, language
    ),
    ValueKind.VERIFICATION: lambda value, language: _nist(
        VERIFICATION_CAPTIONS, VerificationMethod, value, language
    ),
}


def _lines(kind: ValueKind, value: Any, language: str) -> tuple[str, ...]:
    shown = _FORMATS[kind](value, language)
    return shown if isinstance(shown, tuple) else (shown,)


def shown_summary(facts: Mapping[str, Any], language: str) -> list[ShownField]:
    """The fields of a document's summary that the public page shows, in the vocabulary's order."""
    summary = facts.get("summary")
    if not isinstance(summary, Mapping):
        return []
    shown = []
    for name, field in SUMMARY_FIELDS.items():
        value = summary.get(name)
        if value is None or value in ("", []):
            continue
        try:
            lines = _lines(field.kind, value, language)
        except (TypeError, ValueError):
            continue
        shown.append(ShownField(name, gettext(field.caption, language), lines))
    return shown


def kind_label(kind: str, language: str) -> str:
    """The name of a kind of document in the reader's language."""
    return gettext(KIND_LABELS.get(kind, OTHER_KIND), language)
