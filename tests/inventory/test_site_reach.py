"""Reading another site's devices, donations, documents and runs (docs/sites.md): 404 and left out of lists."""

from __future__ import annotations

from typing import Any

import httpx

from inventory.devices.tables import Erasure
from inventory.lifecycle import State
from inventory.permissions import Role
from tests import factories

T, CS, CO, AD = Role.TRAINEE, Role.COUNSELLOR, Role.COORDINATOR, Role.ADMIN


async def _toh_stock(db: Any) -> tuple[str, int, str]:
    """A Tohmajärvi donation with one erased device: its tag, the donation and the certificate number."""
    created = await factories.donation(db, devices=1, site_code="TOH")
    tag = created.asset_tags[0]
    await factories.bring_to(db, tag, State.WIPED)
    erasure = await Erasure.select(Erasure.certificate_number).first()
    assert erasure is not None
    return tag, created.id, erasure["certificate_number"]


def _reads(tag: str, donation_id: int, number: str) -> list[str]:
    return [
        f"/api/v1/devices/{tag}",
        f"/api/v1/devices/{tag}/events",
        f"/api/v1/devices/{tag}/disks",
        f"/api/v1/devices/{tag}/certificates",
        f"/api/v1/scan/{tag}",
        f"/api/v1/erasures/{number}/certificate",
        f"/api/v1/donations/{donation_id}",
        f"/api/v1/donations/{donation_id}/receipt",
        f"/devices/{tag}",
        f"/donations/{donation_id}",
        f"/donations/{donation_id}/documents",
    ]


async def _header(role: Role, site_code: str) -> dict[str, str]:
    actor = await factories.user(role, site_code=site_code)
    return {"Authorization": f"Bearer {await factories.token(actor)}", "accept": "application/json"}


async def test_own_bench_only_for_trainees_and_counsellors_region_for_coordinators(
    db: Any, client: httpx.AsyncClient
) -> None:
    tag, donation_id, number = await _toh_stock(db)
    await factories.donation(db, devices=1, site_code="JNS")
    reads = _reads(tag, donation_id, number)
    failures = []
    for role, site_code, reaches in (
        (T, "JNS", False),
        (CS, "JNS", False),
        (T, "TOH", True),
        (CO, "JNS", True),
        (AD, "JNS", True),
    ):
        headers = await _header(role, site_code)
        for url in reads:
            answer = await client.get(url, headers=headers)
            if answer.status_code in (401, 403):  # the role's own limits (role matrix), not the site's
                continue
            if (answer.status_code == 404) == reaches:
                failures.append(f"{role} at {site_code}: GET {url} answered {answer.status_code}")
        devices = (await client.get("/api/v1/devices", headers=headers)).json()
        listed = {item["asset_tag"] for item in devices["items"]}
        donations = {item["id"] for item in (await client.get("/api/v1/donations", headers=headers)).json()}
        if (tag in listed) != reaches or (donation_id in donations) != reaches:
            failures.append(f"{role} at {site_code}: lists {'leave out' if reaches else 'show'} Tohmajärvi")
        if devices["total"] != (2 if (reaches and site_code == "JNS") or role in (CO, AD) else 1):
            failures.append(f"{role} at {site_code}: device total {devices['total']}")
    assert not failures, "\n".join(failures)


async def test_a_trainee_cannot_place_a_donation_at_another_site(db: Any, client: httpx.AsyncClient) -> None:
    toh = await factories.site("TOH", "Tohmäjärvi")
    donor = await client.post(
        "/api/v1/donors", json={"name": "Lahjoittaja Oy"}, headers=await _header(CO, "JNS")
    )
    headers = await _header(T, "JNS")
    answer = await client.post(
        "/api/v1/donations",
        json={"donor_id": donor.json()["id"], "site_id": toh, "devices": [{"kind": "laptop"}]},
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "site_id"
