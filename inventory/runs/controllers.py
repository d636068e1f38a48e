"""API routes for runs, profiles, the bench set-up and bench evidence (people's routes; see bench_api for tokens)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody, PathParameter, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, RunsDependency, SettingsDependency
from inventory.devices.destruction import Destruction, record_destroyed_disk
from inventory.devices.erasure_signoff import accept_warning, awaiting_sign_off, sign_off
from inventory.errors import NotFound
from inventory.i18n import N_
from inventory.params import RecordIdPath, TagPath
from inventory.permissions import Permission
from inventory.runs.bench_tokens import issue_bench_token
from inventory.runs.choices import CheckResult, ProfileStatus, ReverificationResult, RunState
from inventory.runs.connections import ManualConnection, pair_by_tag, set_connection, unpaired_machines
from inventory.runs.evidence import Checklist, record_hardware_check
from inventory.runs.nwipe_import import NwipeUpload, import_wipe_log
from inventory.runs.passwords import reveal_password
from inventory.runs.presenters import progress_out, run_out
from inventory.runs.provisioning_profiles import (
    ProfileData,
    create_profile,
    get_profile,
    list_profiles,
    update_profile,
)
from inventory.runs.queries import device_progress, get_run, list_runs, run_events, workers_by_site
from inventory.runs.sampling import Reverification, pending_samples, record_reverification
from inventory.runs.schemas import (
    AwaitingSignOffOut,
    BenchSiteIn,
    BenchSiteOut,
    BenchTokenIn,
    BenchTokenOut,
    ConnectionIn,
    ConnectionOut,
    DestroyedDiskIn,
    DeviceProgressOut,
    ErasureCreatedOut,
    HardwareCheckIn,
    HardwareCheckOut,
    InitialPasswordOut,
    MachineOut,
    NwipeLogIn,
    PairIn,
    PairOut,
    ProfileIn,
    ProfileOut,
    ReverificationIn,
    RunEventOut,
    RunIn,
    RunOut,
    SampleOut,
    SignOffIn,
    SignOffOut,
    WarningAcceptanceIn,
    WorkerOut,
)
from inventory.runs.starting import RunRequest, set_site_executor, start_run
from inventory.runs.tables import ReverificationSample
from inventory.settings import Settings

CertificatePath = Annotated[str, PathParameter(max_length=32, description="An erasure certificate number.")]
AfterQuery = Annotated[
    int, QueryParameter(ge=0, le=2**31 - 1, description="Only events after this event id.")
]


class RunController(Controller):
    """Runs under /api/v1/runs."""

    path = "/api/v1/runs"
    tags = ["runs"]

    @post("/", operation_id="startRun", responses=API_ERRORS, opt={"permission": Permission.DEVICE_WORK})
    async def start(
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

    @get("/", operation_id="listRuns", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_all(
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
        operation_id="getRun",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_one(self, run_id: RecordIdPath, settings: SettingsDependency) -> RunOut:
        """One run with the progress of each device."""
        return await run_out(await get_run(run_id), settings)

    @get(
        "/{run_id:int}/events",
        operation_id="listRunEvents",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def events(self, run_id: RecordIdPath, after: AfterQuery = 0) -> list[RunEventOut]:
        """The run's events as they came, 200 at a time after the given event id."""
        return [RunEventOut(**row) for row in await run_events(run_id, after)]

    @post(
        "/{run_id:int}/cancel",
        operation_id="cancelRun",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def cancel(
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

    @get("/", operation_id="listProfiles", responses=API_ERRORS, opt={"permission": Permission.DEVICE_READ})
    async def list_all(self) -> list[ProfileOut]:
        """Every profile."""
        return [_profile_out(row) for row in await list_profiles()]

    @post("/", operation_id="createProfile", responses=API_ERRORS, opt={"permission": Permission.ADMINISTER})
    async def create(self, data: JSONBody[ProfileIn], request: Request[Actor, Any, Any]) -> ProfileOut:
        """Create a profile; its variables must be documented role variables of provision.yml."""
        profile_id = await create_profile(_profile_data(data), request.user)
        return _profile_out(await get_profile(profile_id))

    @get(
        "/{profile_id:int}",
        operation_id="getProfile",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def get_one(self, profile_id: RecordIdPath) -> ProfileOut:
        """One profile."""
        return _profile_out(await get_profile(profile_id))

    @put(
        "/{profile_id:int}",
        operation_id="updateProfile",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def update(
        self, profile_id: RecordIdPath, data: JSONBody[ProfileIn], request: Request[Actor, Any, Any]
    ) -> ProfileOut:
        """Replace a profile's names, variables and whether it can be chosen."""
        await update_profile(profile_id, _profile_data(data), request.user)
        return _profile_out(await get_profile(profile_id))


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


def _profile_out(row: dict[str, Any]) -> ProfileOut:
    return ProfileOut(**{name: row[name] for name in ProfileOut.__struct_fields__})


class BenchSetupController(Controller):
    """Bench set-up for people under /api/v1/bench: tokens, where runs go, workers, machines to pair."""

    path = "/api/v1/bench"
    tags = ["bench"]

    @post(
        "/tokens",
        operation_id="issueBenchToken",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def issue_token(
        self, data: JSONBody[BenchTokenIn], request: Request[Actor, Any, Any]
    ) -> BenchTokenOut:
        """Make a bench token bound to one site, for its bench worker and check-in script (shown once)."""
        issued = await issue_bench_token(data.site_id, data.name, request.user)
        return BenchTokenOut(id=issued.id, site_id=data.site_id, name=issued.name, secret=issued.secret)

    @get(
        "/sites",
        operation_id="listBenchSites",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def sites(self, settings: SettingsDependency) -> list[BenchSiteOut]:
        """Each site's bench: where its runs go, its workers (online, heartbeat, version, jobs), waiting runs."""
        return await _bench_sites(settings)

    @put(
        "/sites/{site_id:int}",
        operation_id="setBenchSite",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def set_site(
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
        operation_id="listBenchMachines",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def machines(self) -> list[MachineOut]:
        """Machines that checked in and wait to be paired with their device."""
        return [MachineOut(**row) for row in await unpaired_machines()]

    @post(
        "/machines/{machine_id:int}/pair",
        operation_id="pairBenchMachine",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def pair(
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
            executor=site["executor"],
            workers=[WorkerOut(**{k: w[k] for k in WorkerOut.__struct_fields__}) for w in site["workers"]],
            waiting_runs=site["waiting_runs"],
        )
        for site in await workers_by_site(settings)
    ]


class DeviceBenchController(Controller):
    """A device's bench work under /api/v1/devices: connection, progress, evidence, initial password."""

    path = "/api/v1/devices"
    tags = ["devices"]

    @put(
        "/{tag:str}/connection",
        operation_id="setDeviceConnection",
        responses=API_ERRORS,
        opt={"permission": Permission.ADMINISTER},
    )
    async def connection(
        self,
        tag: TagPath,
        data: JSONBody[ConnectionIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> ConnectionOut:
        """Type a device's connection data by hand (SSH; chroot and local only where the server allows them)."""
        machine_id = await set_connection(
            engine,
            tag,
            ManualConnection(data.connection, data.address, data.ssh_port, data.ssh_user, data.host_key),
            request.user,
            settings,
        )
        return ConnectionOut(machine_id=machine_id)

    @get(
        "/{tag:str}/progress",
        operation_id="getDeviceProgress",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def progress(self, tag: TagPath) -> DeviceProgressOut:
        """The device's part in its latest run: percentage, current task, failure in plain words."""
        row = await device_progress(tag)
        if row is None:
            raise NotFound(N_("This device has not been in a run yet."))
        return progress_out(row)

    @post(
        "/{tag:str}/disks/{disk_id:int}/destroyed",
        operation_id="recordDestroyedDisk",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def destroyed(
        self,
        tag: TagPath,
        disk_id: RecordIdPath,
        data: JSONBody[DestroyedDiskIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Record a disk that cannot be erased as physically destroyed: how, witnessed by another person."""
        destruction = Destruction(data.method, data.witness_username, data.recycler_reference, data.note)
        await record_destroyed_disk(engine, tag, disk_id, destruction, request.user)

    @post(
        "/{tag:str}/hardware-check",
        operation_id="recordHardwareCheck",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def hardware_check(
        self,
        tag: TagPath,
        data: JSONBody[HardwareCheckIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> HardwareCheckOut:
        """Confirm the hardware checklist; with the scanned battery health it gives the condition grade."""
        from inventory.devices.tables import Device
        from inventory.runs.evidence import latest_battery_health

        items = {
            name: CheckResult(getattr(data, name))
            for name in ("keyboard", "screen", "webcam", "microphone", "wifi", "usb_ports")
        }
        grade = await record_hardware_check(engine, tag, Checklist(items, data.notes), request.user)
        device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
        assert device is not None
        return HardwareCheckOut(
            condition_grade=grade, battery_health=await latest_battery_health(device["id"])
        )

    @post(
        "/{tag:str}/erasures/nwipe",
        operation_id="importNwipeLog",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def nwipe(
        self,
        tag: TagPath,
        data: JSONBody[NwipeLogIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> ErasureCreatedOut:
        """Accept an nwipe / ShredOS log as the erasure of every disk of the device; a bad log is refused with the reason."""
        upload = NwipeUpload(data.log, {pair.drive: pair.disk_id for pair in data.pairs})
        number = await import_wipe_log(engine, tag, upload, request.user, settings)
        picked = await ReverificationSample.exists().where(
            ReverificationSample.erasure.certificate_number == number
        )
        return ErasureCreatedOut(certificate_number=number, picked_for_reverification=picked)

    @post(
        "/{tag:str}/initial-password",
        operation_id="revealInitialPassword",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_ALLOCATE},
        status_code=200,
    )
    async def initial_password(
        self,
        tag: TagPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> InitialPasswordOut:
        """Show the account name and initial password for the handover; each showing is recorded."""
        username, password = await reveal_password(engine, tag, request.user, settings)
        return InitialPasswordOut(username=username, password=password)


class ErasureSampleController(Controller):
    """Independent re-verification of erasures under /api/v1/erasures."""

    path = "/api/v1/erasures"
    tags = ["erasures"]

    @get(
        "/reverifications",
        operation_id="listReverifications",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def samples(self, request: Request[Actor, Any, Any]) -> list[SampleOut]:
        """Erasures picked for re-verification that wait for it."""
        return [SampleOut(**row) for row in await pending_samples(request.user)]

    @get(
        "/sign-off",
        operation_id="listErasuresAwaitingSignOff",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
    )
    async def awaiting_sign_off(self) -> list[AwaitingSignOffOut]:
        """Passed erasures that wait for a coordinator to sign them off, oldest first."""
        return [
            AwaitingSignOffOut(
                certificate_number=row["certificate_number"],
                asset_tag=row["asset_tag"],
                finished_at=row["finished_at"],
                tool=" ".join(part for part in (row["tool"], row["tool_version"]) if part),
                warning=row["warning"],
                warning_accepted=row["warning_accepted_at"] is not None,
            )
            for row in await awaiting_sign_off()
        ]

    @post(
        "/sign-off",
        operation_id="signOffErasures",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
        status_code=200,
    )
    async def sign_off(
        self,
        data: JSONBody[SignOffIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> SignOffOut:
        """Sign off a batch of passed erasures as their validating person; their certificates can then be printed."""
        return SignOffOut(signed_off=await sign_off(engine, data.numbers, data.title, request.user))

    @post(
        "/{certificate:str}/warning-acceptance",
        operation_id="acceptErasureWarning",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
        status_code=200,
    )
    async def accept_warning(
        self,
        certificate: CertificatePath,
        data: JSONBody[WarningAcceptanceIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Accept an erasure's warning (Clear on flash media reused outside) with a written reason."""
        await accept_warning(engine, certificate, data.reason, request.user)

    @post(
        "/{certificate:str}/reverification",
        operation_id="recordReverification",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def reverify(
        self,
        certificate: CertificatePath,
        data: JSONBody[ReverificationIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> None:
        """Record a re-verification by another person than the operator; a failure puts the device on hold."""
        await record_reverification(
            engine,
            certificate,
            Reverification(data.result is ReverificationResult.PASSED, data.method),
            request.user,
            settings,
        )
