"""Every state-changing route × role × site, from one table (docs/sites.md): another site's answer is a refusal
that changes nothing; one's own site and a coordinator's region are not refused as out of reach.

The table must name every POST/PUT/PATCH/DELETE route of the app, page forms included: a new route
fails `test_the_table_names_every_state_changing_route` until it is placed here.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from inventory.actors import Actor
from inventory.app import create_app
from inventory.clients.choices import HandoverKind
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import reserve_device
from inventory.clients.scope import NO_SUCH_CLIENT
from inventory.clients.tables import OrientationSession
from inventory.clock import now, today
from inventory.devices.reach import NO_SUCH_DEVICE, NO_SUCH_ERASURE
from inventory.devices.tables import Disk, Erasure
from inventory.donations.reach import NO_SUCH_DONATION
from inventory.i18n import gettext
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.piccolo_app import APP_CONFIG
from inventory.runs.reach import NO_SUCH_MACHINE, NO_SUCH_RUN
from inventory.runs.tables import BenchMachine, Run
from inventory.settings import get_settings
from inventory.sites.reach import NO_SUCH_SITE as SITE_REFUSAL
from inventory.stocktake.reach import NO_SUCH_STOCKTAKE
from inventory.stocktake.services import start_stocktake
from tests import factories
from tests.clients.helpers import new_client, person, ready_device, signature_png
from tests.inventory.test_role_matrix import MATRIX, _routes

T, CS, CO, AD = Role.TRAINEE, Role.COUNSELLOR, Role.COORDINATOR, Role.ADMIN
SITE_BOUND = (T, CS)  # act at their own site only
NOT_FOUND = frozenset({404})
NO_SUCH_SITE = frozenset({422})  # a site out of reach in a body reads like a site that does not exist


@dataclass
class World:
    """One site's things that the routes name: its devices, donation, documents, runs, clients."""

    site_id: int
    tag: str  # received, with a disk
    disk_id: int
    donation_id: int
    certificate: str  # an erased device's certificate number
    wiped_tag: str
    ready_tag: str
    client_id: int  # a client with a reservation
    session_id: int
    reservation_id: int
    handover_id: int  # a loan of another client
    run_id: int
    machine_id: int
    stocktake_id: int


Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """A route that reaches a site's thing: how to aim it at one site, and what another site's attempt answers."""

    body: Body | None = None
    form: bool = False
    files: dict[str, tuple[str, bytes, str]] | None = None
    refused: frozenset[int] = NOT_FOUND
    action: str | None = None  # the step in {action:str}, else the role's own (STEP_FOR)


@dataclass(frozen=True)
class NotSiteBound:
    """A route that reaches no site's thing, or that only region-wide roles may use; the reason says which."""

    reason: str
    region_only: bool = False  # then the role matrix must grant it to coordinators and admins only


OWN = "one's own account, session, tokens, notifications or work log"
PUBLIC = "public: no site's thing"
REGION = "coordinators and admins only, who act region-wide"
# A grave act wants the password given a moment ago: an API token is refused before anything else.
REAUTH = frozenset({403})
BATCH = frozenset({200, 409, 422})
SHEET = {"file": ("laitteet.csv", b"kind,make,model,serial\nlaptop,Lenovo,T480,PF999\n", "text/csv")}
SIGNATURES = {
    "client_signature": ("client.png", signature_png(1), "image/png"),
    "counsellor_signature": ("counsellor.png", signature_png(2), "image/png"),
}
BENCH_TOKEN = "bench token only: the token's own site is checked by runs/bench_api.py"


def _tags(world: World) -> dict[str, Any]:
    return {"tags": [world.tag]}


def _step(world: World) -> dict[str, Any]:
    return {"reason": "testi", "confirmed": "yes"}


def _new_donation(world: World) -> dict[str, Any]:
    return {"donor_id": 1, "site_id": world.site_id, "devices": [{"kind": "laptop"}]}


def _donation_form(world: World) -> dict[str, Any]:
    return {"donor_id": "1", "site_id": str(world.site_id), "kind": "laptop", "make": "Lenovo"}


def _import(world: World) -> dict[str, Any]:
    return {"donor_id": "1", "site_id": str(world.site_id)}


def _import_confirmed(world: World) -> dict[str, Any]:
    return {**_import(world), "payload": base64.b64encode(SHEET["file"][1]).decode()}


SITE_TABLE: dict[tuple[str, str], Case | NotSiteBound] = {
    ("POST", "/login"): NotSiteBound(PUBLIC),
    ("POST", "/language"): NotSiteBound(PUBLIC),
    ("POST", "/logout"): NotSiteBound(OWN),
    ("POST", "/login/code"): NotSiteBound(PUBLIC),
    ("POST", "/login/code/setup"): NotSiteBound(PUBLIC),
    ("POST", "/account/second-factor/on"): NotSiteBound(OWN),
    ("POST", "/account/second-factor/off"): NotSiteBound(OWN),
    ("POST", "/reauth"): NotSiteBound(OWN),
    ("POST", "/accessibility/feedback"): NotSiteBound(PUBLIC),
    ("POST", "/api/v1/me/tokens"): NotSiteBound(OWN),
    ("DELETE", "/api/v1/me/tokens/{token_id:int}"): NotSiteBound(OWN),
    ("POST", "/api/v1/me/notifications/{notification_id:int}/read"): NotSiteBound(OWN),
    ("POST", "/api/v1/me/notifications/read-all"): NotSiteBound(OWN),
    ("POST", "/notifications/{notification_id:int}/read"): NotSiteBound(OWN),
    ("POST", "/notifications/read-all"): NotSiteBound(OWN),
    ("POST", "/my-work/hours"): NotSiteBound(OWN),
    ("POST", "/my-work/hours/{entry_id:int}/delete"): NotSiteBound(OWN),
    ("POST", "/api/v1/donations/import/preview"): NotSiteBound("reads a file back, writes nothing"),
    ("POST", "/donations/import/preview"): NotSiteBound("reads a file back, writes nothing"),
    # Region-wide roles only.
    ("POST", "/api/v1/sites"): NotSiteBound(REGION, region_only=True),
    ("PATCH", "/api/v1/sites/{site_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/donors"): NotSiteBound(REGION, region_only=True),
    ("POST", "/donors"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/users"): NotSiteBound(REGION, region_only=True),
    ("PATCH", "/api/v1/users/{user_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/donations/{donation_id:int}/finalise"): NotSiteBound(REGION, region_only=True),
    ("POST", "/donations/{donation_id:int}/finalise"): NotSiteBound(REGION, region_only=True),
    ("POST", "/erasures/sign-off"): NotSiteBound(REGION, region_only=True),
    ("POST", "/erasures/{number:str}/warning"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/erasures/sign-off"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/erasures/{certificate:str}/warning-acceptance"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/jobs/{name:str}/runs"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/jobs/{name:str}/run"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/users"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/users/{user_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/users/{user_id:int}/unlock"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/sites"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/sites/{site_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/feedback/{feedback_id:int}/handled"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/profiles"): NotSiteBound(REGION, region_only=True),
    ("PUT", "/api/v1/profiles/{profile_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/profiles"): NotSiteBound(REGION, region_only=True),
    ("POST", "/admin/profiles/{profile_id:int}"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/bench/tokens"): NotSiteBound(REGION, region_only=True),
    ("PUT", "/api/v1/bench/sites/{site_id:int}"): NotSiteBound(REGION, region_only=True),
    ("PUT", "/api/v1/devices/{tag:str}/connection"): NotSiteBound(REGION, region_only=True),
    ("POST", "/api/v1/bench/check-in"): NotSiteBound(BENCH_TOKEN),
    ("POST", "/api/v1/bench/workers"): NotSiteBound(BENCH_TOKEN),
    ("POST", "/api/v1/bench/workers/{worker_id:int}/heartbeat"): NotSiteBound(BENCH_TOKEN),
    ("POST", "/api/v1/bench/workers/{worker_id:int}/jobs/{ident:str}/results"): NotSiteBound(BENCH_TOKEN),
    # Devices: steps, edits, disks, evidence (path: the guard; body: the services).
    ("POST", "/devices/{tag:str}/steps/{action:str}"): Case(_step, form=True),
    ("POST", "/api/v1/devices/{tag:str}/transitions/{action:str}"): Case(lambda w: {"reason": "testi"}),
    ("PATCH", "/api/v1/devices/{tag:str}"): Case(lambda w: {"notes": "toinen"}),
    ("POST", "/api/v1/devices/{tag:str}/disks"): Case(lambda w: {"kind": "ssd", "size_bytes": 10**9}),
    ("PATCH", "/api/v1/devices/{tag:str}/disks/{disk_id:int}"): Case(lambda w: {"serial": "X1"}),
    ("POST", "/api/v1/devices/{tag:str}/disks/{disk_id:int}/removal"): Case(lambda w: {"reason": "virhe"}),
    ("POST", "/api/v1/devices/{tag:str}/disks/{disk_id:int}/destroyed"): Case(
        lambda w: {"method": "shred", "recycler_reference": "R-1"}
    ),
    ("POST", "/api/v1/devices/{tag:str}/hardware-check"): Case(lambda w: {"notes": ""}),
    ("POST", "/api/v1/devices/{tag:str}/erasures/nwipe"): Case(lambda w: {"log": "nwipe"}),
    ("POST", "/api/v1/devices/{tag:str}/initial-password"): Case(),
    ("POST", "/devices/{tag:str}/nwipe"): Case(lambda w: {"log": "nwipe"}, form=True),
    ("POST", "/devices/{tag:str}/hardware-check"): Case(lambda w: {"notes": ""}, form=True),
    ("POST", "/devices/{tag:str}/disks"): Case(lambda w: {"kind": "ssd", "size_gb": "128"}, form=True),
    ("POST", "/devices/{tag:str}/details"): Case(lambda w: {"kind": "laptop", "notes": "toinen"}, form=True),
    ("POST", "/devices/{tag:str}/reserve"): Case(lambda w: {"client_id": str(w.client_id)}, form=True),
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}"): Case(lambda w: {"serial": "X1"}, form=True),
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}/removal"): Case(
        lambda w: {"reason": "virhe"}, form=True
    ),
    ("POST", "/devices/{tag:str}/disks/{disk_id:int}/destroyed"): Case(
        lambda w: {"method": "shred", "recycler_reference": "R-1"}, form=True
    ),
    ("POST", "/api/v1/erasures/{certificate:str}/reverification"): Case(
        lambda w: {"passed": True, "method": "read back"}
    ),
    # The bench's batch forms answer with each device's outcome; another site's reads "no such device".
    ("POST", "/bench/steps/{action:str}"): Case(
        lambda w: {"tag": w.tag}, form=True, refused=BATCH, action="start_wipe"
    ),
    ("POST", "/bench/labelled"): Case(lambda w: {"tag": w.tag}, form=True, refused=BATCH),
    # Labels and documents.
    ("POST", "/api/v1/labels/pdf"): Case(_tags),
    ("POST", "/api/v1/labels/print"): Case(_tags),
    ("POST", "/labels"): Case(lambda w: {"tags": w.tag}, form=True),
    # Donations: a new one at a site out of reach, or more devices for one.
    ("POST", "/api/v1/donations"): Case(_new_donation, refused=NO_SUCH_SITE),
    ("POST", "/api/v1/donations/{donation_id:int}/devices"): Case(
        lambda w: {"devices": [{"kind": "laptop"}]}
    ),
    ("POST", "/api/v1/donations/import"): Case(_import, files=SHEET, refused=NO_SUCH_SITE),
    ("POST", "/donations/new"): Case(_donation_form, form=True, refused=NO_SUCH_SITE),
    ("POST", "/donations/import"): Case(_import_confirmed, form=True, refused=NO_SUCH_SITE),
    # Stock-takes.
    ("POST", "/stocktakes"): Case(lambda w: {"site_id": str(w.site_id)}, form=True, refused=NO_SUCH_SITE),
    ("POST", "/stocktakes/{stocktake_id:int}/scans"): Case(lambda w: {"code": w.tag}, form=True),
    ("POST", "/stocktakes/{stocktake_id:int}/finish"): Case(form=True),
    # Runs and bench machines.
    ("POST", "/api/v1/runs"): Case(lambda w: {"kind": "wipe", "asset_tags": [w.tag]}),
    ("POST", "/runs"): Case(lambda w: {"kind": "wipe", "tags": w.tag}, form=True),
    ("POST", "/api/v1/runs/{run_id:int}/cancel"): Case(),
    ("POST", "/runs/machines/{machine_id:int}/pair"): Case(lambda w: {"code": w.tag}, form=True),
    ("POST", "/api/v1/bench/machines/{machine_id:int}/pair"): Case(lambda w: {"asset_tag": w.tag}),
    # Clients and their reservations, handovers and loans (clients/scope.py).
    ("POST", "/api/v1/clients"): Case(
        lambda w: {
            "full_name": "Uusi Asiakas",
            "consent_recorded_on": today().isoformat(),
            "site_id": w.site_id,
        },
        refused=frozenset({403}),
    ),
    ("POST", "/clients/new"): NotSiteBound("the form names no site: the client is registered at one's own"),
    ("PATCH", "/api/v1/clients/{client_id:int}"): Case(lambda w: {"phone": "040 123 4567"}),
    ("POST", "/api/v1/clients/{client_id:int}/anonymise"): Case(
        lambda w: {"reason": "pyyntö"}, refused=REAUTH
    ),
    ("POST", "/api/v1/clients/{client_id:int}/orientation/sessions"): Case(
        lambda w: {"held_on": today().isoformat(), "minutes": 30, "topics": ["power_login"]}
    ),
    ("PATCH", "/api/v1/clients/{client_id:int}/orientation/sessions/{session_id:int}"): Case(
        lambda w: {"held_on": today().isoformat(), "minutes": 45, "topics": ["power_login"]}
    ),
    ("DELETE", "/api/v1/clients/{client_id:int}/orientation/sessions/{session_id:int}"): Case(),
    ("PUT", "/api/v1/clients/{client_id:int}/assessments/{phase:str}"): Case(
        lambda w: {"assessed_on": today().isoformat(), "answers": []}
    ),
    ("POST", "/api/v1/clients/{client_id:int}/reservations"): Case(lambda w: {"asset_tag": w.ready_tag}),
    ("POST", "/api/v1/clients/{client_id:int}/handovers"): Case(
        lambda w: {"asset_tag": w.ready_tag, "kind": "gift"}
    ),
    ("POST", "/api/v1/reservations/{reservation_id:int}/renew"): Case(),
    ("POST", "/api/v1/reservations/{reservation_id:int}/release"): Case(lambda w: {"reason": "testi"}),
    ("POST", "/api/v1/handovers/{handover_id:int}/signatures"): Case(files=SIGNATURES),
    ("POST", "/api/v1/handovers/{handover_id:int}/signed-on-paper"): Case(),
    ("POST", "/api/v1/handovers/{handover_id:int}/return"): Case(lambda w: {"accessories_returned": []}),
    ("POST", "/api/v1/handovers/{handover_id:int}/extend"): Case(
        lambda w: {"due_on": (today() + dt.timedelta(days=60)).isoformat()}
    ),
    ("POST", "/clients/{client_id:int}/edit"): Case(lambda w: {"phone": "040 123 4567"}, form=True),
    ("POST", "/clients/{client_id:int}/sessions"): Case(
        lambda w: {"held_on": today().isoformat(), "minutes": "30", "topics": "power_login"}, form=True
    ),
    ("POST", "/clients/{client_id:int}/sessions/{session_id:int}/delete"): Case(form=True),
    ("POST", "/clients/{client_id:int}/assessment/{phase:str}"): Case(form=True),
    ("POST", "/clients/{client_id:int}/reserve"): Case(lambda w: {"asset_tag": w.ready_tag}, form=True),
    ("POST", "/clients/{client_id:int}/reservations/{reservation_id:int}/renew"): Case(form=True),
    ("POST", "/clients/{client_id:int}/reservations/{reservation_id:int}/release"): Case(form=True),
    ("POST", "/clients/{client_id:int}/handover"): Case(lambda w: {"kind": "gift"}, form=True),
    ("POST", "/clients/{client_id:int}/handover/signed"): Case(lambda w: {"kind": "gift"}, form=True),
    ("POST", "/clients/{client_id:int}/handover/paper"): Case(
        lambda w: {"kind": "gift", "confirmed": "yes"}, form=True
    ),
    ("POST", "/handovers/{handover_id:int}/sign"): Case(form=True),
    ("POST", "/handovers/{handover_id:int}/paper"): Case(form=True),
    ("POST", "/handovers/{handover_id:int}/return"): Case(form=True),
    ("POST", "/handovers/{handover_id:int}/extend"): Case(
        lambda w: {"due_on": (today() + dt.timedelta(days=60)).isoformat()}, form=True
    ),
    ("POST", "/clients/{client_id:int}/erase"): Case(
        lambda w: {"reason": "pyyntö"}, form=True, refused=REAUTH
    ),
}

# What a state change would show in; sessions, tokens, users and the access log (refusals are written
# there on purpose) are left out.
UNWATCHED = {"AccessLogEntry", "AccessLogHead", "ApiToken", "UserSession", "LoginAttempt", "User", "JobRun"}
WATCHED = sorted(
    (table for table in APP_CONFIG.table_classes if table.__name__ not in UNWATCHED), key=lambda t: t.__name__
)
STEP_FOR = {T: "hold", CS: "release", CO: "hold", AD: "hold"}


def _state_changing() -> set[tuple[str, str]]:
    return {(m, p) for m, p, _ in _routes(create_app()) if m in {"POST", "PUT", "PATCH", "DELETE"}}


def test_the_table_names_every_state_changing_route() -> None:
    routes = _state_changing()
    assert sorted(routes - set(SITE_TABLE)) == [], "state-changing routes missing from SITE_TABLE"
    assert sorted(set(SITE_TABLE) - routes) == [], "SITE_TABLE names routes the app does not have"
    for route, entry in SITE_TABLE.items():
        allowed = MATRIX[route]
        if isinstance(entry, NotSiteBound) and entry.region_only:
            assert allowed is not None
            assert allowed <= {CO, AD}, f"{route} is open to site-bound roles"
        if isinstance(entry, Case):
            assert allowed is not None
            assert allowed & set(SITE_BOUND), f"{route}: no site-bound role to test"


async def _world(db: Any, code: str) -> World:
    site_id = await factories.site(code, code.title())
    counsellor = await person(site_code=code)
    system, settings = Actor.system("tests"), get_settings()
    created = await factories.donation(db, devices=2, site_code=code)
    tag, wiped = created.asset_tags
    await factories.bring_to(db, wiped, State.WIPED)
    disk = await Disk.select(Disk.id).where(Disk.device.asset_tag == tag).first()
    erasure = (
        await Erasure.select(Erasure.certificate_number).where(Erasure.device.asset_tag == wiped).first()
    )
    client_id = await new_client(db, counsellor, name="Varaaja Asiakas")
    session = (
        await OrientationSession.select(OrientationSession.id)
        .where(OrientationSession.client == client_id)
        .first()
    )
    reservation_id = await reserve_device(db, client_id, await ready_device(db, code), counsellor, settings)
    borrower = await new_client(db, counsellor, name="Lainaaja Asiakas")
    lent = await ready_device(db, code)
    await reserve_device(db, borrower, lent, counsellor, settings)
    handover_id = await hand_over(
        db,
        borrower,
        HandoverRequest(lent, HandoverKind.LOAN, today() + dt.timedelta(days=30), ("laturi",)),
        counsellor,
        settings,
    )
    run = await Run.insert(
        Run(kind="wipe", site=site_id, job_ident=uuid.uuid4().hex, created_at=now())
    ).returning(Run.id)
    machine = await BenchMachine.insert(BenchMachine(site=site_id, checked_in_at=now())).returning(
        BenchMachine.id
    )
    assert disk is not None
    assert erasure is not None
    assert session is not None
    return World(
        site_id=site_id,
        tag=tag,
        disk_id=disk["id"],
        donation_id=created.id,
        certificate=erasure["certificate_number"],
        wiped_tag=wiped,
        ready_tag=await ready_device(db, code),
        client_id=client_id,
        session_id=session["id"],
        reservation_id=reservation_id,
        handover_id=handover_id,
        run_id=run[0]["id"],
        machine_id=machine[0]["id"],
        stocktake_id=await start_stocktake(db, system, site_id),
    )


def _url(path: str, world: World, role: Role, action: str | None) -> str:
    values = {
        "{tag:str}": world.tag,
        "{action:str}": action or STEP_FOR[role],
        "{disk_id:int}": world.disk_id,
        "{donation_id:int}": world.donation_id,
        "{certificate:str}": world.certificate,
        "{number:str}": world.certificate,
        "{run_id:int}": world.run_id,
        "{machine_id:int}": world.machine_id,
        "{stocktake_id:int}": world.stocktake_id,
        "{client_id:int}": world.client_id,
        "{session_id:int}": world.session_id,
        "{reservation_id:int}": world.reservation_id,
        "{handover_id:int}": world.handover_id,
        "{phase:str}": "start",
    }
    for placeholder, value in values.items():
        path = path.replace(placeholder, str(value))
    assert "{" not in path, path
    return path


async def _snapshot() -> dict[str, list[dict[str, Any]]]:
    return {table.__name__: list(await table.select().order_by(table._meta.primary_key)) for table in WATCHED}


async def _send(
    client: httpx.AsyncClient, method: str, path: str, case: Case, world: World, role: Role, token: str
) -> httpx.Response:
    body = case.body(world) if case.body else {}
    headers = {"Authorization": f"Bearer {token}"}
    url = _url(path, world, role, case.action)
    if case.files:
        return await client.request(method, url, data=body, files=case.files, headers=headers)
    if case.form:
        return await client.request(method, url, data=body, headers=headers)
    return await client.request(method, url, json=body, headers=headers)


def _said(answer: httpx.Response) -> str:
    """The status and, for JSON, the detail: enough to tell which refusal it was."""
    if "json" in answer.headers.get("content-type", ""):
        body = answer.json()
        return f"{answer.status_code} {body.get('detail', '') if isinstance(body, dict) else ''}"[:160]
    return str(answer.status_code)


REACH_REFUSALS = (
    NO_SUCH_DEVICE,
    NO_SUCH_DONATION,
    NO_SUCH_ERASURE,
    NO_SUCH_RUN,
    NO_SUCH_MACHINE,
    NO_SUCH_STOCKTAKE,
    SITE_REFUSAL,
    NO_SUCH_CLIENT,
)


def _out_of_reach(answer: httpx.Response, world: World) -> bool:
    """Whether the answer says something of the world does not exist (how out of reach is answered)."""
    values = {"tag": world.tag, "number": world.certificate}
    sentences = [gettext(message, "fi").format(**values) for message in REACH_REFUSALS]
    return any(text in answer.text or html.escape(text) in answer.text for text in sentences)


@dataclass
class Findings:
    """What went wrong, route by route."""

    lines: list[str] = field(default_factory=list)

    def add(self, method: str, path: str, role: Role, where: str, text: str) -> None:
        self.lines.append(f"{method} {path} as {role} at {where}: {text}")


async def test_every_state_changing_route_refuses_another_sites_things(
    db: Any, client: httpx.AsyncClient
) -> None:
    worlds = {"JNS": await _world(db, "JNS"), "TOH": await _world(db, "TOH")}
    tokens = {role: await factories.token(await factories.user(role, site_code="JNS")) for role in Role}
    findings = Findings()
    cases = [(route, entry) for route, entry in SITE_TABLE.items() if isinstance(entry, Case)]
    # 1. A Joensuu trainee or counsellor aims every route at Tohmajärvi: refused, nothing changes.
    for (method, path), case in cases:
        allowed = MATRIX[(method, path)] or frozenset()
        for role in (r for r in SITE_BOUND if r in allowed):
            before = await _snapshot()
            answer = await _send(client, method, path, case, worlds["TOH"], role, tokens[role])
            if answer.status_code not in case.refused or (
                case.refused != REAUTH and not _out_of_reach(answer, worlds["TOH"])
            ):
                findings.add(method, path, role, "TOH", _said(answer))
            changed = [name for name, rows in (await _snapshot()).items() if rows != before[name]]
            if changed:
                findings.add(method, path, role, "TOH", f"changed {changed}")
    # 2. The same attempts at their own site, and a Joensuu coordinator's at Tohmajärvi, are not
    #    refused as out of reach (they may still be refused for what the body says).
    for (method, path), case in cases:
        allowed = MATRIX[(method, path)] or frozenset()
        attempts = [(r, "JNS") for r in SITE_BOUND if r in allowed] + [(CO, "TOH")]
        for role, where in attempts:
            answer = await _send(client, method, path, case, worlds[where], role, tokens[role])
            if _out_of_reach(answer, worlds[where]):
                findings.add(method, path, role, where, f"refused as out of reach: {_said(answer)}")
    assert not findings.lines, "\n".join(findings.lines)
