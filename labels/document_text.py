"""The text every document shares: its mark captions (number, code, where to check), translated."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from labels.document_model import Block, Document
from labels.records import CertificateMark
from labels.translation import translator


def make_document(
    *,
    title: str,
    subtitle: str,
    language: str,
    created: date | datetime,
    mark: CertificateMark,
    blocks: Iterable[Block],
) -> Document:
    """Assemble a document with the shared captions in ``language``; title and blocks come translated."""
    _ = translator(language)
    return Document(
        title=title,
        subtitle=subtitle,
        language=language,
        created=created,
        mark=mark,
        mark_line=_("Document number {number} · Verification code {code}").format(
            number=mark.number, code=mark.verification_code
        ),
        verify_line=_("Check that this document is genuine: {url}").format(url=mark.verification_url),
        qr_caption=_("Scan to check"),
        page_caption=_("Page {page}"),
        blocks=tuple(blocks),
    )
