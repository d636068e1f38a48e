"""Helpers for the client area's tests: people, ready devices, signatures and the access log."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image, ImageDraw

from inventory.actors import Actor
from inventory.clients.choices import Accommodation
from inventory.clients.services import NewClient, create_client
from inventory.clock import today
from inventory.devices.transitions import TransitionRequest, transition
from inventory.i18n import Language
from inventory.lifecycle import Action, State
from inventory.permissions import Role
from inventory.privacy.tables import AccessLogEntry
from inventory.settings import get_settings
from tests import factories

NAME = "Zyxwvut Quokkanen"
PHONE = "040 765 4321"
EMAIL = "zyxwvut.quokkanen@example.fi"


async def person(role: Role = Role.COUNSELLOR, site_code: str = "JNS") -> Actor:
    """A signed-in user of the role."""
    return await factories.user(role, site_code=site_code)


async def bearer(actor: Actor) -> dict[str, str]:
    """The Authorization header of a token of the actor."""
    return {"Authorization": f"Bearer {await factories.token(actor)}"}


async def new_client(
    engine: Any,
    actor: Actor,
    *,
    name: str = NAME,
    language: Language = Language.FI,
    accommodations: tuple[Accommodation, ...] = (),
    oriented: bool = True,
    site_id: int | None = None,
) -> int:
    """A client with contact details, registered by the actor (oriented unless told otherwise)."""
    client_id = await create_client(
        engine,
        NewClient(
            full_name=name,
            consent_recorded_on=today(),
            language=language,
            phone=PHONE,
            email=EMAIL,
            accommodations=accommodations,
            site_id=site_id,
        ),
        actor,
    )
    if oriented:
        await factories.orient(client_id)
    return client_id


async def ready_device(engine: Any, site_code: str = "JNS", profile: str | None = None) -> str:
    """A device walked to `ready`; `profile` goes on its provisioning step as a provisioning run records it."""
    tag = (await factories.donation(engine, devices=1, site_code=site_code)).asset_tags[0]
    await factories.bring_to(engine, tag, State.WIPED)
    system, settings = Actor.system("tests"), get_settings()
    details = {"profile": profile} if profile else {}
    await transition(
        engine, tag, Action.START_PROVISIONING, system, settings, TransitionRequest(details=details)
    )
    await transition(engine, tag, Action.PROVISIONED, system, settings)
    return tag


def signature_png(seed: int = 1, size: tuple[int, int] = (600, 200)) -> bytes:
    """A drawn signature: dark strokes on a transparent canvas, as the signing page sends it."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 40, 100 + ((i * 37 * seed) % 60) - 30) for i in range(14)]
    draw.line(points, fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def log_rows(client_id: int | None = None) -> list[dict[str, Any]]:
    """The access log (for one client), in chain order."""
    query = AccessLogEntry.select()
    if client_id is not None:
        query = query.where(AccessLogEntry.client_id == client_id)
    return list(await query.order_by(AccessLogEntry.seq))


def days_ago(days: int) -> dt.datetime:
    """A moment some days back."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


async def browser_session(api: Any, actor: Actor) -> dict[str, str]:
    """Log the actor in with their password, as a browser does; returns headers for API calls with it.

    Erasing and exporting a client need a password given a moment ago, which only a browser session has.
    """
    await api.get("/login")
    response = await api.post(
        "/login",
        data={
            "username": actor.username,
            "password": factories.PASSWORD,
            "next": "/",
            "_csrf_token": api.cookies["kierto_csrf"],
        },
        headers={"accept": "text/html"},
    )
    assert response.status_code == 303, response.text
    return {"x-csrftoken": api.cookies["kierto_csrf"]}
