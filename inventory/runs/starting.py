"""Starting a hardware scan, a wipe or an installation on one device or a bench batch of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol, cast

from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.asset_tags import canonical_tag
from inventory.devices.intake import normalise_serial
from inventory.devices.reach import no_such_device, reach_devices
from inventory.devices.tables import Device, Disk
from inventory.devices.transitions import TransitionRequest, transition
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.lifecycle import Action, State
from inventory.permissions import Permission
from inventory.runs.choices import ACTIVE_RUN_STATES, Executor, RunKind, RunState, TargetState
from inventory.runs.connections import connections_for, host_spec
from inventory.runs.installing import install_disk, install_variables, installs, profile_image
from inventory.runs.job_builder import MAX_FORKS, PLAYBOOKS, TIMEOUTS
from inventory.runs.passwords import store_password
from inventory.runs.provisioning_profiles import profile_in_use
from inventory.runs.queries import latest_scan_facts
from inventory.runs.rows import BenchMachineRow, RunDeviceRow, WipeTarget
from inventory.runs.schemas import ProfileOut
from inventory.runs.tables import BenchSite, Run, RunTarget
from inventory.settings import Settings
from provisioning.playbook_job import Playbook, default_playbooks_dir
from provisioning.task_count import expected_tasks

MAX_DEVICES = 50
DEFAULT_USERNAME = "kayttaja"
SCANNABLE = frozenset({State.RECEIVED, State.WIPE_FAILED})
STARTS = {RunKind.WIPE: Action.START_WIPE, RunKind.PROVISION: Action.START_PROVISIONING}


class Dispatcher(Protocol):
    """What starting a run needs from the process's run supervisor."""

    def submit(self, run_id: int) -> None:
        """Run a local run in this process."""

    def queued(self) -> None:
        """Wake bench workers' long polls in this process: a job is waiting."""


@dataclass(frozen=True)
class RunRequest:
    """A run to start: what to do, on which devices, and for an installation which profile."""

    kind: RunKind
    asset_tags: tuple[str, ...]
    profile_id: int | None = None


async def site_executor(site_id: int) -> Executor:
    """Where the site's runs go (this server unless the site was given a bench worker)."""
    row = await BenchSite.select(BenchSite.executor).where(BenchSite.site == site_id).first()
    return Executor(row["executor"]) if row else Executor.LOCAL


async def set_site_executor(site_id: int, executor: Executor, actor: Actor) -> None:
    """Choose whether a site's runs go to this server or to its bench worker (administrators)."""
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(N_("Only an administrator can change where a site's runs go."))
    from inventory.sites.tables import Site

    if not await Site.exists().where(Site.id == site_id):
        raise NotFound(N_("There is no such site."))
    values: dict[Any, Any] = {
        BenchSite.executor: executor.value,
        BenchSite.updated_at: now(),
        BenchSite.updated_by: actor.label,
    }
    if await BenchSite.exists().where(BenchSite.site == site_id):
        await BenchSite.update(values).where(BenchSite.site == site_id)
    else:
        await BenchSite.insert(
            BenchSite(site=site_id, executor=executor.value, updated_at=now(), updated_by=actor.label)
        )


async def _devices(tags: tuple[str, ...]) -> list[RunDeviceRow]:
    if not tags:
        raise InvalidInput("asset_tags", N_("Choose at least one device."))
    if len(tags) > MAX_DEVICES:
        raise InvalidInput("asset_tags", N_("A run takes at most {count} devices."), {"count": MAX_DEVICES})
    rows = await Device.select(Device.id, Device.asset_tag, Device.state, Device.site, Device.cycle).where(
        Device.asset_tag.is_in(list(tags))
    )
    found = {row["asset_tag"]: cast(RunDeviceRow, row) for row in rows}
    for tag in tags:
        if tag not in found:
            raise no_such_device(tag)
    if len({row["site"] for row in found.values()}) > 1:
        raise InvalidInput("asset_tags", N_("A run takes devices of one site only."))
    return [found[tag] for tag in tags]


async def _check_not_busy(devices: list[RunDeviceRow]) -> None:
    busy = await RunTarget.select(RunTarget.device.asset_tag.as_alias("tag")).where(
        RunTarget.device.is_in([d["id"] for d in devices])
        & RunTarget.run.state.is_in(list(ACTIVE_RUN_STATES))
    )
    if busy:
        raise Conflict(N_("{tag} is already in a run that has not ended."), {"tag": busy[0]["tag"]})


async def wipe_targets(device: RunDeviceRow) -> list[WipeTarget]:
    """The device's disks to erase, with the device path and serial its latest scan reported."""
    disks = await Disk.select(Disk.id, Disk.serial).where(
        (Disk.device == device["id"]) & Disk.destroyed_at.is_null()
    )
    if not disks:
        raise Conflict(
            N_("No disks to erase are recorded for {tag}. Scan the device first."),
            {"tag": device["asset_tag"]},
        )
    facts = await latest_scan_facts(device["id"])
    seen = {
        normalise_serial(disk.get("serial")): disk for disk in facts.get("disks", []) if disk.get("serial")
    }
    targets: list[WipeTarget] = []
    for disk in disks:
        found = seen.get(disk["serial"]) if disk["serial"] else None
        if found is None:
            raise Conflict(
                N_(
                    "The disk {serial} of {tag} was not found in the latest hardware scan. Scan the device "
                    "again, or record the disk as destroyed."
                ),
                {"serial": disk["serial"] or "?", "tag": device["asset_tag"]},
            )
        targets.append(WipeTarget(device=found["device"], serial=found["serial"], disk_id=disk["id"]))
    return targets


def _check_ready(kind: RunKind, devices: list[RunDeviceRow], machines: dict[int, BenchMachineRow]) -> None:
    for device in devices:
        if device["id"] not in machines:
            raise Conflict(
                N_(
                    "{tag} has no connection data. Boot it from the bench USB stick so that it checks "
                    "in, or pair it by scanning its tag."
                ),
                {"tag": device["asset_tag"]},
            )
        if kind is RunKind.SCAN and State(device["state"]) not in SCANNABLE:
            raise Conflict(
                N_("{tag} can be scanned only before it is wiped (received, or wipe failed)."),
                {"tag": device["asset_tag"]},
            )


async def _variables(
    kind: RunKind,
    devices: list[RunDeviceRow],
    profile: ProfileOut | None,
    settings: Settings,
    installing: bool = False,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The run's variables for every host, and per host (wipe targets still carry their disk ids)."""
    if kind is RunKind.SCAN:
        return {"hardware_scan_include_loop_devices": settings.bench_loop_devices}, {}
    if kind is RunKind.WIPE:
        return {}, {d["asset_tag"]: {"disk_wipe_targets": await wipe_targets(d)} for d in devices}
    assert profile is not None
    username = profile.variables.get("client_account_username", DEFAULT_USERNAME)
    if not installing:
        return dict(profile.variables), {
            d["asset_tag"]: {"client_account_username": username} for d in devices
        }
    extravars = install_variables(profile.variables, profile_image(profile, settings), settings)
    return extravars, {
        d["asset_tag"]: {
            "client_account_username": username,
            "os_install_disk": await install_disk(d, await wipe_targets(d)),
        }
        for d in devices
    }


async def start_run(
    engine: Engine[Any],
    request: RunRequest,
    actor: Actor,
    settings: Settings,
    dispatcher: Dispatcher,
) -> int:
    """Start a run on the devices (moving each into wiping or provisioning) and return the run's id."""
    if not actor.may(Permission.DEVICE_WORK):
        raise Forbidden(N_("Your role does not allow this step."))
    tags = tuple(dict.fromkeys(canonical_tag(tag) for tag in request.asset_tags if tag.strip()))
    await reach_devices(actor, tags)
    ident = uuid.uuid4().hex
    async with write_transaction(engine):
        devices = await _devices(tags)
        await _check_not_busy(devices)
        machines = await connections_for([d["id"] for d in devices])
        _check_ready(request.kind, devices, machines)
        profile = await profile_in_use(request.profile_id) if request.kind is RunKind.PROVISION else None
        installing = request.kind is RunKind.PROVISION and installs([machines[d["id"]] for d in devices])
        if request.kind is not RunKind.PROVISION:
            extravars, host_vars = await _variables(request.kind, devices, profile, settings)
        if request.kind in STARTS:
            for device in devices:
                await transition(
                    engine,
                    device["asset_tag"],
                    STARTS[request.kind],
                    actor,
                    settings,
                    TransitionRequest(details={"run": ident}),
                )
        if request.kind is RunKind.PROVISION:
            # After the lifecycle's checks (a passed erasure of every disk), so that its reason is given.
            extravars, host_vars = await _variables(request.kind, devices, profile, settings, installing)
        job = {
            "playbook": (Playbook.INSTALL if installing else PLAYBOOKS[request.kind]).value,
            "hosts": [host_spec(d["asset_tag"], machines[d["id"]]) for d in devices],
            "extravars": extravars,
            # The wipe's own disk ids stay on the server: the playbook takes device and serial only.
            "host_vars": {
                host: {
                    name: (
                        [{k: v for k, v in t.items() if k != "disk_id"} for t in value]
                        if name == "disk_wipe_targets"
                        else value
                    )
                    for name, value in variables.items()
                }
                for host, variables in host_vars.items()
            },
            "disk_ids": {
                host: [t["disk_id"] for t in v.get("disk_wipe_targets", [])] for host, v in host_vars.items()
            },
            "password_hosts": {d["asset_tag"]: d["id"] for d in devices}
            if request.kind is RunKind.PROVISION
            else {},
            "forks": min(len(devices), MAX_FORKS),
            "timeout_seconds": TIMEOUTS[request.kind],
        }
        executor = await site_executor(devices[0]["site"])
        moment = now()
        rows = await Run.insert(
            Run(
                kind=request.kind.value,
                site=devices[0]["site"],
                profile=profile.id if profile else None,
                state=RunState.QUEUED.value,
                executor=executor.value,
                job_ident=ident,
                job=job,
                started_by=actor.user_id,
                started_by_label=actor.label,
                created_at=moment,
            )
        ).returning(Run.id)
        run_id = int(rows[0]["id"])
        playbook = Playbook.INSTALL if installing else PLAYBOOKS[request.kind]
        expected = await learned_task_count(request.kind, profile.id if profile else None, playbook)
        await RunTarget.insert(
            *(
                RunTarget(
                    run=run_id,
                    device=d["id"],
                    host=d["asset_tag"],
                    state=TargetState.PENDING.value,
                    tasks_expected=expected,
                    updated_at=moment,
                )
                for d in devices
            )
        )
        if request.kind is RunKind.PROVISION:
            for device in devices:
                username = host_vars[device["asset_tag"]]["client_account_username"]
                await store_password(device["id"], device["cycle"], run_id, username, settings)
    if executor is Executor.LOCAL:
        dispatcher.submit(run_id)
    else:
        dispatcher.queued()
    return run_id


async def learned_task_count(kind: RunKind, profile_id: int | None, playbook: Playbook) -> int:
    """Tasks a host went through in the last run of this kind that passed, else the playbook's count."""
    query = RunTarget.select(RunTarget.tasks_done).where(
        (RunTarget.run.kind == kind.value) & (RunTarget.state == TargetState.PASSED.value)
    )
    if profile_id is not None:
        query = query.where(RunTarget.run.profile == profile_id)
    row = await query.order_by(RunTarget.id, ascending=False).first()
    if row and row["tasks_done"]:
        return int(row["tasks_done"])
    return expected_tasks(default_playbooks_dir(), playbook.value)
