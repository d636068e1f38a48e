"""PDF answers: file names that say what they are, in the reader's language, never cached."""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar import Response

from inventory.i18n import current_language

# File names are identifiers more than text: kept ASCII (no ä, ö, å) so that every browser, mail
# client and file system keeps them as they are, and chosen here per language rather than by
# translators, who might add spaces or letters a file name cannot carry.
FILE_WORDS: dict[str, dict[str, str]] = {
    "labels": {"fi": "tarrat", "sv": "etiketter", "en": "labels"},
    "donation_labels": {"fi": "tarrat-lahjoitus", "sv": "etiketter-donation", "en": "labels-donation"},
    "erasure_certificate": {
        "fi": "tyhjennystodistus",
        "sv": "raderingsintyg",
        "en": "sanitisation-certificate",
    },
    "donation_receipt": {"fi": "lahjoituskuitti", "sv": "donationskvitto", "en": "donation-receipt"},
    "donation_report": {"fi": "lahjoitusraportti", "sv": "donationsrapport", "en": "donation-report"},
}
PDF_MEDIA_TYPE = "application/pdf"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_name(what: str, identifier: str, language: str | None = None) -> str:
    """E.g. `tarrat-JNS-000001-3.pdf` or `tyhjennystodistus-E-2026-000001.pdf` in the reader's language.

    A `*` check character, which file systems dislike, becomes `_` (never a check character itself).
    """
    words = FILE_WORDS[what]
    word = words.get(language or current_language.get(), words["en"])
    return f"{word}-{_UNSAFE.sub('_', identifier)}.pdf"


def pdf_response(data: bytes, name: str, inline: bool = False) -> Response[bytes]:
    """A PDF download that no cache keeps: the name in both the plain and the RFC 6266 form."""
    disposition = "inline" if inline else "attachment"
    return Response(
        content=data,
        media_type=PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
