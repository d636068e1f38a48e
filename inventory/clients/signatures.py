"""Signatures drawn on screen: checked to be a real, non-empty PNG of sensible size, then re-encoded.

Re-encoding flattens the drawing onto white in greyscale and drops everything else the upload carried
(metadata, extra chunks), so only the strokes reach the database and the PDF.
"""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from inventory.errors import InvalidInput
from inventory.i18n import N_

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 512 * 1024
MIN_SIDE, MAX_SIDE = 40, 2400
DATA_URL_PREFIX = "data:image/png;base64,"
INK_THRESHOLD = 160  # a pixel darker than this counts as ink


def png_from_data_url(text: str, field: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,…` value as the signing page posts it."""
    if not text.startswith(DATA_URL_PREFIX):
        raise InvalidInput(field, N_("Sign in the box first."))
    payload = text[len(DATA_URL_PREFIX) :]
    if len(payload) > MAX_BYTES * 4 // 3 + 4:
        raise InvalidInput(field, N_("The signature image is too large."))
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput(
            field, N_("The signature could not be read. Clear the box and sign again.")
        ) from error


def clean_signature(data: bytes, field: str) -> bytes:
    """A checked signature as a small greyscale PNG on white; refuses non-PNGs, huge or empty drawings."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(field, N_("The signature image is too large."))
    if not data.startswith(PNG_MAGIC):
        raise InvalidInput(field, N_("A signature must be a PNG image."))
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise InvalidInput(
                    field,
                    N_("A signature image is {low} to {high} pixels wide and high."),
                    {"low": MIN_SIDE, "high": MAX_SIDE},
                )
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidInput(field, N_("A signature must be a PNG image.")) from error
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    grey = flat.convert("L")
    darkest, _ = grey.getextrema()
    if not isinstance(darkest, int) or darkest > INK_THRESHOLD:
        raise InvalidInput(field, N_("The signature is empty. Sign in the box."))
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue()
