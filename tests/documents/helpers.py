"""Helpers for the documents tests: wiped devices by a named person, star-check sites, PDF reading."""

from __future__ import annotations

import io
import itertools
import string
from typing import Any

import zxingcpp
from pypdf import PdfReader

from inventory.actors import Actor
from inventory.devices.asset_tags import check_character
from inventory.devices.transitions import TransitionRequest, transition
from inventory.lifecycle import Action
from inventory.settings import get_settings
from tests import factories
from tests.labels.pdf_reading import render_pages


def star_site_code() -> str:
    """A site code whose first asset tag ends in the check character `*`."""
    for letters in itertools.product(string.ascii_uppercase, repeat=3):
        code = "".join(letters)
        if check_character(code, 1) == "*":
            return code
    raise AssertionError("no three-letter site code gives a star check character for number 1")


async def wipe(engine: Any, tag: str, actor: Actor) -> str:
    """Wipe every disk of a received device as `actor`; return the erasure's certificate number."""
    settings = get_settings()
    await transition(engine, tag, Action.START_WIPE, actor, settings)
    result = await transition(
        engine,
        tag,
        Action.WIPE_PASSED,
        actor,
        settings,
        TransitionRequest(erasure=await factories.erasure_of_all_disks(tag)),
    )
    assert result.certificate_number is not None
    return result.certificate_number


def pdf_text(pdf: bytes) -> str:
    """The whole text of a PDF, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def decoded_symbols(pdf: bytes, dpi: int = 300) -> list[dict[str, str]]:
    """Every barcode and QR code on each page, decoded from the rendered page."""
    return [
        {str(result.format): result.text for result in zxingcpp.read_barcodes(page)}
        for page in render_pages(pdf, dpi)
    ]
