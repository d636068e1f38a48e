"""Connection data: bench check-ins paired with devices by serial or by a scanned tag, and the hosts runs use."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

import msgspec
from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.intake import normalise_serial
from inventory.devices.open_record import require_open_record
from inventory.devices.reach import no_such_device
from inventory.devices.scanning import resolve_scan
from inventory.devices.tables import Device
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import FINAL_STATES, State
from inventory.permissions import Permission
from inventory.runs.choices import Connection, Pairing
from inventory.runs.rows import BenchMachineRow, SerialMatch
from inventory.runs.schemas import MachineOut
from inventory.runs.tables import BenchMachine
from inventory.settings import Settings
from provisioning.hosts import ChrootHost, Host, LocalHost, SshHost

PAIRED_ACTION = Activity.BENCH_PAIRED
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_HOST_KEY = re.compile(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]{20,900}$")


@dataclass(frozen=True)
class CheckIn:
    """What the check-in script on a bench machine reports."""

    mac: str
    address: str
    serial: str | None = None
    ssh_port: int = 22
    host_key: str | None = None
    hostname: str = ""


@dataclass(frozen=True)
class CheckInResult:
    """The stored check-in and the device it was paired with, if any."""

    machine_id: int
    asset_tag: str | None
    paired_how: Pairing | None


def _clean(check_in: CheckIn) -> CheckIn:
    mac = check_in.mac.strip().lower().replace("-", ":")
    if not _MAC.fullmatch(mac):
        raise InvalidInput("mac", N_("The MAC address is not valid."))
    try:
        address = str(ipaddress.ip_address(check_in.address.strip()))
    except ValueError:
        raise InvalidInput("address", N_("The IP address is not valid.")) from None
    host_key = (check_in.host_key or "").strip() or None
    if host_key is not None:
        host_key = " ".join(host_key.split()[:2])
        if not _HOST_KEY.fullmatch(host_key):
            raise InvalidInput("host_key", N_("The SSH host key is not a public key line."))
    if not 0 < check_in.ssh_port < 65536:
        raise InvalidInput("ssh_port", N_("The SSH port must be between 1 and 65535."))
    return CheckIn(
        mac=mac,
        address=address,
        serial=normalise_serial(check_in.serial),
        ssh_port=check_in.ssh_port,
        host_key=host_key,
        hostname=check_in.hostname.strip()[:64],
    )


async def _device_by_serial(site_id: int, serial: str | None) -> SerialMatch | None:
    if not serial:
        return None
    rows = await Device.select(Device.id, Device.asset_tag, Device.state).where(
        (Device.site == site_id)
        & (Device.serial == serial)
        & Device.state.not_in([s.value for s in FINAL_STATES])
    )
    return cast(SerialMatch, rows[0]) if len(rows) == 1 else None


async def check_in(engine: Engine[Any], site_id: int, report: CheckIn, actor: Actor) -> CheckInResult:
    """Store a bench machine's check-in (one row per MAC and site) and pair it by serial when it is known."""
    report = _clean(report)
    moment = now()
    async with write_transaction(engine):
        existing = (
            await BenchMachine.select(BenchMachine.id, BenchMachine.device, BenchMachine.dmi_serial)
            .where((BenchMachine.site == site_id) & (BenchMachine.mac == report.mac))
            .where(BenchMachine.connection == Connection.SSH.value)
            .first()
        )
        values: dict[Any, Any] = {
            BenchMachine.dmi_serial: report.serial,
            BenchMachine.address: report.address,
            BenchMachine.ssh_port: report.ssh_port,
            BenchMachine.host_key: report.host_key,
            BenchMachine.hostname: report.hostname,
            BenchMachine.checked_in_at: moment,
        }
        if existing is None:
            rows = await BenchMachine.insert(
                BenchMachine(
                    site=site_id,
                    mac=report.mac,
                    connection=Connection.SSH.value,
                    **{c._meta.name: v for c, v in values.items()},
                )
            ).returning(BenchMachine.id)
            machine_id = int(rows[0]["id"])
        else:
            machine_id = int(existing["id"])
            if existing["dmi_serial"] != report.serial:
                # Another machine with the same network card: the old pairing no longer holds.
                values.update(
                    {BenchMachine.device: None, BenchMachine.paired_at: None, BenchMachine.paired_how: None}
                )
            await BenchMachine.update(values).where(BenchMachine.id == machine_id)
        machine = (
            await BenchMachine.select(
                BenchMachine.device, BenchMachine.device.asset_tag.as_alias("tag"), BenchMachine.paired_how
            )
            .where(BenchMachine.id == machine_id)
            .first()
        )
        assert machine is not None
        if machine["device"] is not None:
            return CheckInResult(machine_id, machine["tag"], Pairing(machine["paired_how"]))
        device = await _device_by_serial(site_id, report.serial)
        if device is None:
            return CheckInResult(machine_id, None, None)
        await _pair(machine_id, device["id"], State(device["state"]), Pairing.SERIAL, actor)
        return CheckInResult(machine_id, device["asset_tag"], Pairing.SERIAL)


async def _pair(machine_id: int, device_id: int, state: State, how: Pairing, actor: Actor) -> None:
    # A device has one machine on the bench: older pairings of it end.
    await BenchMachine.update(
        {BenchMachine.device: None, BenchMachine.paired_at: None, BenchMachine.paired_how: None}
    ).where((BenchMachine.device == device_id) & (BenchMachine.id != machine_id))
    await BenchMachine.update(
        {
            BenchMachine.device: device_id,
            BenchMachine.paired_at: now(),
            BenchMachine.paired_by: actor.label,
            BenchMachine.paired_how: how.value,
        }
    ).where(BenchMachine.id == machine_id)
    await record_event(
        device_id, PAIRED_ACTION, state, state, actor, details={"machine_id": machine_id, "how": how.value}
    )


async def pair_by_tag(engine: Engine[Any], machine_id: int, code: str, actor: Actor) -> str:
    """Pair a checked-in machine with the device whose tag a person scanned; returns the tag."""
    async with write_transaction(engine):
        machine = (
            await BenchMachine.select(BenchMachine.id, BenchMachine.site)
            .where(BenchMachine.id == machine_id)
            .first()
        )
        if machine is None:
            raise NotFound(N_("There is no such machine on the bench."))
        match = await resolve_scan(code)
        device = (
            await Device.select(Device.id, Device.asset_tag, Device.state, Device.site)
            .where(Device.id == match.device_id)
            .first()
        )
        assert device is not None
        if device["site"] != machine["site"]:
            raise Conflict(N_("This device belongs to another site than the bench the machine is on."))
        require_open_record(device["state"])
        await _pair(machine_id, device["id"], State(device["state"]), Pairing.TAG, actor)
        return str(device["asset_tag"])


@dataclass(frozen=True)
class ManualConnection:
    """Connection data typed by an administrator: SSH, or (tests, image building) a chroot or this machine."""

    connection: Connection
    address: str = ""
    ssh_port: int = 22
    ssh_user: str = "kierto-bench"
    host_key: str | None = None


async def set_connection(
    engine: Engine[Any],
    asset_tag: str,
    data: ManualConnection,
    actor: Actor,
    settings: Settings,
) -> int:
    """Give a device connection data by hand (administrators); chroot and local need the setting that allows them."""
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(N_("Only an administrator can type connection data."))
    if data.connection is not Connection.SSH and not settings.bench_local_connections:
        raise InvalidInput(
            "connection",
            N_(
                "Chroot and local connections are switched off on this server (KIERTO_BENCH_LOCAL_CONNECTIONS)."
            ),
        )
    address = data.address.strip()
    if data.connection is Connection.SSH:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            raise InvalidInput("address", N_("The IP address is not valid.")) from None
    elif data.connection is Connection.CHROOT and not Path(address).is_absolute():
        raise InvalidInput("address", N_("A chroot is given by its absolute path."))
    async with write_transaction(engine):
        device = (
            await Device.select(Device.id, Device.asset_tag, Device.state, Device.site)
            .where(Device.asset_tag == asset_tag)
            .first()
        )
        if device is None:
            raise no_such_device(asset_tag)
        rows = await BenchMachine.insert(
            BenchMachine(
                site=device["site"],
                connection=data.connection.value,
                address=address,
                ssh_port=data.ssh_port,
                ssh_user=data.ssh_user,
                host_key=data.host_key,
                checked_in_at=now(),
            )
        ).returning(BenchMachine.id)
        machine_id = int(rows[0]["id"])
        await _pair(machine_id, device["id"], State(device["state"]), Pairing.MANUAL, actor)
    return machine_id


async def connections_for(device_ids: list[int]) -> dict[int, BenchMachineRow]:
    """The machine each device is paired with, by device id."""
    if not device_ids:
        return {}
    rows = (
        await BenchMachine.select()
        .where(BenchMachine.device.is_in(device_ids))
        .order_by(BenchMachine.paired_at)
    )
    return {row["device"]: cast(BenchMachineRow, row) for row in rows}


def host_spec(host: str, machine: BenchMachineRow) -> dict[str, Any]:
    """A machine's connection as job data (no secrets: the SSH key stays where Ansible runs)."""
    connection = Connection(machine["connection"])
    if connection is Connection.SSH:
        return {
            "name": host,
            "connection": connection.value,
            "address": machine["address"],
            "port": machine["ssh_port"],
            "user": machine["ssh_user"],
            "host_key": machine["host_key"],
        }
    if connection is Connection.CHROOT:
        return {"name": host, "connection": connection.value, "path": machine["address"]}
    return {"name": host, "connection": connection.value}


def host_from_spec(spec: dict[str, Any], ssh_key_path: str | None) -> Host:
    """The provisioning host for job data; SSH hosts name the key path on the machine that runs Ansible."""
    connection = Connection(spec["connection"])
    if connection is Connection.SSH:
        return SshHost(
            spec["name"],
            spec["address"],
            user=spec.get("user") or "kierto-bench",
            port=int(spec.get("port") or 22),
            key_path=PurePosixPath(ssh_key_path) if ssh_key_path else None,
            host_key=spec.get("host_key"),
        )
    if connection is Connection.CHROOT:
        return ChrootHost(spec["name"], Path(spec["path"]))
    return LocalHost(spec["name"])


async def unpaired_machines(site_id: int | None = None) -> list[MachineOut]:
    """Machines that checked in but are not paired with a device yet, newest first."""
    query = (
        BenchMachine.select(
            BenchMachine.id,
            BenchMachine.site.code.as_alias("site_code"),
            BenchMachine.dmi_serial,
            BenchMachine.mac,
            BenchMachine.address,
            BenchMachine.hostname,
            BenchMachine.checked_in_at,
        )
        .where(BenchMachine.device.is_null())
        .order_by(BenchMachine.checked_in_at, ascending=False)
        .limit(100)
    )
    if site_id is not None:
        query = query.where(BenchMachine.site == site_id)
    return msgspec.convert(await query, list[MachineOut])
