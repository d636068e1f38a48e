"""API routes for bench tokens only: the check-in script and the bench workers (no person may use them)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.errors import InvalidInput
from inventory.i18n import N_, Language
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.runs.bench_tokens import BenchCredential
from inventory.runs.connections import CheckIn, check_in
from inventory.runs.guards import provide_bench_site, require_bench_token
from inventory.runs.schemas import (
    CheckInIn,
    CheckInOut,
    HeartbeatIn,
    HeartbeatOut,
    ResultAckOut,
    ScreenOut,
    WorkerIn,
    WorkerRegisteredOut,
)
from inventory.runs.screen import machine_screen
from inventory.runs.supervisor import RunsDependency
from inventory.runs.workers import (
    MAX_CHUNK,
    WorkerRegistration,
    claim_job,
    heartbeat,
    receive_results,
    register_worker,
)

BENCH_OPT = {"permission": Permission.DEVICE_WORK, "bench": True}
IdentPath = Annotated[
    str, PathParameter(max_length=32, pattern=r"^[0-9a-f]+$", description="The job's ident.")
]
WaitQuery = Annotated[int, QueryParameter(ge=0, le=60, description="Seconds to wait for a job.")]
OffsetQuery = Annotated[
    int, QueryParameter(ge=0, le=2**62, description="Where in the result stream these bytes start.")
]
CompleteQuery = Annotated[bool, QueryParameter(description="These are the stream's last bytes.")]
ScreenLanguage = Annotated[
    Language, QueryParameter(description="The language of the screen's words (the site's language).")
]
POLL_STEP_SECONDS = 1.0


class BenchController(Controller):
    """Bench-token routes under /api/v1/bench; the token's site bounds everything they see."""

    path = "/api/v1/bench"
    tags = ["bench"]
    guards = [require_bench_token]
    dependencies = {"bench": Provide(provide_bench_site)}
    opt = BENCH_OPT

    @post("/check-in", responses=API_ERRORS, status_code=200)
    async def bench_check_in(
        self,
        data: JSONBody[CheckInIn],
        request: Request[Actor, Any, Any],
        bench: NamedDependency[BenchCredential],
        engine: EngineDependency,
    ) -> CheckInOut:
        """A bench machine reports its serial, MAC and address; it is paired by serial when the serial is known."""
        result = await check_in(
            engine,
            bench.site_id,
            CheckIn(data.mac, data.address, data.serial, data.ssh_port, data.host_key, data.hostname),
            request.user,
        )
        return CheckInOut(
            machine_id=result.machine_id,
            asset_tag=result.asset_tag,
            paired_by=result.paired_how.value if result.paired_how else None,
        )

    @get(
        "/machines/{machine_id:int}/screen",
        responses=API_ERRORS,
    )
    async def bench_machine_screen(
        self,
        machine_id: RecordIdPath,
        bench: NamedDependency[BenchCredential],
        language: ScreenLanguage = Language.FI,
    ) -> ScreenOut:
        """The machine's own status screen asks what is happening to it now (its site's bench token, its check-in id)."""
        shown = await machine_screen(bench.site_id, machine_id, language.value)
        return ScreenOut(
            machine_id=shown.machine_id,
            serial=shown.serial,
            asset_tag=shown.asset_tag,
            phase=shown.phase.value,
            tone=shown.tone.value,
            percent=shown.percent,
            title=shown.title,
            detail=shown.detail,
        )

    @post("/workers", responses=API_ERRORS, status_code=200)
    async def register_bench_worker(
        self,
        data: JSONBody[WorkerIn],
        request: Request[Actor, Any, Any],
        bench: NamedDependency[BenchCredential],
        settings: SettingsDependency,
        engine: EngineDependency,
    ) -> WorkerRegisteredOut:
        """A bench worker starts: it is the site's (again, after a restart) and learns how often to report."""
        address = request.client.host if request.client else ""
        worker_id = await register_worker(
            engine, settings, bench, WorkerRegistration(data.name, data.version, data.ssh_key_path, address)
        )
        return WorkerRegisteredOut(
            worker_id=worker_id,
            site_code=bench.site_code,
            heartbeat_seconds=max(0.5, settings.bench_worker_timeout_seconds / 4),
            poll_seconds=min(25, max(1, settings.bench_worker_timeout_seconds // 2)),
        )

    @post(
        "/workers/{worker_id:int}/heartbeat",
        responses=API_ERRORS,
        status_code=200,
    )
    async def bench_worker_heartbeat(
        self, worker_id: RecordIdPath, data: JSONBody[HeartbeatIn], bench: NamedDependency[BenchCredential]
    ) -> HeartbeatOut:
        """The worker is alive; the answer lists its jobs to cancel."""
        del data  # the running jobs are known from the runs themselves
        return HeartbeatOut(cancel=await heartbeat(bench, worker_id))

    @get(
        "/workers/{worker_id:int}/jobs/next",
        responses={**API_ERRORS},
        media_type="application/octet-stream",
    )
    async def next_bench_job(
        self,
        worker_id: RecordIdPath,
        bench: NamedDependency[BenchCredential],
        engine: EngineDependency,
        settings: SettingsDependency,
        runs: RunsDependency,
        wait: WaitQuery = 25,
    ) -> Response[bytes]:
        """Long poll: the site's next job as ansible-runner's job stream, or 204 when none came in `wait` seconds."""
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            job = await claim_job(engine, bench, worker_id, settings)
            if job is not None:
                return Response(
                    job.stream,
                    media_type="application/octet-stream",
                    headers={"X-Kierto-Job": job.ident, "X-Kierto-Run": str(job.run_id)},
                )
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return Response(b"", status_code=HTTP_204_NO_CONTENT)
            await runs.wait_queued(min(POLL_STEP_SECONDS, remaining))

    @post(
        "/workers/{worker_id:int}/jobs/{ident:str}/results",
        responses=API_ERRORS,
        status_code=200,
    )
    async def post_bench_results(
        self,
        worker_id: RecordIdPath,
        ident: IdentPath,
        request: Request[Actor, Any, Any],
        bench: NamedDependency[BenchCredential],
        engine: EngineDependency,
        runs: RunsDependency,
        offset: OffsetQuery = 0,
        complete: CompleteQuery = False,
    ) -> ResultAckOut:
        """Bytes of the job's result stream from `offset`, as the worker produced them; repeats are recorded once."""
        data = await request.body()
        if len(data) > MAX_CHUNK:
            raise InvalidInput("body", N_("Send the result stream in pieces of at most 1 MB."))
        receipt = await receive_results(engine, bench, worker_id, ident, offset, data, complete)
        if receipt.stored:
            await runs.ensure_processing(receipt.run_id)
        return ResultAckOut(received=receipt.received, duplicate=receipt.duplicate)
