"""Pages for devices: the home queue, the device list, one device with its next steps, and scanning."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accounts.display_names import display_names
from inventory.actors import Actor
from inventory.choices import (
    CONDITION_GRADE_LABELS,
    DEVICE_KIND_LABELS,
    DISK_KIND_LABELS,
)
from inventory.database import AnyEngine
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.client_steps import ClientSteps, ClientStepsDependency
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.presenters import device_out, events_out
from inventory.devices.queries import (
    DeviceFilter,
    device_counts_by_state,
    device_erasures,
    device_events,
    get_device,
    list_devices,
)
from inventory.devices.reach import reach_device
from inventory.devices.scanning import resolve_scan
from inventory.devices.step_options import step_options
from inventory.devices.transitions import TransitionRequest, preview_transition, transition
from inventory.documents.queries import device_certificates
from inventory.errors import DomainError, InvalidInput
from inventory.event_kinds import EVENT_KINDS
from inventory.i18n import N_, current_language, gettext, normalise_language
from inventory.lifecycle import ALLOCATION_ACTIONS, Action, Decision, State
from inventory.params import ActionPath, PageQuery, TagPath, TextQuery
from inventory.permissions import Permission
from inventory.runs.choices import CHECK_ITEMS, CHECK_RESULT_LABELS
from inventory.runs.evidence import latest_hardware_check
from inventory.runs.pages import LABELS as RUN_LABELS
from inventory.runs.presenters import progress_out
from inventory.runs.queries import device_progress
from inventory.runs.screen import device_screen
from inventory.web import Page, event_label, field_errors, form_list, format_bytes
from labels.sanitisation_terms import DESTRUCTION_CAPTIONS, DestructionMethod
from labels.translation import translator

PER_PAGE = 50


@dataclass
class StepForm:
    """The fields a step's form may send."""

    reason: str = ""
    recycler_reference: str = ""
    tool: str = ""
    disk: list[int] | int = field(default_factory=list)  # one ticked box arrives as a single value
    confirmed: str = ""  # "yes" once the person has seen what the step will do


@dataclass
class ReserveForm:
    """The client chosen on the device page."""

    client_id: str = ""


# Refusals of the manual erasure form name the API's fields; the form's own fields carry these names.
_FORM_FIELDS = {"erasure.tool": "tool", "erasure.disks": "disk", "erasure": "disk"}


async def device_page(
    request: Request[Actor, Any, Any],
    engine: AnyEngine,
    tag: str,
    client_steps: ClientSteps,
    failed: tuple[Action, DomainError] | None = None,
    status_code: int = 200,
    evidence: dict[str, Any] | None = None,
) -> Template:
    """The device page; `failed` is a refused step, `evidence` a refused evidence form (see evidence_pages).

    `client_steps` is the client area's part (the app's `client_steps` dependency): the clients to reserve for.
    """
    device = await get_device(tag)
    device_id = device["id"]
    # Independent reads at once: each waits for its own SQLite thread or pool connection.
    shown, event_rows, options, erasures, progress_row, certificates = await asyncio.gather(
        device_out(device, request.user),
        device_events(device_id),
        step_options(device_id, request.user),
        device_erasures(device_id),
        device_progress(tag, device_id),
        device_certificates(tag, device_id),
    )
    events = await events_out(event_rows, request.user)
    done = request.query_params.get("done")
    notice = f"{event_label(done)}." if done is not None and done in EVENT_KINDS and not failed else None
    errors: dict[str, str] = {}
    if failed is not None:
        errors = {_FORM_FIELDS.get(name, name): text for name, text in field_errors(failed[1]).items()}
    return Page(
        "devices/detail.html",
        context={
            "device": shown,
            "events": events,
            "names": await display_names(event.actor for event in events),
            "options": options,
            "erasures": erasures,
            "asset_tag": device["asset_tag"],
            "progress": progress_out(progress_row) if progress_row else None,
            "screen": await device_screen(device["asset_tag"]),
            **RUN_LABELS,
            "failed_action": failed[0].value if failed else None,
            "errors": errors,
            "notice": notice,
            "evidence": evidence or {"section": None, "errors": {}},
            "hardware_check": await latest_hardware_check(device["id"]),
            "check_items": CHECK_ITEMS,
            "check_results": CHECK_RESULT_LABELS,
            "grade_labels": CONDITION_GRADE_LABELS,
            "reserve_clients": await client_steps.clients_to_reserve_for(
                engine, device["asset_tag"], request.user
            ),
            "certificates": certificates,
            "disk_options": [
                (
                    str(disk.id),
                    " ".join(
                        part
                        for part in (
                            disk.model,
                            disk.serial or gettext(N_("no serial")),
                            format_bytes(disk.size_bytes),
                        )
                        if part
                    ),
                )
                for disk in shown.disks
                if disk.destroyed_at is None
            ],
            "destruction_methods": _destruction_method_options(),
            "disk_kinds": [(kind.value, gettext(label)) for kind, label in DISK_KIND_LABELS.items()],
            "device_kinds": [(kind.value, gettext(label)) for kind, label in DEVICE_KIND_LABELS.items()],
        },
        status_code=status_code,
    )


async def _confirmation_page(tag: str, decision: Decision, form: StepForm) -> Template:
    device = await get_device(tag)
    chosen = set(form_list(form.disk))
    return Page(
        "devices/confirm_step.html",
        context={
            "device": device,
            "decision": decision,
            "form": form,
            "disks": [disk for disk in device["disks"] if disk["id"] in chosen],
            "issues_certificate": decision.action is Action.WIPE_PASSED,
        },
    )


def _destruction_method_options() -> list[tuple[str, str]]:
    """Each way to destroy a disk, in the words its certificate prints, in the request's language."""
    caption = translator(normalise_language(current_language.get()))
    return [(method.value, caption(DESTRUCTION_CAPTIONS[method])) for method in DestructionMethod]


def _step_request(action: Action, form: StepForm) -> TransitionRequest:
    erasure = None
    if action is Action.WIPE_PASSED:
        erasure = ErasureRecord(
            disks=tuple(ErasedDisk(disk_id=disk_id, verified=True) for disk_id in form_list(form.disk)),
            method="manual",
            tool=form.tool.strip()[:100],
            verification_method=gettext(N_("Confirmed by the operator")),
        )
    return TransitionRequest(
        reason=form.reason.strip()[:1000],
        recycler_reference=form.recycler_reference.strip()[:100] or None,
        erasure=erasure,
    )


class DevicePages(Controller):
    """The home page, /devices and /scan."""

    path = "/"
    include_in_schema = False

    @get("/", opt={"permission": Permission.DEVICE_READ})
    async def home(self) -> Template:
        """The home page: how many devices are at each step."""
        return Page("devices/home.html", context={"counts": await device_counts_by_state()})

    @get("/devices", opt={"permission": Permission.DEVICE_READ})
    async def device_list(
        self,
        request: Request[Actor, Any, Any],
        q: TextQuery = "",
        step: Annotated[str, QueryParameter(name="state", max_length=30)] = "",
        page: PageQuery = 1,
    ) -> Template:
        """Devices, filtered by step and free text."""
        states = (State(step),) if step in {s.value for s in State} else ()
        rows, total = await list_devices(DeviceFilter(states=states, text=q), request.user, page, PER_PAGE)
        return Page(
            "devices/list.html",
            context={
                "devices": rows,
                "total": total,
                "q": q,
                "state": step,
                "page": page,
                "per_page": PER_PAGE,
            },
        )

    @get("/devices/{tag:str}", opt={"permission": Permission.DEVICE_READ})
    async def device_detail(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        engine: EngineDependency,
        client_steps: ClientStepsDependency,
    ) -> Template:
        """One device: its step, next steps, details, disks and history."""
        return await device_page(request, engine, tag, client_steps)

    @post(
        "/devices/{tag:str}/steps/{action:str}", opt={"permission": Permission.DEVICE_READ}, status_code=303
    )
    async def take_step(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        action: ActionPath,
        data: URLEncodedBody[StepForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Take a step from the device page once confirmed; a refusal shows on the page with its reason.

        The first post only shows what the step will do, naming the device: a scan that lands in a
        step's field and submits it (a tag as the erasure tool or the hold reason) changes nothing.
        """
        try:
            step = _step_request(action, data)
            if data.confirmed != "yes":
                if action in ALLOCATION_ACTIONS:
                    decision = await client_steps.preview_allocation_step(
                        engine, tag, action, request.user, settings, step
                    )
                else:
                    decision = await preview_transition(tag, action, request.user, settings, step)
                return await _confirmation_page(tag, decision, data)
            if action in ALLOCATION_ACTIONS:  # the client area keeps its reservations and handovers with it
                await client_steps.allocation_step(engine, tag, action, request.user, settings, step)
            else:
                await transition(engine, tag, action, request.user, settings, step)
        except DomainError as refused:
            return await device_page(
                request, engine, tag, client_steps, (action, refused), status_code=refused.status_code
            )
        return Redirect(path=f"/devices/{quote(tag)}?done={action.value}", status_code=303)

    @post("/devices/{tag:str}/reserve", opt={"permission": Permission.DEVICE_ALLOCATE}, status_code=303)
    async def reserve(
        self,
        request: Request[Actor, Any, Any],
        tag: TagPath,
        data: URLEncodedBody[ReserveForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        client_steps: ClientStepsDependency,
    ) -> Redirect | Template:
        """Reserve this ready device for one of the user's clients chosen on the device page."""
        try:
            if not data.client_id.strip().isdigit():
                raise InvalidInput("client_id", N_("Choose the client."))
            await client_steps.reserve_device(engine, int(data.client_id), tag, request.user, settings)
        except DomainError as refused:
            return await device_page(
                request, engine, tag, client_steps, (Action.RESERVE, refused), status_code=refused.status_code
            )
        return Redirect(path=f"/devices/{quote(tag)}?done=reserve", status_code=303)

    @get("/scan", opt={"permission": Permission.DEVICE_READ})
    async def scan(self, request: Request[Actor, Any, Any], code: TextQuery = "") -> Redirect | Template:
        """Open the device a scanned or typed code belongs to; otherwise say why, ready for the next scan."""
        try:
            match = await resolve_scan(code)
            await reach_device(request.user, match.asset_tag)
        except DomainError as refused:
            return Page(
                "devices/scan.html",
                context={
                    "code": code,
                    "errors": {"code": refused.text()},
                    "suggestion": refused.values.get("suggestion"),
                },
                status_code=refused.status_code,
            )
        return Redirect(path=f"/devices/{quote(match.asset_tag)}")
