"""Pages for runs: the runs and bench overview, starting a run, one run's live progress, a device's progress bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import PathParameter, URLEncodedBody
from litestar.response import Redirect, ServerSentEvent, Template

from inventory.accounts.display_names import display_names
from inventory.actors import Actor
from inventory.clock import now
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import DomainError
from inventory.params import RecordIdPath, TagPath
from inventory.permissions import Permission
from inventory.runs.choices import RUN_KIND_LABELS, RUN_STATE_LABELS, TARGET_STATE_LABELS, RunKind
from inventory.runs.connections import pair_by_tag, unpaired_machines
from inventory.runs.golden_images import image_summaries
from inventory.runs.live import device_stream, run_stream, settled
from inventory.runs.presenters import progress_out, run_out
from inventory.runs.provisioning_profiles import list_profiles
from inventory.runs.queries import device_progress, get_run, list_runs, run_events, workers_by_site
from inventory.runs.screen import device_screen
from inventory.runs.starting import RunRequest, start_run
from inventory.runs.supervisor import RunsDependency
from inventory.settings import Settings
from inventory.web import Page

MachinePath = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
LABELS = {"kinds": RUN_KIND_LABELS, "run_states": RUN_STATE_LABELS, "target_states": TARGET_STATE_LABELS}


@dataclass
class StartForm:
    """The start form: a kind of run, tags one per line (or separated by spaces), a profile."""

    kind: str = ""
    tags: str = ""
    profile_id: str = ""


@dataclass
class PairForm:
    """The tag scanned to pair a checked-in machine."""

    code: str = ""


async def _overview(
    request: Request[Actor, Any, Any],
    settings: Settings,
    error: str | None = None,
    status_code: int = 200,
    refused_pair: tuple[int, str] | None = None,
    start_form: StartForm | None = None,
) -> Template:
    runs = [await run_out(run, settings) for run in await list_runs(request.user, limit=30)]
    return Page(
        "runs/index.html",
        context={
            "runs": runs,
            "names": await display_names(run.started_by for run in runs),
            "profiles": await list_profiles(active_only=True),
            "images": image_summaries(settings, now()),
            "sites": await workers_by_site(settings),
            "machines": await unpaired_machines(),
            "error": error,
            "refused_pair": refused_pair,
            "start_form": start_form or StartForm(),
            **LABELS,
        },
        status_code=status_code,
    )


class RunPages(Controller):
    """/runs and a device's progress bar."""

    path = "/"
    include_in_schema = False

    @get("/runs", opt={"permission": Permission.DEVICE_READ})
    async def overview(self, request: Request[Actor, Any, Any], settings: SettingsDependency) -> Template:
        """Recent runs, the sites' bench workers, machines waiting to be paired, and the start form."""
        return await _overview(request, settings)

    @post("/runs", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def start(
        self,
        request: Request[Actor, Any, Any],
        data: URLEncodedBody[StartForm],
        engine: EngineDependency,
        settings: SettingsDependency,
        runs: RunsDependency,
    ) -> Redirect | Template:
        """Start a run from the form and follow it."""
        try:
            kind = RunKind(data.kind)
            tags = tuple(data.tags.replace(",", " ").split())
            profile = int(data.profile_id) if data.profile_id.isdigit() else None
            run_id = await start_run(engine, RunRequest(kind, tags, profile), request.user, settings, runs)
        except ValueError:
            return await _overview(request, settings, error=None, status_code=422, start_form=data)
        except DomainError as refused:
            return await _overview(
                request, settings, error=refused.text(), status_code=refused.status_code, start_form=data
            )
        return Redirect(path=f"/runs/{run_id}", status_code=303)

    @get("/runs/{run_id:int}", opt={"permission": Permission.DEVICE_READ})
    async def detail(self, run_id: RecordIdPath, settings: SettingsDependency) -> Template:
        """One run: a live progress bar per device and the failures in plain words."""
        row = await get_run(run_id)
        run = await run_out(row, settings)
        failures = [e for e in await run_events(run_id, limit=2000) if e.outcome in ("failed", "unreachable")]
        return Page(
            "runs/detail.html",
            # An ended run's page does not follow the stream: it would only say "finished" and reload the page.
            context={
                "run": run,
                "live": not settled(row),
                "failures": failures[-20:],
                "names": await display_names([run.started_by]),
                **LABELS,
            },
        )

    @get("/runs/{run_id:int}/stream", opt={"permission": Permission.DEVICE_READ})
    async def stream(
        self, run_id: RecordIdPath, settings: SettingsDependency, runs: RunsDependency
    ) -> ServerSentEvent:
        """Server-sent events: `progress` as the run's devices move, then `finished`."""
        await get_run(run_id)  # 404 before the stream starts
        return ServerSentEvent(
            run_stream(run_id, settings, runs),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @get("/devices/{tag:str}/progress", opt={"permission": Permission.DEVICE_READ})
    async def device_bar(self, tag: TagPath) -> Template:
        """The device's progress bar, to include in the device page (runs/_device_progress.html)."""
        row = await device_progress(tag)
        return Page(
            "runs/_device_progress.html",
            context={
                "asset_tag": tag,
                "progress": progress_out(row) if row else None,
                "screen": await device_screen(tag),
                **LABELS,
            },
        )

    @get("/devices/{tag:str}/progress/stream", opt={"permission": Permission.DEVICE_READ})
    async def device_bar_stream(self, tag: TagPath, runs: RunsDependency) -> ServerSentEvent:
        """Server-sent events for one device's progress bar."""
        await device_progress(tag)  # 404 before the stream starts
        return ServerSentEvent(
            device_stream(tag, runs), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    @post("/runs/machines/{machine_id:int}/pair", opt={"permission": Permission.DEVICE_WORK}, status_code=303)
    async def pair(
        self,
        request: Request[Actor, Any, Any],
        machine_id: MachinePath,
        data: URLEncodedBody[PairForm],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Redirect | Template:
        """Pair a checked-in machine with the device whose tag was scanned."""
        try:
            await pair_by_tag(engine, machine_id, data.code, request.user)
        except DomainError as refused:
            return await _overview(
                request,
                settings,
                error=refused.text(),
                status_code=refused.status_code,
                refused_pair=(machine_id, data.code[:100]),
            )
        return Redirect(path="/runs", status_code=303)
