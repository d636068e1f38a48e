"""Every page of the interface by role, in the states people see them, with the data that fills them.

Shared by the browser checks (axe, sideways scroll at phone and tablet width, the strict CSP) and the
language check (every word in Finnish and Swedish).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inventory.accessibility.services import Feedback, send_feedback
from inventory.actors import Actor
from inventory.bench.services import mark_labelled
from inventory.clients.assessment import AssessmentInput, TaskAnswer, save_assessment
from inventory.clients.choices import AssessmentPhase, HandoverKind, Observation
from inventory.clients.handovers import HandoverRequest, hand_over
from inventory.clients.reservations import reserve_device
from inventory.clock import today
from inventory.documents.tables import IssuedDocument
from inventory.lifecycle import State
from inventory.permissions import Role
from inventory.runs.provisioning_profiles import seed_default_profiles
from inventory.runs.tables import Profile
from inventory.settings import get_settings
from inventory.stocktake.services import record_scan, start_stocktake
from inventory.worklog.services import WorkEntry, log_work
from tests import factories

# Who each role logs in as in the browser tests (password: factories.PASSWORD).
USERS = {
    Role.TRAINEE: "harri",
    Role.COUNSELLOR: "outi",
    Role.COORDINATOR: "kaisa",
    Role.ADMIN: "aki",
}
CLIENT_NAME = "Sanni Esimerkki"


async def actor_of(role: Role) -> Actor:
    """The actor of the seeded user of a role."""
    from inventory.accounts.users import authenticate

    actor = await authenticate(USERS[role], factories.PASSWORD)
    assert actor is not None
    return actor


async def seed_every_page() -> dict[str, Any]:
    """Devices at the bench and with clients, a client with both assessments, a handover waiting for its
    signatures, a loan out, a stock-take, a work log entry and feedback.
    """
    from inventory.piccolo_conf import DB

    engine = DB

    settings = get_settings()
    trainee = await actor_of(Role.TRAINEE)
    counsellor = await actor_of(Role.COUNSELLOR)
    donation = await factories.donation(engine, devices=6)
    tags = donation.asset_tags
    await mark_labelled(engine, tags[:2], trainee)
    await factories.bring_to(engine, tags[1], State.WIPED)
    for tag in tags[2:]:
        await factories.bring_to(engine, tag, State.READY)
    borrower = await factories.client(counsellor=counsellor, full_name="Lauri Lainaaja")
    await reserve_device(engine, borrower, tags[2], counsellor, settings)
    loan = await hand_over(
        engine,
        borrower,
        HandoverRequest(tags[2], HandoverKind.LOAN, today() + dt.timedelta(days=30)),
        counsellor,
        settings,
    )
    client_id = await factories.client(counsellor=counsellor, full_name=CLIENT_NAME)
    for phase, rating in ((AssessmentPhase.START, 2), (AssessmentPhase.END, 4)):
        answers = tuple(
            TaskAnswer(task, rating, Observation.WITH_SUPPORT) for task in settings.assessment_tasks
        )
        await save_assessment(
            engine, client_id, phase, AssessmentInput(today(), answers), counsellor, settings
        )
    await reserve_device(engine, client_id, tags[3], counsellor, settings)
    handover = await hand_over(
        engine, client_id, HandoverRequest(tags[3], HandoverKind.GIFT), counsellor, settings
    )
    await reserve_device(engine, client_id, tags[4], counsellor, settings)
    stocktake = await start_stocktake(engine, trainee, await factories.site())
    await record_scan(engine, trainee, stocktake, tags[0])
    await record_scan(engine, trainee, stocktake, "UNKNOWN-1")
    await log_work(engine, trainee, WorkEntry(today() - dt.timedelta(days=1), "4", "Tarroja ja tyhjennyksiä"))
    await send_feedback(engine, Feedback("Painikkeet ovat pieniä", "Työpöytä"), "test-sender")
    admin = await actor_of(Role.ADMIN)
    await seed_default_profiles()
    profile = await Profile.select(Profile.id).order_by(Profile.id).first()
    assert profile is not None
    issued = await IssuedDocument.select(IssuedDocument.code).order_by(IssuedDocument.id).first()
    assert issued is not None  # the handover's agreement
    return {
        "verify": issued["code"],
        "profile": profile["id"],
        "tags": tags,
        "donation": donation.id,
        "stocktake": stocktake,
        "admin_id": admin.user_id,
        "client": client_id,
        "handover": handover,
        "loan": loan,
    }


# (role, path, screenshot name or None): every page of the interface, in the states people see.
# GET routes that are no page of their own, or that the checks reach another way.
NOT_LISTED = {
    "/health": "a probe for the load balancer",
    "/ready": "a probe for the load balancer",
    "/metrics": "Prometheus text",
    "/reports/devices.csv": "a download (tests/ui/test_every_word.py reads it)",
    "/reports/events.csv": "a download (tests/ui/test_every_word.py reads it)",
    "/devices/{tag:str}/progress": "a fragment of the device and run pages",
    "/devices/{tag:str}/progress/stream": "server-sent events",
    "/runs/{run_id:int}/stream": "server-sent events",
    "/runs/{run_id:int}": "needs a real run: tests/ui/test_journey.py checks it with axe",
    "/login/code": "the second login step: tests/ui/test_journey.py logs administrators in through it",
    "/login/code/setup": "the first login of an administrator: every browser test's admin login passes it",
}


def every_page(seeded: dict[str, Any]) -> list[tuple[Role | None, str, str | None]]:
    """The pages each role reaches, with seeded ids filled in."""
    tags, client = seeded["tags"], seeded["client"]
    week_ago = (today() - dt.timedelta(days=7)).isoformat()
    return [
        (None, "/login", "login"),
        (None, "/accessibility", "accessibility"),
        (None, "/verify", None),
        (None, f"/verify/{seeded['verify']}", "verify"),
        (Role.TRAINEE, "/", "home"),
        (Role.TRAINEE, "/bench", "bench"),
        (Role.TRAINEE, "/devices", "devices"),
        (Role.TRAINEE, f"/devices/{tags[1]}", None),
        (Role.TRAINEE, f"/devices/{tags[0]}", "device-evidence"),  # received: disk and nwipe forms
        (Role.TRAINEE, "/scan?code=NOTHING-1", None),
        (Role.TRAINEE, "/labels", None),
        (Role.TRAINEE, "/runs", None),
        (Role.TRAINEE, "/donations", "donations"),
        (Role.TRAINEE, "/donations/new", "donation-new"),
        (Role.TRAINEE, "/donations/import", None),
        (Role.TRAINEE, f"/donations/{seeded['donation']}", "donation"),
        (Role.TRAINEE, f"/donations/{seeded['donation']}/documents", None),
        (Role.TRAINEE, "/stocktakes", "stocktakes"),
        (Role.TRAINEE, f"/stocktakes/{seeded['stocktake']}", "stocktake"),
        (Role.TRAINEE, f"/my-work?start={week_ago}", "my-work"),
        (Role.TRAINEE, "/notifications", None),
        (Role.TRAINEE, "/account", None),
        (Role.TRAINEE, "/reauth?next=/account", None),
        (Role.TRAINEE, "/no-such-page", None),
        (Role.COUNSELLOR, "/", None),
        (Role.COUNSELLOR, "/clients", "clients"),
        (Role.COUNSELLOR, "/clients/new", None),
        (Role.COUNSELLOR, f"/clients/{client}", "client"),
        (Role.COUNSELLOR, f"/clients/{client}/edit", None),
        (Role.COUNSELLOR, f"/clients/{client}/assessment/end", None),
        (Role.COUNSELLOR, f"/clients/{client}/reserve", "reserve"),
        (Role.COUNSELLOR, f"/clients/{client}/handover", None),
        (Role.COUNSELLOR, f"/clients/{client}/erase", None),
        (Role.COUNSELLOR, f"/handovers/{seeded['handover']}/sign", "sign"),
        (Role.COUNSELLOR, f"/handovers/{seeded['loan']}/return", None),
        (Role.COUNSELLOR, "/loans/overdue", None),
        (Role.COUNSELLOR, f"/devices/{tags[2]}", None),
        (Role.COUNSELLOR, f"/devices/{tags[4]}", None),
        (Role.COORDINATOR, "/dashboard", "dashboard"),
        (Role.COORDINATOR, "/dashboard/waiting", None),
        (Role.COORDINATOR, "/donors", "donors"),
        (Role.COORDINATOR, "/erasures/sign-off", "sign-off"),  # a wiped NVMe laptop: its warning to accept
        (Role.ADMIN, "/admin", "admin"),
        (Role.ADMIN, "/admin/users", "admin-users"),
        (Role.ADMIN, f"/admin/users/{seeded['admin_id']}", None),
        (Role.ADMIN, "/admin/sites", "admin-sites"),
        (Role.ADMIN, "/admin/settings", None),
        (Role.ADMIN, "/admin/feedback", "admin-feedback"),
        (Role.ADMIN, "/admin/jobs", "admin-jobs"),
        (Role.ADMIN, "/admin/profiles", "admin-profiles"),
        (Role.ADMIN, "/admin/profiles/new", None),
        (Role.ADMIN, f"/admin/profiles/{seeded['profile']}", None),
    ]
