"""What the client pages share: the notices, the labels, the error shown on a form, and the client page itself."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, LANGUAGE_LABELS, DeviceKind
from inventory.clients.chart import ChartText, ratings_svg
from inventory.clients.choices import (
    ACCESSORY_LABELS,
    ACCOMMODATION_LABELS,
    HANDOVER_KIND_LABELS,
    OBSERVATION_LABELS,
    PHASE_LABELS,
    RESERVATION_END_LABELS,
    Accessory,
    Accommodation,
    Observation,
)
from inventory.clients.documents import accessory_name
from inventory.clients.pages.forms import many
from inventory.clients.records import ClientRecord, read_client
from inventory.clock import today
from inventory.database import AnyEngine
from inventory.errors import DomainError
from inventory.i18n import N_, Language, current_language, gettext
from inventory.privacy.choices import Purpose
from inventory.settings import Settings
from inventory.topics import TOPICS
from inventory.web import Page

NOTICES = {
    "created": N_("The client was recorded."),
    "saved": N_("Saved."),
    "session": N_("The session was recorded."),
    "session_removed": N_("The session was removed."),
    "assessment": N_("The assessment was saved."),
    "reserved": N_("The device was reserved."),
    "renewed": N_("The reservation was renewed."),
    "released": N_("The reservation was cancelled."),
    "handed_over": N_("Done. Print the agreement, then sign it on screen or on paper."),
    "signed": N_("The signatures were saved. They are in the agreement's PDF."),
    "paper": N_("The signing on paper was recorded. Keep the signed copy."),
    "returned": N_("The device was taken back. It goes to the bench to be erased."),
    "extended": N_("The loan's due date was changed."),
    "erased": N_("The client's personal data was erased."),
}


def notice(request: Request[Any, Any, Any]) -> str | None:
    """The notice named by `?done=` after a change, translated."""
    done = request.query_params.get("done")
    return gettext(NOTICES[done]) if done in NOTICES else None


def error_context(error: DomainError | None) -> dict[str, Any]:
    """The refusal to show on the page and the field it names."""
    if error is None:
        return {"error": None, "error_field": None}
    return {"error": error.text(), "error_field": getattr(error, "field", None)}


def page_labels() -> dict[str, Any]:
    """The choices and labels the client templates show."""
    return {
        "TOPICS": TOPICS,
        "ACCOMMODATIONS": [(a.value, ACCOMMODATION_LABELS[a]) for a in Accommodation],
        "OBSERVATIONS": [(o.value, OBSERVATION_LABELS[o]) for o in Observation],
        "ACCESSORIES": [(a.value, ACCESSORY_LABELS[a]) for a in Accessory],
        "KIND_CHOICES": [(k.value, DEVICE_KIND_LABELS[k]) for k in DeviceKind],
        "HANDOVER_KINDS": {k.value: label for k, label in HANDOVER_KIND_LABELS.items()},
        "PHASES": {p.value: label for p, label in PHASE_LABELS.items()},
        "RESERVATION_ENDS": {e.value: label for e, label in RESERVATION_END_LABELS.items()},
        "ACCOMMODATION_LABELS": {a.value: label for a, label in ACCOMMODATION_LABELS.items()},
        "LANGUAGES": [(lang.value, LANGUAGE_LABELS[lang]) for lang in Language],
        "accessory_name": lambda value: accessory_name(value, _current()),
        "many": many,
    }


def _current() -> str:
    return current_language.get()


def _chart(record: ClientRecord) -> str:
    text = ChartText(
        title=gettext(N_("Self-ratings at the start and at the end")),
        before=gettext(N_("At the start")),
        after=gettext(N_("At the end")),
        not_rated=gettext(N_("not rated")),
        summary=gettext(N_("{task}: {before} at the start, {after} at the end.")),
    )
    return ratings_svg(record.ratings, text)


async def client_page(
    request: Request[Actor, Any, Any],
    engine: AnyEngine,
    settings: Settings,
    client_id: int,
    purpose: Purpose,
    error: DomainError | None = None,
) -> Template:
    """The client page: details, orientation, assessment, reservation, handovers, documents (and the refusal)."""
    record = await read_client(engine, client_id, request.user, settings, purpose)
    return Page(
        "clients/detail.html",
        context={
            "record": record,
            "client": record.client,
            "chart": _chart(record) if record.assessments else "",
            "today": today(),
            "notice": None if error else notice(request),
            **error_context(error),
            **page_labels(),
        },
        status_code=error.status_code if error else 200,
    )
