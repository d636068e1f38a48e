"""The text every document shares: its mark captions (number, code, where to check), translated."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from labels.document_model import Block, Document
from labels.records import CertificateMark, Issuer
from labels.translation import translator


def make_document(
    *,
    title: str,
    subtitle: str,
    language: str,
    created: date | datetime,
    mark: CertificateMark,
    blocks: Iterable[Block],
    issuer: Issuer | None = None,
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
        page_caption=_("Page {page} / {pages}"),
        blocks=tuple(blocks),
        issuer_line=issuer_line(issuer, language),
    )


def issuer_line(issuer: Issuer | None, language: str) -> str:
    """The issuer on one line: name, address, business ID, phone and e-mail, as far as they are given."""
    if issuer is None:
        return ""
    _ = translator(language)
    business_id = _("Business ID {id}").format(id=issuer.business_id) if issuer.business_id.strip() else ""
    parts = (issuer.name, issuer.address, business_id, issuer.phone, issuer.email)
    return " · ".join(part.strip() for part in parts if part.strip())
