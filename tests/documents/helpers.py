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
from inventory.devices.erasure_signoff import accept_warning, sign_off
from inventory.devices.tables import Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.lifecycle import Action
from inventory.permissions import Role
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


async def wipe(engine: Any, tag: str, actor: Actor, signed_off: bool = True) -> str:
    """Wipe every disk of a received device as `actor`, a coordinator signing it off (and accepting the
    flash warning of the laptops' NVMe disks) unless told not to; return the certificate number."""
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
    if signed_off:
        await sign_off_as_coordinator(engine, result.certificate_number)
    return result.certificate_number


async def sign_off_as_coordinator(engine: Any, number: str) -> Actor:
    """A coordinator accepts the erasure's warning, if it has one, and signs it off; returns the coordinator."""
    coordinator = await factories.user(Role.COORDINATOR, username=f"esihenkilo-{number.lower()}")
    erasure = await Erasure.select(Erasure.warning).where(Erasure.certificate_number == number).first()
    assert erasure is not None
    if erasure["warning"]:
        await accept_warning(
            engine, number, "Levy menee oman verkoston asiakkaalle; Purge ei ole tuettu.", coordinator
        )
    await sign_off(engine, [number], "Työvalmentaja", coordinator)
    return coordinator


def pdf_text(pdf: bytes) -> str:
    """The whole text of a PDF, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def decoded_symbols(pdf: bytes, dpi: int = 300) -> list[dict[str, str]]:
    """Every barcode and QR code on each page, decoded from the rendered page."""
    return [
        {str(result.format): result.text for result in zxingcpp.read_barcodes(page)}
        for page in render_pages(pdf, dpi)
    ]
