"""Client records through the API: registration, lists, corrections, reach by site, and refusals."""

from __future__ import annotations

import re
from typing import Any

import httpx

from inventory.clients.codes import ALPHABET
from inventory.clients.tables import Client
from inventory.clock import today
from inventory.permissions import Role
from inventory.privacy.access_log import verify_chain
from tests.clients.helpers import EMAIL, NAME, PHONE, bearer, browser_session, log_rows, new_client, person

CODE = re.compile(rf"^K-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def _body(**changes: Any) -> dict[str, Any]:
    return {
        "full_name": NAME,
        "consent_recorded_on": today().isoformat(),
        "language": "sv",
        "phone": PHONE,
        "email": EMAIL,
        "accommodations": ["large_text", "screen_reader"],
        **changes,
    }


async def test_a_counsellor_registers_a_client_with_a_generated_pseudonymous_code(
    db: Any, api: httpx.AsyncClient
) -> None:
    counsellor = await person()
    response = await api.post("/api/v1/clients", json=_body(), headers=await bearer(counsellor))
    assert response.status_code == 201, response.text
    client = response.json()
    assert CODE.match(client["code"]), client["code"]
    assert NAME.split()[0] not in client["code"]
    assert client["counsellor_id"] == counsellor.user_id
    assert client["site_code"] == "JNS"
    assert client["accommodations"] == ["large_text", "screen_reader"]
    assert client["orientation"]["complete"] is False
    assert client["orientation"]["missing_sessions"] == 2
    other = await api.post("/api/v1/clients", json=_body(), headers=await bearer(counsellor))
    assert other.json()["code"] != client["code"]
    actions = [(row["action"], row["purpose"]) for row in await log_rows(client["id"])]
    assert actions == [("create", "client_register"), ("read", "client_register")]


async def test_the_consent_date_is_required_and_not_in_the_future(db: Any, api: httpx.AsyncClient) -> None:
    headers = await bearer(await person())
    body = _body()
    del body["consent_recorded_on"]
    missing = await api.post("/api/v1/clients", json=body, headers=headers)
    assert missing.status_code == 422
    assert "consent_recorded_on" in missing.json()["detail"]
    future = await api.post("/api/v1/clients", json=_body(consent_recorded_on="2999-01-01"), headers=headers)
    assert future.status_code == 422
    assert future.json()["field"] == "consent_recorded_on"
    assert await Client.count() == 0


async def test_accommodations_come_from_the_list_only(db: Any, api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/clients", json=_body(accommodations=["diabetes"]), headers=await bearer(await person())
    )
    assert response.status_code == 422
    assert "accommodations" in response.json()["detail"]


async def test_a_malformed_email_or_phone_is_refused_in_a_sentence_naming_the_field(
    db: Any, api: httpx.AsyncClient
) -> None:
    headers = await bearer(await person())
    for field, value, sentence in (
        ("email", "maija at example.org", "Kirjoita sähköpostiosoite, esimerkiksi nimi@example.org."),
        ("phone", "040 123 4567 (ilta)", "Kirjoita puhelinnumeroon vain numeroita"),
    ):
        response = await api.post("/api/v1/clients", json=_body(**{field: value}), headers=headers)
        assert response.status_code == 422, (field, response.text)
        refusal = response.json()
        assert refusal["field"] == field
        assert refusal["detail"].startswith(f"Kenttä {field} ei kelpaa: {sentence}"), refusal["detail"]
        assert "regex" not in response.text
    assert await Client.count() == 0


async def test_no_personal_identity_code_in_any_client_field(db: Any, api: httpx.AsyncClient) -> None:
    headers = await bearer(await person())
    for field, value in (
        ("full_name", "Maija 131052-308T"),
        ("phone", "131052-3081"),
        ("email", "131052-308T@x.fi"),
    ):
        response = await api.post("/api/v1/clients", json=_body(**{field: value}), headers=headers)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field
        assert "henkilötunnus" in response.json()["detail"]
    assert await Client.count() == 0
    created = (await api.post("/api/v1/clients", json=_body(), headers=headers)).json()
    changed = await api.patch(
        f"/api/v1/clients/{created['id']}", json={"full_name": "Maija 131052-308T"}, headers=headers
    )
    assert changed.status_code == 422
    assert (await Client.select(Client.full_name).where(Client.id == created["id"]).first()) == {
        "full_name": NAME
    }


async def test_my_clients_and_the_sites_clients(db: Any, api: httpx.AsyncClient) -> None:
    mine, colleague = await person(), await person()
    own = await new_client(db, mine, name="Aino Oma")
    theirs = await new_client(db, colleague, name="Bertta Toisen")
    elsewhere = await new_client(db, await person(site_code="TOH"), name="Cecilia Muualla")
    headers = await bearer(mine)
    my_list = (await api.get("/api/v1/clients", headers=headers)).json()
    assert [c["id"] for c in my_list["items"]] == [own]
    assert my_list["items"][0]["orientation_complete"] is True
    site_list = (await api.get("/api/v1/clients?mine=false", headers=headers)).json()
    assert [c["full_name"] for c in site_list["items"]] == ["Aino Oma", "Bertta Toisen"]
    assert site_list["total"] == 2
    found = (await api.get("/api/v1/clients?mine=false&q=bert", headers=headers)).json()
    assert [c["id"] for c in found["items"]] == [theirs]
    coordinator = await bearer(await person(Role.COORDINATOR))
    everyone = (await api.get("/api/v1/clients?mine=false", headers=coordinator)).json()
    assert {c["id"] for c in everyone["items"]} == {own, theirs, elsewhere}
    # Every client shown in a list is a read of that client's data.
    assert [r["purpose"] for r in await log_rows(theirs) if r["action"] == "read"] == ["client_list"] * 3


async def test_another_sites_client_is_not_found_and_the_attempt_is_logged(
    db: Any, api: httpx.AsyncClient
) -> None:
    outsider = await person(site_code="TOH")
    client_id = await new_client(db, await person())
    headers = await browser_session(api, outsider)  # a fresh password: export is refused for the site only
    for method, path in (
        ("GET", f"/api/v1/clients/{client_id}"),
        ("PATCH", f"/api/v1/clients/{client_id}"),
        ("GET", f"/api/v1/clients/{client_id}/export"),
        ("GET", f"/clients/{client_id}"),
    ):
        response = await api.request(method, path, headers=headers, json={"full_name": "X"})
        assert response.status_code == 404, (method, path, response.text)
        assert NAME not in response.text
    unknown = await api.get("/api/v1/clients/999999", headers=headers)
    assert unknown.status_code == 404
    assert (
        unknown.json()["detail"]
        == (await api.get(f"/api/v1/clients/{client_id}", headers=headers)).json()["detail"]
    )
    refusals = [r for r in await log_rows(client_id) if r["outcome"] == "refused"]
    assert len(refusals) == 5
    assert {r["user_id"] for r in refusals} == {outsider.user_id}
    assert {r["detail"] for r in refusals} == {"another site"}


async def test_a_counsellor_corrects_the_record(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await bearer(counsellor)
    response = await api.patch(
        f"/api/v1/clients/{client_id}",
        json={"full_name": "Zyxwvut Uusinimi", "phone": None, "accommodations": [], "language": "en"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["full_name"], body["phone"], body["email"], body["accommodations"], body["language"]) == (
        "Zyxwvut Uusinimi",
        None,
        EMAIL,
        [],
        "en",
    )
    moved = await api.patch(f"/api/v1/clients/{client_id}", json={"site_id": 999}, headers=headers)
    assert moved.status_code == 403
    assert (await verify_chain()).intact


async def test_trainees_are_refused_every_client_route_and_each_refusal_is_logged(
    db: Any, api: httpx.AsyncClient
) -> None:
    client_id = await new_client(db, await person())
    trainee = await person(Role.TRAINEE)
    headers = await bearer(trainee)
    for method, path in (
        ("GET", "/api/v1/clients"),
        ("GET", f"/api/v1/clients/{client_id}"),
        ("GET", f"/api/v1/clients/{client_id}/export.pdf"),
        ("POST", f"/api/v1/clients/{client_id}/anonymise"),
    ):
        response = await api.request(method, path, headers=headers, json={"reason": "x"})
        assert response.status_code == 403, (method, path)
        assert NAME not in response.text
    refused = [r for r in await log_rows() if r["outcome"] == "refused"]
    assert [(r["client_id"], r["role"], r["action"]) for r in refused] == [
        (None, "trainee", "read"),
        (client_id, "trainee", "read"),
        (client_id, "trainee", "read"),
        (client_id, "trainee", "update"),
    ]
    assert {r["purpose"] for r in refused} == {"client_list", "client_record", "data_export", "data_erasure"}


async def test_answers_with_personal_data_are_never_cached(db: Any, api: httpx.AsyncClient) -> None:
    counsellor = await person()
    client_id = await new_client(db, counsellor)
    headers = await bearer(counsellor)
    for path, accept in (
        (f"/api/v1/clients/{client_id}", "application/json"),
        ("/api/v1/clients", "application/json"),
        (f"/clients/{client_id}", "text/html"),
        (f"/api/v1/clients/{client_id}/export.pdf", "application/pdf"),
    ):
        if "export" in path:
            headers = await browser_session(api, counsellor)
        response = await api.get(path, headers={**headers, "accept": accept})
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
