"""API routes for runs and provisioning profiles (the bench's set-up, devices' bench work and erasure checks have their own)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.runs.choices import ProfileStatus, RunState
from inventory.runs.presenters import run_out
from inventory.runs.provisioning_profiles import (
    ProfileData,
    create_profile,
    get_profile,
    list_profiles,
    update_profile,
)
from inventory.runs.queries import get_run, list_runs, run_events
from inventory.runs.schemas import (
    ProfileIn,
    ProfileOut,
    RunEventOut,
    RunIn,
    RunOut,
)
from inventory.runs.starting import RunRequest, start_run
from inventory.runs.supervisor import RunsDependency

AfterQuery = Annotated[
    int, QueryParameter(ge=0, le=2**31 - 1, description="Only events after this event id.")
]


class RunController(Controller):
    """Runs under /api/v1/runs."""

    path = "/api/v1/runs"
    tags = ["runs"]

    @post("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_WORK})
    async def start_run(
        self,
        data: JSONBody[RunIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        runs: RunsDependency,
    ) -> RunOut:
        """Start a hardware scan, a wipe or an installation on one device or a bench batch."""
        run_id = await start_run(
            engine,
            RunRequest(data.kind, tuple(data.asset_tags), data.profile_id),
            request.user,
            settings,
            runs,
        )
        return await run_out(await get_run(run_id), settings)

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_runs(
        self,
        request: Request[Actor, Any, Any],
        settings: SettingsDependency,
        device: Annotated[
            str | None, QueryParameter(max_length=40, description="Only runs of this asset tag.")
        ] = None,
        states: Annotated[
            list[RunState] | None, QueryParameter(name="state", description="Only runs in these states.")
        ] = None,
    ) -> list[RunOut]:
        """Recent runs, newest first."""
        return [
            await run_out(run, settings) for run in await list_runs(request.user, device, states=states or ())
        ]

    @get(
        "/{run_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_run(self, run_id: RecordIdPath, settings: SettingsDependency) -> RunOut:
        """One run with the progress of each device."""
        return await run_out(await get_run(run_id), settings)

    @get(
        "/{run_id:int}/events",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_run_events(self, run_id: RecordIdPath, after: AfterQuery = 0) -> list[RunEventOut]:
        """The run's events as they came, 200 at a time after the given event id."""
        return await run_events(run_id, after)

    @post(
        "/{run_id:int}/cancel",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def cancel_run(
        self,
        run_id: RecordIdPath,
        engine: EngineDependency,
        settings: SettingsDependency,
        runs: RunsDependency,
    ) -> RunOut:
        """Stop a run: a waiting one ends at once, a running one when Ansible has stopped."""
        from inventory.runs.cancelling import cancel_run

        await cancel_run(engine, run_id, settings, runs)
        return await run_out(await get_run(run_id), settings)


class ProfileController(Controller):
    """Provisioning profiles under /api/v1/profiles."""

    path = "/api/v1/profiles"
    tags = ["profiles"]

    @get("/", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_profiles(self) -> list[ProfileOut]:
        """Every profile."""
        return await list_profiles()

    @post("/", responses=API_ERRORS, opt={"permission": Permission.ADMINISTER})
    async def create_profile(
        self, data: JSONBody[ProfileIn], request: Request[Actor, Any, Any]
    ) -> ProfileOut:
        """Create a profile; its variables must be documented role variables of provision.yml."""
        profile_id = await create_profile(_profile_data(data), request.user)
        return await get_profile(profile_id)

    @get(
        "/{profile_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_profile(self, profile_id: RecordIdPath) -> ProfileOut:
        """One profile."""
        return await get_profile(profile_id)

    @put(
        "/{profile_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def update_profile(
        self, profile_id: RecordIdPath, data: JSONBody[ProfileIn], request: Request[Actor, Any, Any]
    ) -> ProfileOut:
        """Replace a profile's names, variables and whether it can be chosen."""
        await update_profile(profile_id, _profile_data(data), request.user)
        return await get_profile(profile_id)


def _profile_data(data: ProfileIn) -> ProfileData:
    return ProfileData(
        slug=data.slug,
        name_fi=data.name_fi,
        name_en=data.name_en,
        name_sv=data.name_sv,
        description=data.description,
        variables=dict(data.variables),
        is_active=data.status is ProfileStatus.ACTIVE,
    )
