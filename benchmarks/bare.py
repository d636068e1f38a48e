"""The baseline for benchmarks/scan.py: a bare Litestar app answering a scan-shaped JSON object, no database."""

from __future__ import annotations

from litestar import Litestar, get
from msgspec import Struct


class Device(Struct):
    """The same fields the real scan answers with."""

    id: int
    asset_tag: str
    site_code: str
    kind: str
    make: str
    model: str
    serial: str | None
    state: str
    condition_grade: str | None
    donation_id: int | None
    state_changed_at: str


class Scan(Struct):
    """The scan answer."""

    matched_by: str
    device: Device


@get("/api/v1/scan/{code:str}")
async def scan(code: str) -> Scan:
    """A constant answer shaped like the real one."""
    return Scan(
        "asset_tag",
        Device(
            1,
            code.upper(),
            "JNS",
            "laptop",
            "Lenovo",
            "ThinkPad T480",
            "PF0000001",
            "received",
            None,
            None,
            "2026-01-01T00:00:00+00:00",
        ),
    )


def create_app() -> Litestar:
    """The bare app."""
    return Litestar(route_handlers=[scan], logging_config=None)
