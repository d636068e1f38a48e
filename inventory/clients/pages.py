"""Counsellor pages: my clients, the client page (orientation, assessment, reservation, handover, loans),
signing on screen, returns and overdue loans. Every read and change goes through the services, which
write the access log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from piccolo.engine.base import Engine

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, LANGUAGE_LABELS, ConditionGrade, DeviceKind, Language
from inventory.clients.anonymisation import anonymise_client
from inventory.clients.assessment import COMMENT_MAX, AssessmentInput, TaskAnswer, save_assessment, task_label
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
    AssessmentPhase,
    Observation,
    Purpose,
)
from inventory.clients.controllers import NO_STORE, route_purpose
from inventory.clients.documents import accessory_name
from inventory.clients.handovers import (
    ReturnRequest,
    extend_loan,
    overdue_loans,
    read_handover,
    return_loan,
)
from inventory.clients.orientation_sessions import SessionInput, add_session, remove_session
from inventory.clients.records import ClientRecord, list_clients, read_client
from inventory.clients.reservations import (
    DeviceWish,
    candidate_devices,
    release_reservation,
    renew_reservation,
    reserve_device,
)
from inventory.clients.services import ClientChanges, NewClient, create_client, update_client
from inventory.clients.topics import TOPICS
from inventory.clock import today
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import current_language, gettext
from inventory.params import MAX_ID, PageQuery, RecordIdPath, TextQuery
from inventory.permissions import N_, Permission, Role
from inventory.settings import Settings
from inventory.web import page_context

PER_PAGE = 50
ClientIdPath = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
PhasePath = Annotated[AssessmentPhase, PathParameter()]
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


def _opt(permission: Permission, purpose: Purpose, recent_authentication: bool = False) -> dict[str, Any]:
    """Route options: the permission, the declared purpose and whether the password must be fresh."""
    return {"permission": permission, "purpose": purpose, "recent_authentication": recent_authentication}


def _notice(request: Request[Any, Any, Any]) -> str | None:
    done = request.query_params.get("done")
    return gettext(NOTICES[done]) if done in NOTICES else None


def _date(value: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidInput(field_name, N_("Give the date as day, month and year.")) from error


def _error_context(error: DomainError | None) -> dict[str, Any]:
    if error is None:
        return {"error": None, "error_field": None}
    return {"error": error.text(), "error_field": getattr(error, "field", None)}


def _labels() -> dict[str, Any]:
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


async def _client_page(
    request: Request[Actor, Any, Any],
    engine: Engine,  # type: ignore[type-arg]
    settings: Settings,
    client_id: int,
    purpose: Purpose,
    error: DomainError | None = None,
) -> Template:
    record = await read_client(engine, client_id, request.user, settings, purpose)
    return Template(
        "clients/detail.html",
        context=page_context(
            request,
            record=record,
            client=record.client,
            chart=_chart(record) if record.assessments else "",
            today=today(),
            notice=None if error else _notice(request),
            **_error_context(error),
            **_labels(),
        ),
        status_code=error.status_code if error else 200,
    )


@dataclass
class ClientForm:
    """The client form."""

    full_name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "fi"
    accommodations: list[str] | str = field(default_factory=list)
    consent_recorded_on: str = ""
    counsellor_id: str = ""


@dataclass
class SessionForm:
    """A new orientation session."""

    held_on: str = ""
    minutes: str = ""
    topics: list[str] | str = field(default_factory=list)
    notes: str = ""


@dataclass
class ReserveForm:
    """The device chosen for the client."""

    asset_tag: str = ""


@dataclass
class ReasonForm:
    """An optional reason."""

    reason: str = ""


@dataclass
class ReturnForm:
    """A lent device coming back."""

    condition_notes: str = ""
    accessories_returned: list[str] | str = field(default_factory=list)


@dataclass
class ExtendForm:
    """A new due date."""

    due_on: str = ""


@dataclass
class EraseForm:
    """Erasing a client: the reason and the client's code typed again."""

    reason: str = ""
    confirm_code: str = ""


async def _counsellors(site_id: int | None) -> list[dict[str, Any]]:
    query = User.select(User.id, User.display_name).where(
        User.is_active.eq(True) & User.role.is_in([Role.COUNSELLOR.value, Role.COORDINATOR.value])
    )
    if site_id is not None:
        query = query.where(User.site == site_id)
    return list(await query.order_by(User.display_name))


def _optional_int(value: str, field_name: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError as error:
        raise InvalidInput(field_name, N_("Choose from the list.")) from error


def many(value: list[str] | str) -> list[str]:
    """A form field that may be sent once or several times, as a list (a single value arrives as text)."""
    return [value] if isinstance(value, str) else list(value)


def _accommodations(values: list[str] | str) -> tuple[Accommodation, ...]:
    try:
        return tuple(Accommodation(v) for v in many(values))
    except ValueError as error:
        raise InvalidInput("accommodations", N_("Choose from the list.")) from error


def _language(value: str) -> Language:
    try:
        return Language(value)
    except ValueError as error:
        raise InvalidInput("language", N_("Choose from the list.")) from error


class ClientPages(Controller):
    """/clients, /handovers and /loans pages."""

    path = "/"
    include_in_schema = False
    dependencies = {"purpose": Provide(route_purpose, sync_to_thread=False)}
    cache_control = NO_STORE

    @get("/clients", opt=_opt(Permission.CLIENT_READ, Purpose.CLIENT_LIST))
    async def client_list(
        self,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
        view: Annotated[str, QueryParameter(max_length=10)] = "mine",
        q: TextQuery = "",
        page: PageQuery = 1,
    ) -> Template:
        """My clients, or the whole site's, with their orientation and device."""
        mine = view != "site"
        rows, total = await list_clients(engine, request.user, settings, mine, q, page, PER_PAGE, purpose)
        return Template(
            "clients/list.html",
            context=page_context(
                request,
                clients=rows,
                total=total,
                view="mine" if mine else "site",
                q=q,
                page=page,
                per_page=PER_PAGE,
                notice=_notice(request),
            ),
        )

    async def _form(
        self,
        request: Request[Actor, Any, Any],
        form: ClientForm,
        client: dict[str, Any] | None,
        error: DomainError | None = None,
    ) -> Template:
        site_id = client["site"] if client else request.user.site_id
        return Template(
            "clients/form.html",
            context=page_context(
                request,
                form=form,
                client=client,
                counsellors=await _counsellors(site_id),
                today=today(),
                **_error_context(error),
                **_labels(),
            ),
            status_code=error.status_code if error else 200,
        )

    @get("/clients/new", opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER))
    async def new_client_form(self, request: Request[Actor, Any, Any]) -> Template:
        """The form for a new client."""
        return await self._form(
            request,
            ClientForm(
                consent_recorded_on=today().isoformat(),
                counsellor_id=str(request.user.user_id or ""),
                language=request.user.language,
            ),
            None,
        )

    @post("/clients/new", opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_REGISTER), status_code=303)
    async def create(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[ClientForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Record the client and open their page."""
        try:
            if not data.consent_recorded_on.strip():
                raise InvalidInput(
                    "consent_recorded_on", N_("Record the date the client gave their consent.")
                )
            client_id = await create_client(
                engine,
                NewClient(
                    full_name=data.full_name,
                    consent_recorded_on=_date(data.consent_recorded_on, "consent_recorded_on"),
                    language=_language(data.language),
                    phone=data.phone,
                    email=data.email,
                    accommodations=_accommodations(data.accommodations),
                    counsellor_id=_optional_int(data.counsellor_id, "counsellor_id"),
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            return await self._form(request, data, None, error)
        return Redirect(path=f"/clients/{client_id}?done=created", status_code=303)

    @get("/clients/{client_id:int}", opt=_opt(Permission.CLIENT_READ, Purpose.CLIENT_RECORD))
    async def detail(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """The client page: details, orientation, assessment, reservation, handovers, documents."""
        return await _client_page(request, engine, settings, client_id, purpose)

    @get("/clients/{client_id:int}/edit", opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD))
    async def edit_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """The client's details to correct."""
        client = (await read_client(engine, client_id, request.user, settings, purpose)).client
        form = ClientForm(
            full_name=client["full_name"],
            phone=client["phone"] or "",
            email=client["email"] or "",
            language=client["language"],
            accommodations=list(client["accommodations"] or []),
            consent_recorded_on=client["consent_recorded_on"].isoformat(),
            counsellor_id=str(client["counsellor"] or ""),
        )
        return await self._form(request, form, client)

    @post(
        "/clients/{client_id:int}/edit",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.CLIENT_RECORD),
        status_code=303,
    )
    async def edit(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[ClientForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Save the corrections."""
        try:
            counsellor = _optional_int(data.counsellor_id, "counsellor_id")
            await update_client(
                engine,
                client_id,
                ClientChanges(
                    full_name=data.full_name,
                    phone=data.phone,
                    email=data.email,
                    language=_language(data.language),
                    accommodations=_accommodations(data.accommodations),
                    consent_recorded_on=_date(data.consent_recorded_on, "consent_recorded_on"),
                    counsellor_id=counsellor,
                    changed=frozenset({"counsellor_id"}),
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            client = (await read_client(engine, client_id, request.user, settings, purpose)).client
            return await self._form(request, data, client, error)
        return Redirect(path=f"/clients/{client_id}?done=saved", status_code=303)

    @post(
        "/clients/{client_id:int}/sessions",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
        status_code=303,
    )
    async def add_session(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[SessionForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Record an orientation session."""
        try:
            minutes = _optional_int(data.minutes, "minutes")
            if minutes is None:
                raise InvalidInput("minutes", N_("How many minutes did the session last?"))
            await add_session(
                engine,
                client_id,
                SessionInput(
                    held_on=_date(data.held_on, "held_on"),
                    minutes=minutes,
                    topics=tuple(many(data.topics)),
                    notes=data.notes,
                ),
                request.user,
                purpose,
            )
        except DomainError as error:
            return await _client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=session#orientation", status_code=303)

    @post(
        "/clients/{client_id:int}/sessions/{session_id:int}/delete",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ORIENTATION),
        status_code=303,
    )
    async def delete_session(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        session_id: RecordIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Remove a session recorded by mistake."""
        try:
            await remove_session(engine, client_id, session_id, request.user, purpose)
        except DomainError as error:
            return await _client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=session_removed#orientation", status_code=303)

    async def _assessment_page(
        self,
        request: Request[Actor, Any, Any],
        record: ClientRecord,
        phase: AssessmentPhase,
        settings: Settings,
        values: dict[str, Any] | None = None,
        error: DomainError | None = None,
    ) -> Template:
        saved = record.assessments.get(phase, {})
        items = saved.get("items", {})
        tasks = [
            {
                "code": task,
                "label": task_label(task),
                "self_rating": (values or {}).get(f"rating_{task}", items.get(task, {}).get("self_rating")),
                "observation": (values or {}).get(
                    f"observation_{task}", items.get(task, {}).get("observation")
                ),
                "comment": (values or {}).get(f"comment_{task}", items.get(task, {}).get("comment", "")),
            }
            for task in settings.assessment_tasks
        ]
        return Template(
            "clients/assessment.html",
            context=page_context(
                request,
                client=record.client,
                phase=phase,
                tasks=tasks,
                assessed_on=(values or {}).get("assessed_on")
                or (saved["assessed_on"].isoformat() if saved else today().isoformat()),
                notes=(values or {}).get("notes", saved.get("notes", "")),
                comment_max=COMMENT_MAX,
                **_error_context(error),
                **_labels(),
            ),
            status_code=error.status_code if error else 200,
        )

    @get(
        "/clients/{client_id:int}/assessment/{phase:str}",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ASSESSMENT),
    )
    async def assessment_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        phase: PhasePath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """The checklist: the client's self-rating and the worker's observation per task."""
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return await self._assessment_page(request, record, phase, settings)

    @post(
        "/clients/{client_id:int}/assessment/{phase:str}",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.ASSESSMENT),
        status_code=303,
    )
    async def save_assessment(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        phase: PhasePath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Save the assessment of the phase."""
        form = await request.form()
        values = {key: str(form.get(key, "")) for key in form}
        try:
            answers = []
            for task in settings.assessment_tasks:
                rating = _optional_int(values.get(f"rating_{task}", ""), f"rating_{task}")
                observation = values.get(f"observation_{task}", "")
                try:
                    observed = Observation(observation) if observation else None
                except ValueError as error:
                    raise InvalidInput(f"observation_{task}", N_("Choose from the list.")) from error
                comment = values.get(f"comment_{task}", "")
                if rating is not None or observed is not None or comment.strip():
                    answers.append(TaskAnswer(task, rating, observed, comment))
            await save_assessment(
                engine,
                client_id,
                phase,
                AssessmentInput(
                    assessed_on=_date(values.get("assessed_on", ""), "assessed_on"),
                    answers=tuple(answers),
                    notes=values.get("notes", ""),
                ),
                request.user,
                settings,
                purpose,
            )
        except DomainError as error:
            record = await read_client(engine, client_id, request.user, settings, purpose)
            return await self._assessment_page(request, record, phase, settings, values, error)
        return Redirect(path=f"/clients/{client_id}?done=assessment#assessment", status_code=303)

    async def _reserve_page(
        self,
        request: Request[Actor, Any, Any],
        client_id: int,
        engine: Engine,  # type: ignore[type-arg]
        purpose: Purpose,
        filters: dict[str, str],
        error: DomainError | None = None,
    ) -> Template:
        kind, min_ram_gb = filters.get("kind", ""), filters.get("min_ram_gb", "")
        grade, matching_only = filters.get("grade", ""), filters.get("matching_only", "") == "on"
        wish = DeviceWish(
            kind=DeviceKind(kind) if kind in {k.value for k in DeviceKind} else None,
            min_ram_mb=int(min_ram_gb) * 1024 if min_ram_gb.isdigit() else None,
            worst_grade=ConditionGrade(grade) if grade in {g.value for g in ConditionGrade} else None,
            matching_only=matching_only,
        )
        found = await candidate_devices(engine, client_id, wish, request.user, purpose)
        return Template(
            "clients/reserve.html",
            context=page_context(
                request,
                client_id=client_id,
                found=found,
                kind=kind,
                min_ram_gb=min_ram_gb,
                grade=grade,
                matching_only=matching_only,
                grades=[g.value for g in ConditionGrade],
                **_error_context(error),
                **_labels(),
            ),
            status_code=error.status_code if error else 200,
        )

    @get("/clients/{client_id:int}/reserve", opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION))
    async def reserve_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
        kind: Annotated[str, QueryParameter(max_length=16)] = "",
        min_ram_gb: Annotated[str, QueryParameter(max_length=6)] = "",
        grade: Annotated[str, QueryParameter(max_length=1)] = "",
        matching_only: Annotated[str, QueryParameter(max_length=3)] = "",
    ) -> Template:
        """Ready devices for the client: filter by type, memory and condition; fitting ones first."""
        filters = {"kind": kind, "min_ram_gb": min_ram_gb, "grade": grade, "matching_only": matching_only}
        return await self._reserve_page(request, client_id, engine, purpose, filters)

    @post(
        "/clients/{client_id:int}/reserve",
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
        status_code=303,
    )
    async def reserve(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[ReserveForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Reserve the chosen device (if someone was quicker, the list says so)."""
        try:
            await reserve_device(
                engine, client_id, data.asset_tag.strip()[:40], request.user, settings, purpose
            )
        except DomainError as error:
            return await self._reserve_page(request, client_id, engine, purpose, {}, error)
        return Redirect(path=f"/clients/{client_id}?done=reserved#reservation", status_code=303)

    @post(
        "/clients/{client_id:int}/reservations/{reservation_id:int}/renew",
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
        status_code=303,
    )
    async def renew(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        reservation_id: RecordIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Keep the reservation for another period."""
        try:
            await renew_reservation(engine, reservation_id, request.user, settings, purpose)
        except DomainError as error:
            return await _client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=renewed#reservation", status_code=303)

    @post(
        "/clients/{client_id:int}/reservations/{reservation_id:int}/release",
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.RESERVATION),
        status_code=303,
    )
    async def release(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        reservation_id: RecordIdPath,
        data: URLEncodedBody[ReasonForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Cancel the reservation."""
        try:
            await release_reservation(
                engine, reservation_id, request.user, settings, data.reason.strip()[:1000], purpose
            )
        except DomainError as error:
            return await _client_page(request, engine, settings, client_id, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=released#reservation", status_code=303)

    async def _return_page(
        self,
        request: Request[Actor, Any, Any],
        handover_id: int,
        engine: Engine,  # type: ignore[type-arg]
        purpose: Purpose,
        form: ReturnForm | None = None,
        error: DomainError | None = None,
    ) -> Template:
        handover = await read_handover(engine, handover_id, request.user, purpose)
        return Template(
            "clients/return.html",
            context=page_context(
                request,
                handover=handover,
                form=form or ReturnForm(accessories_returned=list(handover["accessories"])),
                today=today(),
                **_error_context(error),
                **_labels(),
            ),
            status_code=error.status_code if error else 200,
        )

    @get("/handovers/{handover_id:int}/return", opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN))
    async def return_form(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """Check a lent device back in: its condition and accessories."""
        return await self._return_page(request, handover_id, engine, purpose)

    @post(
        "/handovers/{handover_id:int}/return",
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_RETURN),
        status_code=303,
    )
    async def take_back(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[ReturnForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Take the device back; it goes to the bench for a new wipe."""
        try:
            handover = await read_handover(engine, handover_id, request.user, purpose)
            await return_loan(
                engine,
                handover_id,
                ReturnRequest(data.condition_notes, tuple(many(data.accessories_returned))),
                request.user,
                settings,
                purpose,
            )
        except DomainError as error:
            return await self._return_page(request, handover_id, engine, purpose, data, error)
        return Redirect(path=f"/clients/{handover['client']}?done=returned#handovers", status_code=303)

    @post(
        "/handovers/{handover_id:int}/extend",
        opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP),
        status_code=303,
    )
    async def extend(
        self,
        request: Request[Actor, Any, Any],
        handover_id: RecordIdPath,
        data: URLEncodedBody[ExtendForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Agree on a new due date."""
        handover = await read_handover(engine, handover_id, request.user, purpose)
        try:
            await extend_loan(engine, handover_id, _date(data.due_on, "due_on"), request.user, purpose)
        except DomainError as error:
            return await _client_page(request, engine, settings, handover["client"], purpose, error)
        return Redirect(path=f"/clients/{handover['client']}?done=extended#handovers", status_code=303)

    @get("/loans/overdue", opt=_opt(Permission.DEVICE_ALLOCATE, Purpose.LOAN_FOLLOW_UP))
    async def overdue(
        self,
        request: Request[Actor, Any, Any],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """Loans past their due date."""
        loans = await overdue_loans(engine, request.user, purpose=purpose)
        return Template("clients/overdue.html", context=page_context(request, loans=loans))

    async def _erase_page(
        self,
        request: Request[Actor, Any, Any],
        client_id: int,
        engine: Engine,  # type: ignore[type-arg]
        settings: Settings,
        purpose: Purpose,
        error: DomainError | None = None,
    ) -> Template:
        record = await read_client(engine, client_id, request.user, settings, purpose)
        return Template(
            "clients/erase.html",
            context=page_context(request, record=record, client=record.client, **_error_context(error)),
            status_code=error.status_code if error else 200,
        )

    @get(
        "/clients/{client_id:int}/erase",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
    )
    async def erase_form(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Template:
        """Confirm erasing the client's personal data."""
        return await self._erase_page(request, client_id, engine, settings, purpose)

    @post(
        "/clients/{client_id:int}/erase",
        opt=_opt(Permission.CLIENT_WRITE, Purpose.DATA_ERASURE, recent_authentication=True),
        status_code=303,
    )
    async def erase(
        self,
        request: Request[Actor, Any, Any],
        client_id: ClientIdPath,
        data: URLEncodedBody[EraseForm],
        engine: NamedDependency[Engine],  # type: ignore[type-arg]
        settings: NamedDependency[Settings],
        purpose: NamedDependency[Purpose],
    ) -> Redirect | Template:
        """Erase, once the client's code has been typed again."""
        try:
            record = await read_client(engine, client_id, request.user, settings, purpose)
            if "".join(data.confirm_code.split()).upper() != record.client["code"]:
                raise InvalidInput("confirm_code", N_("Type the client's code exactly as shown to confirm."))
            await anonymise_client(engine, client_id, request.user, data.reason)
        except DomainError as error:
            return await self._erase_page(request, client_id, engine, settings, purpose, error)
        return Redirect(path=f"/clients/{client_id}?done=erased", status_code=303)
