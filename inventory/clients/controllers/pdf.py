"""PDF answers with personal data, shown inline."""

from __future__ import annotations

from litestar import Response

from inventory.clients.documents import RenderedDocument

PDF = "application/pdf"


def pdf_response(document: RenderedDocument) -> Response[bytes]:
    """A PDF with personal data, shown inline (the controllers add `Cache-Control: no-store`)."""
    return Response(
        content=document.content,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )
