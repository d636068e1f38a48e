"""The demo's year of work, told through the services the pages use: intake, wipes with evidence,
sign-offs and certificates, installations, reservations, handovers with signatures, loans and returns,
a finalised donation and a trainee's hours. Each step runs with the clock set to the day it happened."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from PIL import Image, ImageDraw

from inventory.actors import Actor
from inventory.bench.services import mark_labelled
from inventory.choices import DeviceKind, ErasureTechnique
from inventory.clients.choices import Accommodation, HandoverKind
from inventory.clients.handovers import (
    HandoverRequest,
    ReturnRequest,
    hand_over,
    record_paper_signing,
    record_signatures,
    return_loan,
)
from inventory.clients.orientation_sessions import SessionInput, add_session
from inventory.clients.reservations import reserve_device
from inventory.clients.services import NewClient, create_client
from inventory.clock import HELSINKI, as_of, now, today
from inventory.devices.erasure_signoff import accept_warning, sign_off
from inventory.devices.erasures import ErasedDisk, ErasureRecord
from inventory.devices.intake import NewDevice, NewDisk
from inventory.devices.tables import Device, Disk, Erasure
from inventory.devices.transitions import TransitionRequest, transition
from inventory.documents.donation_documents import issue_receipt
from inventory.documents.erasure_certificates import issue_erasure_certificate
from inventory.documents.finalising import finalise_donation
from inventory.donations.services import NewDonation, create_donation
from inventory.i18n import Language
from inventory.lifecycle import Action
from inventory.runs.choices import CHECK_ITEMS, CheckResult
from inventory.runs.evidence import Checklist, record_hardware_check
from inventory.runs.nwipe_import import NwipeUpload, import_wipe_log
from inventory.settings import Settings
from inventory.worklog.services import WorkEntry, log_work
from labels.sanitisation_terms import DiskKind, ErasureCategory

DEMO_DATA = Path(__file__).parent / "demo_data"
# Written by Debian's nwipe (0.34-1, reporting 0.33) zero-filling and verifying a 32 MiB disk image on a
# loop device; see demo_data/README.md. Its loop device has no serial, so the drive is paired by hand.
NWIPE_LOG = DEMO_DATA / "nwipe-zero-fill.log"
NWIPE_DRIVE = "/dev/loop0"
NWIPE_DISK_BYTES = 32 << 20
GB = 10**9
SIGN_OFF_TITLE = "Työvalmentaja"
FLASH_REASON = "Laite jää oman verkoston asiakkaalle; levyn oma tyhjennys ei ollut käytettävissä."


@dataclass(frozen=True)
class Cast:
    """The demo's people as actors, and the site the work happens at."""

    trainee: Actor
    counsellor: Actor
    coordinator: Actor
    site_id: int
    donor_id: int
    second_donor_id: int


def moment(days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A working-day moment so many days back, in Finnish time (never later than a minute ago)."""
    day = today() - dt.timedelta(days=days_ago)
    wanted = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)
    return min(wanted, now() - dt.timedelta(minutes=1))


def demo_machine(
    kind: DeviceKind, make: str, model: str, serial: str, cpu: str, ram_gb: int, disk_gb: int, disk: DiskKind
) -> NewDevice:
    """A demo computer with one disk named after its technology and size."""
    return NewDevice(
        kind=kind,
        make=make,
        model=model,
        serial=serial,
        cpu=cpu,
        ram_mb=ram_gb * 1024,
        disks=(
            NewDisk(
                model=f"{disk.value.upper()} {disk_gb} GB",
                serial=f"{serial}D1",
                size_bytes=disk_gb * GB,
                kind=disk,
            ),
        ),
    )


_laptop = partial(demo_machine, DeviceKind.LAPTOP)


# The donation from the start of the year: wiped, installed and given away over the year; two went out on loan.
SPRING_DEVICES = (
    _laptop("Lenovo", "ThinkPad T470", "PF0T4701", "Intel Core i5-7300U", 8, 256, DiskKind.SSD),
    _laptop("Lenovo", "ThinkPad T470", "PF0T4702", "Intel Core i5-7300U", 8, 256, DiskKind.SSD),
    _laptop("Dell", "Latitude 7480", "DL7480A1", "Intel Core i5-7300U", 8, 256, DiskKind.SSD),
    _laptop("Dell", "Latitude 7480", "DL7480A2", "Intel Core i5-7300U", 16, 512, DiskKind.NVME),
    _laptop("HP", "ProBook 440 G5", "5CD8ABC101", "Intel Core i5-8250U", 8, 500, DiskKind.HDD),
    _laptop("HP", "ProBook 440 G5", "5CD8ABC102", "Intel Core i5-8250U", 8, 500, DiskKind.HDD),
    _laptop("Lenovo", "ThinkPad L480", "PF1L4801", "Intel Core i5-8250U", 8, 256, DiskKind.SSD),
    _laptop("Fujitsu", "LIFEBOOK U747", "DSU747001", "Intel Core i5-7200U", 8, 256, DiskKind.SSD),
    _laptop("HP", "EliteBook 830 G5", "5CG8830LN1", "Intel Core i5-8350U", 8, 256, DiskKind.NVME),
    _laptop("Lenovo", "ThinkPad X280", "PF1X2801", "Intel Core i5-8250U", 8, 256, DiskKind.NVME),
)

# Made-up clients who got a machine this year: (name, language, days ago the handover was).
GIFT_CLIENTS = (
    ("Aino Kuvitelma", Language.FI, 300),
    ("Veikko Keksitty", Language.FI, 262),
    ("Saga Påhittad", Language.SV, 225),
    ("Tuomas Tarinainen", Language.FI, 190),
    ("Helmi Satunen", Language.FI, 150),
    ("Oskari Mielikuva", Language.FI, 105),
    ("Ilona Esimerkillinen", Language.FI, 64),
    ("Ville Kokeellinen", Language.FI, 33),
)
LOAN_CLIENTS = (
    # (name, language, lent days ago, due days ago, returned days ago or None)
    ("Raili Lainaaja", Language.FI, 160, 70, 72),
    ("Kalle Myöhäinen", Language.FI, 75, 15, None),
)


def signature_png(seed: int) -> bytes:
    """A drawn line as the signing pad would post it (a made-up scribble, different for each person)."""
    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    points = [
        (30 + x * 6, 90 + 35 * math.sin((x + seed) / (4 + seed % 3)) * math.cos(x / 11)) for x in range(70)
    ]
    pen.line(points, fill=(20, 20, 60, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def _device_ids(tags: Sequence[str]) -> dict[str, int]:
    rows = await Device.select(Device.id, Device.asset_tag).where(Device.asset_tag.is_in(list(tags)))
    return {row["asset_tag"]: row["id"] for row in rows}


async def _manual_erasure(asset_tag: str) -> ErasureRecord:
    """The erasure as a trainee records a bench wipe: what ran on each disk and how it was verified."""
    device = await Device.select(Device.id).where(Device.asset_tag == asset_tag).first()
    assert device is not None
    disks = await Disk.select(Disk.id, Disk.kind).where(Disk.device == device["id"])
    flash = any(disk["kind"] in ("ssd", "nvme") for disk in disks)
    if flash:
        return ErasureRecord(
            disks=tuple(
                ErasedDisk(disk_id=d["id"], verified=True, method="ATA/NVMe secure erase") for d in disks
            ),
            method="secure erase (firmware block erase), then a full read",
            tool="hdparm / nvme-cli",
            tool_version="9.65 / 2.4",
            category=ErasureCategory.PURGE,
            technique=ErasureTechnique.BLOCK_ERASE,
            verification_method="full read of every sector",
            verification_result="all sectors read back as zeros",
        )
    return ErasureRecord(
        disks=tuple(ErasedDisk(disk_id=d["id"], verified=True, method="zero fill") for d in disks),
        method="zero fill, one pass, verified",
        tool="nwipe",
        tool_version="0.34",
        verification_method="full read of the last pass",
        verification_result="all sectors read back as zeros",
    )


async def wipe(
    engine: Engine[Any], cast: Cast, settings: Settings, tag: str, days_ago: int, signed: bool = True
) -> str:
    """The trainee wipes the device at the bench; a coordinator signs the erasure off the next morning."""
    with as_of(moment(days_ago, 9, 15)):
        await transition(engine, tag, Action.START_WIPE, cast.trainee, settings)
    with as_of(moment(days_ago, 11, 40)):
        done = await transition(
            engine,
            tag,
            Action.WIPE_PASSED,
            cast.trainee,
            settings,
            TransitionRequest(erasure=await _manual_erasure(tag)),
        )
    assert done.certificate_number is not None
    if signed:
        await approve(engine, cast, settings, done.certificate_number, max(days_ago - 1, 0))
    return done.certificate_number


async def approve(engine: Engine[Any], cast: Cast, settings: Settings, number: str, days_ago: int) -> None:
    """The coordinator accepts a warning if the erasure has one, signs it off and issues its certificate."""
    with as_of(moment(days_ago, 8, 30)):
        erasure = await Erasure.select(Erasure.warning).where(Erasure.certificate_number == number).first()
        assert erasure is not None
        if erasure["warning"]:
            await accept_warning(engine, number, FLASH_REASON, cast.coordinator)
        await sign_off(engine, [number], SIGN_OFF_TITLE, cast.coordinator)
        await issue_erasure_certificate(engine, number, cast.coordinator, settings)


async def check_hardware(engine: Engine[Any], cast: Cast, tag: str, days_ago: int, faulty: str = "") -> None:
    """The trainee goes through the hardware checklist; `faulty` names one item that does not work."""
    items = {name: CheckResult.FAULTY if name == faulty else CheckResult.OK for name in CHECK_ITEMS}
    with as_of(moment(days_ago, 12, 30)):
        await record_hardware_check(engine, tag, Checklist(items=items, notes=""), cast.trainee)


async def install(engine: Engine[Any], cast: Cast, settings: Settings, tag: str, days_ago: int) -> None:
    """The installation as the bench records it: started in the morning, finished after lunch."""
    with as_of(moment(days_ago, 13, 0)):
        await transition(engine, tag, Action.START_PROVISIONING, cast.trainee, settings)
    with as_of(moment(days_ago, 14, 45)):
        await transition(engine, tag, Action.PROVISIONED, cast.trainee, settings)


async def make_ready(engine: Engine[Any], cast: Cast, settings: Settings, tag: str, days_ago: int) -> str:
    """Wipe, check and install a received device over three working days; returns the certificate number."""
    number = await wipe(engine, cast, settings, tag, days_ago)
    await check_hardware(engine, cast, tag, days_ago - 1)
    await install(engine, cast, settings, tag, days_ago - 2)
    return number


async def oriented_client(
    engine: Engine[Any],
    cast: Cast,
    name: str,
    language: Language,
    days_ago: int,
    sessions: int = 2,
    accommodations: tuple[Accommodation, ...] = (),
) -> int:
    """A client the counsellor met `days_ago` days back, with orientation sessions in the weeks after."""
    with as_of(moment(days_ago, 9, 0)):
        client_id = await create_client(
            engine,
            NewClient(
                full_name=name, consent_recorded_on=today(), language=language, accommodations=accommodations
            ),
            cast.counsellor,
        )
    plans = (
        (("power_login", "wifi", "safe_use"), 60, "Kirjautuminen ja salasanat harjoiteltiin."),
        (("strong_identification", "suomifi_messages", "kela_omakanta"), 60, "Pankkitunnukset ja Suomi.fi."),
    )
    for index, (topics, minutes, notes) in enumerate(plans[:sessions]):
        held = days_ago - 7 * (index + 1)
        with as_of(moment(held, 13, 0)):
            await add_session(
                engine,
                client_id,
                SessionInput(held_on=today(), minutes=minutes, topics=topics, notes=notes),
                cast.counsellor,
            )
    return client_id


async def give(
    engine: Engine[Any],
    cast: Cast,
    settings: Settings,
    client_id: int,
    tag: str,
    days_ago: int,
    on_paper: bool = False,
) -> int:
    """Reserve the device for the client, hand it over and have the agreement signed."""
    with as_of(moment(days_ago + 3, 10, 0)):
        await reserve_device(engine, client_id, tag, cast.counsellor, settings)
    with as_of(moment(days_ago, 14, 0)):
        handover = await hand_over(
            engine,
            client_id,
            HandoverRequest(asset_tag=tag, kind=HandoverKind.GIFT, accessories=("laturi",)),
            cast.counsellor,
            settings,
        )
    with as_of(moment(days_ago, 14, 10)):
        if on_paper:
            await record_paper_signing(engine, handover, cast.counsellor)
        else:
            await record_signatures(
                engine, handover, signature_png(client_id), signature_png(99), cast.counsellor
            )
    return handover


async def lend(
    engine: Engine[Any],
    cast: Cast,
    settings: Settings,
    client_id: int,
    tag: str,
    days_ago: int,
    due_days_ago: int,
) -> int:
    """Reserve the device for the client and lend it until the due date, the agreement signed on screen."""
    with as_of(moment(days_ago + 2, 10, 0)):
        await reserve_device(engine, client_id, tag, cast.counsellor, settings)
    with as_of(moment(days_ago, 14, 0)):
        handover = await hand_over(
            engine,
            client_id,
            HandoverRequest(
                asset_tag=tag,
                kind=HandoverKind.LOAN,
                due_on=today() + dt.timedelta(days=days_ago - due_days_ago),
                accessories=("laturi", "hiiri"),
            ),
            cast.counsellor,
            settings,
        )
        await record_signatures(
            engine, handover, signature_png(client_id), signature_png(99), cast.counsellor
        )
    return handover


async def early_donation(engine: Engine[Any], cast: Cast, settings: Settings) -> None:
    """The donation from the start of the year, from intake to a finalised report; its machines went to clients all year."""
    with as_of(moment(330, 10, 0)):
        created = await create_donation(
            engine,
            NewDonation(
                donor_id=cast.second_donor_id,
                site_id=cast.site_id,
                received_on=today(),
                reference="Vuoden alun laitepoisto",
                devices=SPRING_DEVICES,
            ),
            cast.coordinator,
        )
        await issue_receipt(engine, created.id, cast.coordinator, settings)
    tags = created.asset_tags
    with as_of(moment(329, 9, 0)):
        await mark_labelled(engine, tags, cast.trainee)
    for index, tag in enumerate(tags):
        await make_ready(engine, cast, settings, tag, 326 - 3 * index)
    with as_of(moment(290, 15, 0)):
        await finalise_donation(engine, created.id, cast.coordinator, settings)
    for (name, language, days_ago), tag in zip(GIFT_CLIENTS, tags, strict=False):
        client_id = await oriented_client(engine, cast, name, language, days_ago + 30)
        await give(engine, cast, settings, client_id, tag, days_ago, on_paper=days_ago == 150)
    for (name, language, lent, due, returned), tag in zip(
        LOAN_CLIENTS, tags[len(GIFT_CLIENTS) :], strict=True
    ):
        client_id = await oriented_client(engine, cast, name, language, lent + 30)
        handover = await lend(engine, cast, settings, client_id, tag, lent, due)
        if returned is not None:
            with as_of(moment(returned, 11, 0)):
                await return_loan(
                    engine,
                    handover,
                    ReturnRequest(
                        condition_notes="Pieni naarmu kannessa.", accessories_returned=("laturi", "hiiri")
                    ),
                    cast.counsellor,
                    settings,
                )


async def recent_donation(
    engine: Engine[Any], cast: Cast, settings: Settings, devices: tuple[NewDevice, ...], reserve_for: int
) -> None:
    """The last weeks' donation, mid-way: a device at every step of the lifecycle."""
    with as_of(moment(20, 10, 0)):
        created = await create_donation(
            engine,
            NewDonation(
                donor_id=cast.donor_id,
                site_id=cast.site_id,
                received_on=today(),
                reference="Laitekierrätys syksy",
                devices=devices,
            ),
            cast.coordinator,
        )
        await issue_receipt(engine, created.id, cast.coordinator, settings)
    tags = list(created.asset_tags)
    with as_of(moment(19, 9, 0)):
        await mark_labelled(engine, tags[:9], cast.trainee)
    ready_a, ready_b, reserved, installing, install_failed, wiped, wipe_failed, wiping, held = tags[:9]
    for index, tag in enumerate((ready_a, ready_b, reserved)):
        await make_ready(engine, cast, settings, tag, 16 - index)
    await check_hardware(engine, cast, ready_b, 12, faulty="webcam")
    with as_of(moment(1, 10, 0)):
        await reserve_device(engine, reserve_for, reserved, cast.counsellor, settings)
    await wipe(engine, cast, settings, installing, 6)
    with as_of(moment(0, 8, 5)):
        await transition(engine, installing, Action.START_PROVISIONING, cast.trainee, settings)
    await wipe(engine, cast, settings, install_failed, 7)
    await install_failing(engine, cast, settings, install_failed, 5)
    # Wiped yesterday: waits for the coordinator's sign-off on the sign-off page.
    await wipe(engine, cast, settings, wiped, 1, signed=False)
    with as_of(moment(4, 9, 0)):
        await transition(engine, wipe_failed, Action.START_WIPE, cast.trainee, settings)
    with as_of(moment(4, 10, 30)):
        await transition(
            engine,
            wipe_failed,
            Action.WIPE_FAILED,
            cast.trainee,
            settings,
            TransitionRequest(
                reason="Levy antoi lukuvirheitä tarkistuksessa; kokeillaan uudelleen tai rikotaan levy."
            ),
        )
    with as_of(moment(0, 8, 20)):
        await transition(engine, wiping, Action.START_WIPE, cast.trainee, settings)
    with as_of(moment(2, 15, 0)):
        await transition(
            engine,
            tags[9],
            Action.SCRAP,
            cast.coordinator,
            settings,
            TransitionRequest(
                reason="Emolevy ei käynnisty; ei kannata korjata.", recycler_reference="SER-kuitti 2026-0118"
            ),
        )
    with as_of(moment(3, 11, 0)):
        await transition(
            engine,
            held,
            Action.HOLD,
            cast.trainee,
            settings,
            TransitionRequest(reason="Laturi puuttuu; lahjoittaja lupasi tuoda sen."),
        )


async def install_failing(
    engine: Engine[Any], cast: Cast, settings: Settings, tag: str, days_ago: int
) -> None:
    """An installation that stopped half-way (the bench records the failure with its reason)."""
    with as_of(moment(days_ago, 13, 0)):
        await transition(engine, tag, Action.START_PROVISIONING, cast.trainee, settings)
    with as_of(moment(days_ago, 13, 50)):
        await transition(
            engine,
            tag,
            Action.PROVISIONING_FAILED,
            cast.trainee,
            settings,
            TransitionRequest(
                reason="Asennus pysähtyi: levyä ei löytynyt käynnistyksessä (BIOS-asetus RAID)."
            ),
        )


async def nwipe_device(engine: Engine[Any], cast: Cast, settings: Settings) -> str:
    """A machine whose erasure evidence is a real nwipe log (the log's own dates must follow the intake)."""
    log = NWIPE_LOG.read_bytes().decode("utf-8", errors="replace")
    first_line = log.split("]", 1)[0].lstrip("[")
    logged = dt.datetime.strptime(first_line, "%Y/%m/%d %H:%M:%S").replace(tzinfo=dt.UTC)
    received = min(logged - dt.timedelta(days=2), moment(2, 10, 0))
    with as_of(received):
        created = await create_donation(
            engine,
            NewDonation(
                donor_id=cast.donor_id,
                site_id=cast.site_id,
                received_on=today(),
                reference="Yksittäinen pöytäkone",
                devices=(
                    NewDevice(
                        kind=DeviceKind.DESKTOP,
                        make="Fujitsu",
                        model="ESPRIMO P556",
                        serial="YLTX012345",
                        cpu="Intel Core i3-6100",
                        ram_mb=4096,
                        notes=(
                            "Demo: tämän koneen tyhjennystodiste on aito nwipe-loki 32 MiB:n levykuvan "
                            "tyhjennyksestä (inventory/demo_data)."
                        ),
                        disks=(
                            NewDisk(
                                model="Loopback device",
                                serial=None,
                                size_bytes=NWIPE_DISK_BYTES,
                                kind=DiskKind.HDD,
                            ),
                        ),
                    ),
                ),
            ),
            cast.coordinator,
        )
    tag = created.asset_tags[0]
    device_id = (await _device_ids([tag]))[tag]
    disk = await Disk.select(Disk.id).where(Disk.device == device_id).first()
    assert disk is not None
    # Imported and signed off now: the log's dates must lie between the intake and the import.
    number = await import_wipe_log(
        engine, tag, NwipeUpload(text=log, pairs={NWIPE_DRIVE: disk["id"]}), cast.trainee, settings
    )
    await sign_off(engine, [number], SIGN_OFF_TITLE, cast.coordinator)
    await issue_erasure_certificate(engine, number, cast.coordinator, settings)
    return tag


async def trainee_hours(engine: Engine[Any], cast: Cast) -> None:
    """The trainee's hours for the last four weeks, on weekdays."""
    notes = ("Tyhjennykset ja tarrat", "Asennukset", "Laitteiden tarkastus", "Varaston inventaario")
    for days_ago in range(1, 29):
        day = today() - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        await log_work(
            engine,
            cast.trainee,
            WorkEntry(day=day, hours="4" if days_ago % 3 else "3,5", note=notes[days_ago % 4]),
        )
