"""API routes for setting up each site's bench: bench tokens, where runs go, workers, machines to pair."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.runs.bench_tokens import issue_bench_token
from inventory.runs.choices import Executor
from inventory.runs.connections import pair_by_tag, unpaired_machines
from inventory.runs.queries import workers_by_site
from inventory.runs.schemas import (
    BenchSiteIn,
    BenchSiteOut,
    BenchTokenIn,
    BenchTokenOut,
    MachineOut,
    PairIn,
    PairOut,
    WorkerOut,
)
from inventory.runs.starting import set_site_executor
from inventory.settings import Settings


class BenchSetupController(Controller):
    """Bench set-up for people under /api/v1/bench: tokens, where runs go, workers, machines to pair."""

    path = "/api/v1/bench"
    tags = ["bench"]

    @post(
        "/tokens",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def issue_bench_token(
        self, data: JSONBody[BenchTokenIn], request: Request[Actor, Any, Any]
    ) -> BenchTokenOut:
        """Make a bench token bound to one site, for its bench worker and check-in script (shown once)."""
        issued = await issue_bench_token(data.site_id, data.name, request.user)
        return BenchTokenOut(id=issued.id, site_id=data.site_id, name=issued.name, secret=issued.secret)

    @get(
        "/sites",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_bench_sites(self, settings: SettingsDependency) -> list[BenchSiteOut]:
        """Each site's bench: where its runs go, its workers (online, heartbeat, version, jobs), waiting runs."""
        return await _bench_sites(settings)

    @put(
        "/sites/{site_id:int}",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def set_bench_site(
        self,
        site_id: RecordIdPath,
        data: JSONBody[BenchSiteIn],
        request: Request[Actor, Any, Any],
        settings: SettingsDependency,
    ) -> BenchSiteOut:
        """Choose whether the site's runs go to this server or to its bench worker."""
        await set_site_executor(site_id, data.executor, request.user)
        return next(site for site in await _bench_sites(settings) if site.site_id == site_id)

    @get(
        "/machines",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_bench_machines(self) -> list[MachineOut]:
        """Machines that checked in and wait to be paired with their device."""
        return await unpaired_machines()

    @post(
        "/machines/{machine_id:int}/pair",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def pair_bench_machine(
        self,
        machine_id: RecordIdPath,
        data: JSONBody[PairIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> PairOut:
        """Pair a checked-in machine with the device whose tag was scanned."""
        return PairOut(asset_tag=await pair_by_tag(engine, machine_id, data.code, request.user))


async def _bench_sites(settings: Settings) -> list[BenchSiteOut]:
    return [
        BenchSiteOut(
            site_id=site["id"],
            site_code=site["code"],
            executor=Executor(site["executor"]),
            workers=[
                WorkerOut(
                    id=worker["id"],
                    name=worker["name"],
                    version=worker["version"],
                    online=worker["online"],
                    last_heartbeat_at=worker["last_heartbeat_at"],
                    running_runs=worker["running_runs"],
                )
                for worker in site["workers"]
            ],
            waiting_runs=site["waiting_runs"],
        )
        for site in await workers_by_site(settings)
    ]
