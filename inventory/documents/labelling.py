"""Asset labels of one device or a selection: the stock, the PDF, direct printing and the history entry.

Printing labels is an activity in each device's history ("label_printed"), not a state change. The
stock is the one asked for, else the one loaded at the user's site, else at the devices' site, else
an A4 sheet. The label's QR code opens the device's page; a `*` check character is escaped there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, cast
from urllib.parse import quote

from inventory.actors import Actor
from inventory.database import AnyEngine, write_transaction
from inventory.devices.asset_tags import parse_tag
from inventory.devices.events import record_event
from inventory.devices.reach import no_such_device
from inventory.devices.tables import Device, Disk
from inventory.documents.printing import PrinterUnavailable, PrintJob, check_outcome, follow, submit
from inventory.donations.reach import reach_donation
from inventory.errors import InvalidInput, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_, current_language, gettext
from inventory.lifecycle import State
from inventory.settings import Settings
from inventory.sites.reach import site_in_reach
from inventory.sites.rows import SiteRow
from inventory.sites.services import get_site
from labels import STOCKS, AssetLabel, LabelStock, get_stock, render_asset_labels
from labels.locale_format import format_memory, format_size
from labels.stocks import stock_name

LABEL_PRINTED_ACTION = Activity.LABEL_PRINTED
DEFAULT_STOCK = "a4-70x37"
MAX_LABELS = 500
PDF_DESTINATION = "pdf"
_CPU_NOISE = ("(R)", "(TM)", "(r)", "(tm)", " CPU", "Intel ", "AMD ")


@dataclass(frozen=True)
class LabelSelection:
    """Which labels to make: devices by tag, and/or every device of a donation, in that order."""

    tags: tuple[str, ...] = ()
    donation_id: int | None = None


class LabelDevice(TypedDict):
    """A device as its label shows it."""

    id: int
    asset_tag: str
    state: str
    site: int
    make: str
    model: str
    cpu: str | None
    ram_mb: int | None
    condition_grade: str | None
    site_name: str


class LabelDisk(TypedDict):
    """A disk as the label's spec line counts it."""

    device: int
    size_bytes: int | None
    kind: str
    destroyed_at: dt.datetime | None


@dataclass(frozen=True)
class Labels:
    """Rendered labels: the PDF, the stock, the tags in print order and the print job if sent to CUPS."""

    pdf: bytes
    stock: LabelStock
    tags: tuple[str, ...]
    job: PrintJob | None = None


# An asset label has no language of its own: its numbers are written the English way (1.5 TB).
LABEL_LANGUAGE = "en"


def device_url(base_url: str, asset_tag: str) -> str:
    """The address a label's QR code opens: the device's page, the tag escaped (`*` becomes %2A)."""
    return f"{base_url}/devices/{quote(asset_tag, safe='')}"


def spec_line(device: LabelDevice, disks: Sequence[LabelDisk]) -> str:
    """One line such as "Lenovo T480 · i5-8250U · 8 GB · 256 GB SSD · A"."""
    cpu = device["cpu"] or ""
    for noise in _CPU_NOISE:
        cpu = cpu.replace(noise, " " if noise.startswith(" ") else "")
    cpu = " ".join(cpu.replace("Core ", "").split())
    storage = " + ".join(
        f"{format_size(disk['size_bytes'], LABEL_LANGUAGE)} {disk['kind'].upper() if disk['kind'] != 'other' else ''}".strip()
        for disk in disks
        if disk["destroyed_at"] is None and disk["size_bytes"]
    )
    ram = format_memory(device["ram_mb"], LABEL_LANGUAGE) if device["ram_mb"] else ""
    parts = [
        f"{device['make']} {device['model']}".strip(),
        cpu,
        ram,
        storage,
        device["condition_grade"] or "",
    ]
    return " · ".join(part for part in parts if part)


async def resolve_devices(selection: LabelSelection, actor: Actor) -> list[LabelDevice]:
    """The selected devices in print order (tags as given, then the donation's), each once, all in reach."""
    if selection.donation_id is not None:
        await reach_donation(actor, selection.donation_id)
    columns = (
        Device.id,
        Device.asset_tag,
        Device.state,
        Device.site,
        Device.make,
        Device.model,
        Device.cpu,
        Device.ram_mb,
        Device.condition_grade,
        Device.site.name.as_alias("site_name"),
    )
    wanted: list[str] = []
    for typed in selection.tags:
        parsed = parse_tag(typed)
        wanted.append(parsed.canonical if parsed and parsed.check_matches else typed.strip().upper())
    rows: list[LabelDevice] = []
    if wanted:
        found = {
            row["asset_tag"]: cast(LabelDevice, row)
            for row in await Device.select(*columns).where(Device.asset_tag.is_in(wanted))
        }
        unknown = [tag for tag in wanted if tag not in found or not site_in_reach(actor, found[tag]["site"])]
        if unknown:
            raise no_such_device(", ".join(dict.fromkeys(unknown)))
        rows.extend(found[tag] for tag in wanted)
    if selection.donation_id is not None:
        donation_rows = (
            await Device.select(*columns).where(Device.donation == selection.donation_id).order_by(Device.id)
        )
        if not donation_rows:
            raise NotFound(N_("This donation has no devices to label."))
        rows.extend(cast(list[LabelDevice], donation_rows))
    unique = list({row["id"]: row for row in rows}.values())
    if not unique:
        raise InvalidInput("tags", N_("Choose the devices to label: give their tags or a donation."))
    if len(unique) > MAX_LABELS:
        raise InvalidInput(
            "tags", N_("At most {maximum} labels can be printed at once."), {"maximum": MAX_LABELS}
        )
    return unique


async def site_for(actor: Actor, devices: Sequence[LabelDevice]) -> SiteRow | None:
    """The site whose printer and stock apply: the user's own (where they stand), else the devices' site."""
    return await get_site(actor.site_id or devices[0]["site"])


def _printer_dpi(site: SiteRow | None) -> int | None:
    """The resolution of the site's label printer: bars and modules are laid on its dots."""
    return int(site["printer_dpi"]) if site and site["printer_dpi"] else None


def choose_stock(stock_id: str | None, site: SiteRow | None) -> LabelStock:
    """The stock asked for, else the site's, else an A4 sheet; an unknown id is refused by name."""
    chosen = stock_id or (site["label_stock"] if site else None) or DEFAULT_STOCK
    if chosen not in STOCKS:
        raise InvalidInput(
            "stock",
            N_("There is no label stock {stock}; choose one of: {known}."),
            {"stock": chosen, "known": ", ".join(sorted(STOCKS))},
        )
    return get_stock(chosen)


async def _asset_labels(devices: Sequence[LabelDevice], base_url: str) -> list[AssetLabel]:
    disks = (
        await Disk.select(Disk.device, Disk.size_bytes, Disk.kind, Disk.destroyed_at)
        .where(Disk.device.is_in([device["id"] for device in devices]))
        .order_by(Disk.id)
    )
    by_device: dict[int, list[LabelDisk]] = {}
    for disk in disks:
        by_device.setdefault(disk["device"], []).append(cast(LabelDisk, disk))
    return [
        AssetLabel(
            asset_tag=device["asset_tag"],
            url=device_url(base_url, device["asset_tag"]),
            site_name=device["site_name"],
            spec_line=spec_line(device, by_device.get(device["id"], [])),
        )
        for device in devices
    ]


def _check_position(stock: LabelStock, start_position: int) -> None:
    if not 0 <= start_position < stock.labels_per_page:
        raise InvalidInput(
            "start_position",
            N_("The first free label on {stock} is a number from 1 to {count}."),
            {"stock": stock_name(stock, current_language.get()), "count": stock.labels_per_page},
        )


async def _record(
    devices: Sequence[LabelDevice], actor: Actor, stock: LabelStock, to: str, job: str, outcome: str = ""
) -> None:
    details: dict[str, Any] = {"stock": stock.stock_id, "to": to, "labels": len(devices)}
    if job:
        details["job"] = job
    if outcome:
        details["outcome"] = outcome
    for device in devices:
        state = State(device["state"])
        await record_event(device["id"], LABEL_PRINTED_ACTION, state, state, actor, details=details)


async def make_labels(
    engine: AnyEngine,
    selection: LabelSelection,
    actor: Actor,
    settings: Settings,
    stock_id: str | None = None,
    start_position: int = 0,
) -> Labels:
    """Render the selected devices' labels as a PDF to download, and note it in their histories."""
    devices = await resolve_devices(selection, actor)
    site = await site_for(actor, devices)
    stock = choose_stock(stock_id, site)
    _check_position(stock, start_position)
    labels = await _asset_labels(devices, settings.base_url)
    pdf = render_asset_labels(labels, stock, start_position, _printer_dpi(site))
    # Only the history entries are written, so the write transaction stays short.
    async with write_transaction(engine):
        await _record(devices, actor, stock, PDF_DESTINATION, "")
    return Labels(pdf, stock, tuple(device["asset_tag"] for device in devices))


async def print_labels(
    engine: AnyEngine,
    selection: LabelSelection,
    actor: Actor,
    settings: Settings,
    stock_id: str | None = None,
    start_position: int = 0,
) -> Labels:
    """Send the selected devices' labels to the site's label printer, and note it in their histories."""
    devices = await resolve_devices(selection, actor)
    site = await site_for(actor, devices)
    if site is None or not site["printer_queue"]:
        raise PrinterUnavailable(
            N_("No label printer is set for {site}. Download the PDF, or ask an administrator to set one."),
            {"site": site["name"] if site else "—"},
        )
    stock = choose_stock(stock_id, site)
    _check_position(stock, start_position)
    labels = await _asset_labels(devices, settings.base_url)
    pdf = render_asset_labels(labels, stock, start_position, _printer_dpi(site))
    tags = tuple(device["asset_tag"] for device in devices)
    title = gettext(N_("Labels {tags}")).format(tags=", ".join(tags[:3]) + (" …" if len(tags) > 3 else ""))
    job = await submit(site["printer_queue"], pdf, title, stock, server=settings.cups_server)
    job = await follow(job, settings.cups_server)
    check_outcome(job)
    async with write_transaction(engine):
        await _record(devices, actor, stock, job.queue, job.job_id, job.outcome.value)
    return Labels(pdf, stock, tags, job)
