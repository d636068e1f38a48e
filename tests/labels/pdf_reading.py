"""Reading PDFs back in tests: text with pypdf, fonts and images from resources, pixels with pypdfium2."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def page_texts(pdf: bytes) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    """The text of the whole document, whitespace collapsed to single spaces."""
    return " ".join(" ".join(page_texts(pdf)).split())


def _resources(pdf: bytes) -> Iterator[DictionaryObject]:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources")
        if resources is not None:
            yield resources.get_object()


def fonts(pdf: bytes) -> dict[str, bool]:
    """Each font's base name, and whether its program is embedded in the file."""
    found: dict[str, bool] = {}
    for resources in _resources(pdf):
        for font_ref in resources.get("/Font", {}).values():
            font = font_ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def image_count(pdf: bytes) -> int:
    """How many image XObjects the pages use."""
    count = 0
    for resources in _resources(pdf):
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def render_pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page as a greyscale image at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / 72).to_pil().convert("L") for index in range(len(document))
        ]
    finally:
        document.close()


def mm_to_px(value_mm: float, dpi: int) -> int:
    """A length in mm as whole pixels at ``dpi`` (rounded)."""
    return round(value_mm / 25.4 * dpi)
