"""Many people printing the same certificate at once, on the served application: one document, one number."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from inventory.documents.tables import IssuedDocument
from inventory.permissions import Role
from tests import factories
from tests.documents.helpers import wipe

RACERS = 8


async def test_concurrent_first_prints_issue_one_document_and_the_same_bytes(
    db: Any, live_server: str
) -> None:
    created = await factories.donation(db, devices=1)
    trainee = await factories.user(Role.TRAINEE)
    number = await wipe(db, created.asset_tags[0], trainee)
    headers = {"Authorization": f"Bearer {await factories.token(trainee)}"}
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        responses = await asyncio.gather(
            *(http.get(f"/api/v1/erasures/{number}/certificate", headers=headers) for _ in range(RACERS)),
            *(http.get(f"/api/v1/donations/{created.id}/receipt", headers=headers) for _ in range(RACERS)),
        )
    assert [r.status_code for r in responses] == [200] * (2 * RACERS), [r.text for r in responses]
    assert len({r.content for r in responses[:RACERS]}) == 1
    assert len({r.content for r in responses[RACERS:]}) == 1
    assert await IssuedDocument.count() == 2
