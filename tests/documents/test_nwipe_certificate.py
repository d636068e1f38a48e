"""The certificate of an nwipe erasure states every field an auditor looks for (issue 13, point 3),
read back from the PDF with pypdf; dropping any one of them is caught.

The log is the current ShredOS one (nwipe 0.42 cannot run here; it was written after nwipe's source),
imported through the API like any other; Debian's nwipe runs for real in tests/runs/test_nwipe_logs.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from inventory.actors import Actor
from inventory.app import create_app
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device
from inventory.documents.certificate_model import certificate_model
from inventory.documents.erasure_certificates import issue_erasure_certificate
from inventory.donations.services import NewDonation, NewDonor, create_donation, create_donor
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.settings import Settings
from labels import render_sanitisation_certificate
from labels.sanitisation_certificate import SanitisationCertificate
from labels.sanitisation_terms import DiskKind, VerificationMethod
from tests import factories
from tests.documents.helpers import pdf_text, sign_off_as_coordinator

LOG = (Path(__file__).parent.parent / "provisioning" / "data" / "shredos-0.42-zero-fill.log").read_text()
SETTINGS = {
    "organisation_name": "Kierto ry",
    "organisation_address": "Rantakatu 20, 80100 Joensuu",
    "organisation_business_id": "1234567-8",
    "organisation_phone": "013 123 4567",
    "organisation_email": "kierto@example.fi",
}

# Every field of point 3 (with the issuer of point 8), as the English certificate words it.
FIELDS: dict[str, str] = {
    "verification": "Read-back of every sector after the last pass",
    "pattern": "pattern 0x00",
    "rounds": "0x00, 1 round(s)",
    "final pass": "round(s), final pass of zeros",
    "start": "3 Aug 2026 12:14",  # 09:14 UTC, written in Finnish time
    "end": "3 Aug 2026 13:08",
    "duration": "54 mins 16 secs",
    "bytes erased of total": "250,059,350,016 of 250,059,350,016 bytes",
    "errors": "0 write, 0 verification, 0 sync",
    "hidden areas": "Hidden areas (HPA/DCO) None found",
    "tool and version": "nwipe 0.42 (ShredOS v2025.11_31_x86-64_0.42)",
    "validator": "Validated by Esihenkilo-E-2026-000001",
    "validator's title": "Title Työvalmentaja",
    "confidentiality before": "Confidentiality category before sanitisation Moderate",
    "confidentiality after": "Confidentiality category after sanitisation Low",
    "media type": "SATA solid-state drive",
    "interface": "drive, SATA",
    "make and model": "Samsung SSD 860 EVO 250GB",
    "serial": "S3Z9NX0K123456A",
    "size": "250 GB",
    "operator": "Matti.M",
    "address": "Rantakatu 20, 80100 Joensuu",
    "business ID": "1234567-8",
    "contact": "013 123 4567 · kierto@example.fi",
}


def missing_fields(text: str) -> list[str]:
    """The fields of point 3 a certificate's text does not state (words hyphenated at a line end joined)."""
    joined = re.sub(r"(\w)- (\w)", r"\1\2", text)
    return [name for name, words in FIELDS.items() if words not in joined]


@pytest.fixture
def app() -> Litestar:
    """The application with the issuer's details set, as an organisation configures them."""
    return create_app(Settings(**SETTINGS))  # type: ignore[arg-type]


@pytest.fixture
async def client(db: Any, app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client of that application."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as http:
        yield http


async def _imported(db: Any, client: httpx.AsyncClient) -> str:
    site_id = await factories.site("JNS")
    donor_id = await create_donor(NewDonor(name="Lahjoittaja Oy"))
    ssd = NewDisk(
        model="Samsung SSD 860 EVO 250GB",
        serial="S3Z9NX0K123456A",
        size_bytes=250059350016,
        kind=DiskKind.SSD,
    )
    created = await create_donation(
        db,
        NewDonation(
            donor_id=donor_id,
            site_id=site_id,
            devices=(NewDevice(make="Lenovo", model="T480", disks=(ssd,)),),
        ),
        Actor.system("tests"),
    )
    tag = created.asset_tags[0]
    await Device.update({Device.created_at: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)}).where(
        Device.asset_tag == tag
    )
    operator = await factories.user(Role.TRAINEE, username="matti.m")
    headers = {"Authorization": f"Bearer {await factories.token(operator)}"}
    imported = await client.post(f"/api/v1/devices/{tag}/erasures/nwipe", json={"log": LOG}, headers=headers)
    assert imported.status_code == 201, imported.text
    number = str(imported.json()["certificate_number"])
    await sign_off_as_coordinator(db, number)
    return number


async def test_the_certificate_of_an_nwipe_erasure_states_every_field(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    number = await _imported(db, client)
    headers = await headers_for(Role.TRAINEE, language=Language.EN)
    response = await client.get(f"/api/v1/erasures/{number}/certificate", headers=headers)
    assert response.status_code == 200, response.text
    assert missing_fields(pdf_text(response.content)) == []


def _replace_detail(model: SanitisationCertificate, **changes: Any) -> SanitisationCertificate:
    entry = model.disks[0]
    assert entry.detail is not None
    detail = dataclasses.replace(entry.detail, **changes)
    return dataclasses.replace(model, disks=(dataclasses.replace(entry, detail=detail),))


def _replace_disk(certificate: SanitisationCertificate, **changes: Any) -> SanitisationCertificate:
    entry = certificate.disks[0]
    disk = dataclasses.replace(entry.disk, **changes)
    return dataclasses.replace(certificate, disks=(dataclasses.replace(entry, disk=disk),))


DROPS: dict[str, Callable[[SanitisationCertificate], SanitisationCertificate]] = {
    "verification": lambda m: _replace_detail(
        dataclasses.replace(
            m, verification=dataclasses.replace(m.verification, method=VerificationMethod.VISUAL)
        ),
        verification=VerificationMethod.VISUAL,
    ),
    "pattern": lambda m: _replace_detail(m, pattern=""),
    "rounds": lambda m: _replace_detail(m, rounds=None),
    "final pass": lambda m: _replace_detail(m, final_blank=False),
    "start": lambda m: _replace_detail(m, started_at=None),
    "end": lambda m: _replace_detail(m, finished_at=None),
    "duration": lambda m: _replace_detail(m, duration_seconds=None, started_at=None),
    "bytes erased of total": lambda m: _replace_detail(m, bytes_erased=None),
    "errors": lambda m: _replace_detail(m, errors=None),
    "hidden areas": lambda m: _replace_detail(m, hidden_areas=None),
    "tool and version": lambda m: dataclasses.replace(m, tool_version=""),
    "validator": lambda m: dataclasses.replace(m, validation=None),
    "validator's title": lambda m: dataclasses.replace(m, validation=None),
    "confidentiality before": lambda m: dataclasses.replace(m, confidentiality_before=None),
    "confidentiality after": lambda m: dataclasses.replace(m, confidentiality_after=None),
    "media type": lambda m: _replace_disk(m, media_type=DiskKind.OTHER),
    "interface": lambda m: _replace_disk(m, interface=""),
    "make and model": lambda m: _replace_disk(m, model=""),
    "serial": lambda m: _replace_disk(m, serial="unknown"),
    "size": lambda m: _replace_disk(m, size_bytes=None),
    "operator": lambda m: dataclasses.replace(m, performed_by="Someone Else"),
    "address": lambda m: dataclasses.replace(m, issuer=dataclasses.replace(m.issuer, address="")),  # type: ignore[arg-type]
    "business ID": lambda m: dataclasses.replace(m, issuer=dataclasses.replace(m.issuer, business_id="")),  # type: ignore[arg-type]
    "contact": lambda m: dataclasses.replace(m, issuer=dataclasses.replace(m.issuer, phone="", email="")),  # type: ignore[arg-type]
}


async def test_dropping_any_field_from_the_certificate_is_caught(db: Any, client: httpx.AsyncClient) -> None:
    assert set(DROPS) == set(FIELDS)
    number = await _imported(db, client)
    settings = Settings(**SETTINGS)  # type: ignore[arg-type]
    issued = await issue_erasure_certificate(db, number, Actor.system("tests"), settings)
    model = certificate_model(issued, "en", settings.base_url)
    assert missing_fields(pdf_text(render_sanitisation_certificate(model, "en"))) == []
    for name, drop in DROPS.items():
        text = pdf_text(render_sanitisation_certificate(drop(model), "en"))
        assert name in missing_fields(text), f"dropping {name} went unnoticed"
