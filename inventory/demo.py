"""The demo data set `make run` loads into an empty database: sites, donors, one user per role, made-up
clients and a year of work (see demo_story.py), so that every workspace shows something on first login."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from inventory.accounts.tables import User
from inventory.accounts.users import NewUser, actor_from_row, create_user
from inventory.choices import DeviceKind, DonorKind
from inventory.clients.choices import Accommodation
from inventory.clock import as_of
from inventory.database import AnyEngine
from inventory.demo_story import (
    Cast,
    demo_machine,
    early_donation,
    moment,
    nwipe_device,
    oriented_client,
    recent_donation,
    trainee_hours,
)
from inventory.donations.services import NewDonor, create_donor
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.settings import get_settings
from inventory.sites.services import create_site
from labels.sanitisation_terms import DiskKind

GB = 10**9
# No look-alikes such as l/1 or o/0.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet, not a password

DEMO_USERS = (
    ("harjoittelija", "Harri Harjoittelija", Role.TRAINEE),
    ("ohjaaja", "Outi Ohjaaja", Role.COUNSELLOR),
    ("koordinaattori", "Kaisa Koordinaattori", Role.COORDINATOR),
    ("admin", "Aki Ylläpitäjä", Role.ADMIN),
)


_laptop = partial(demo_machine, DeviceKind.LAPTOP)
_desktop = partial(demo_machine, DeviceKind.DESKTOP)


DEMO_DEVICES = (
    _laptop("Lenovo", "ThinkPad T480", "PF1K8Z3A", "Intel Core i5-8250U", 8, 256, DiskKind.NVME),
    _laptop("Lenovo", "ThinkPad T480", "PF1K8Z7Q", "Intel Core i5-8250U", 16, 512, DiskKind.NVME),
    _laptop("Dell", "Latitude 5490", "7HQ2LN2", "Intel Core i5-8350U", 8, 256, DiskKind.SSD),
    _laptop("HP", "EliteBook 840 G5", "5CG8331XYZ", "Intel Core i5-8350U", 16, 512, DiskKind.NVME),
    _laptop("Lenovo", "ThinkPad X270", "PR0AB12C", "Intel Core i5-7300U", 8, 256, DiskKind.SSD),
    _laptop("Dell", "Latitude E7470", "9KX3MC2", "Intel Core i5-6300U", 8, 256, DiskKind.SSD),
    _laptop("HP", "ProBook 450 G5", "5CD81473QW", "Intel Core i5-8250U", 8, 500, DiskKind.HDD),
    _laptop("Fujitsu", "LIFEBOOK E548", "DSAB012345", "Intel Core i5-8250U", 8, 256, DiskKind.SSD),
    _desktop("Dell", "OptiPlex 7050", "4ZT5RJ2", "Intel Core i5-7500", 8, 500, DiskKind.HDD),
    _desktop("HP", "EliteDesk 800 G3 SFF", "CZC7256LMN", "Intel Core i5-6500", 8, 256, DiskKind.SSD),
    _desktop("Lenovo", "ThinkCentre M910q", "MJ05ABCD", "Intel Core i5-7500T", 8, 256, DiskKind.NVME),
    _laptop("Acer", "TravelMate P259-G2-M", "NXVEPED0047", "Intel Core i3-7020U", 4, 500, DiskKind.HDD),
)


# Made-up people in the counsellor's workspace today: Maija's machine is reserved and her orientation
# complete (the counsellor can hand it over), Erik has had one session so far.
DEMO_CLIENTS = (
    ("Maija Esimerkki", Language.FI, (), 2),
    ("Erik Exempel", Language.SV, (Accommodation.LARGE_TEXT,), 1),
)
DEMO_COUNSELLOR = "ohjaaja"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account and its generated password."""

    username: str
    display_name: str
    role: Role
    password: str


async def database_is_empty() -> bool:
    """Whether no user exists yet (the demo is loaded only then)."""
    return not await User.exists()


async def load_demo_data(engine: AnyEngine) -> list[DemoLogin]:
    """Create the demo sites, donors, users and clients, and a year of work through the real services."""
    settings = get_settings()
    with as_of(moment(340, 9, 0)):
        joensuu = await create_site("JNS", "Joensuu, Kierrätyskahvila")
        await create_site("THJ", "Tohmajärvi, Työpaja")
        logins = []
        for username, name, role in DEMO_USERS:
            password = "-".join(
                "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)
            )
            await create_user(
                NewUser(username=username, display_name=name, role=role, password=password, site_code="JNS")
            )
            logins.append(DemoLogin(username, name, role, password))
        donor = await create_donor(
            NewDonor(
                name="Esimerkki Energia Oy",
                kind=DonorKind.ORGANISATION,
                business_id="1234567-8",
                contact_name="IT-tuki",
                email="it-tuki@example.fi",
            )
        )
        town = await create_donor(
            NewDonor(
                name="Kuvitteellisen kunnan tietohallinto",
                kind=DonorKind.ORGANISATION,
                contact_name="Laitehuolto",
                email="laitehuolto@example.fi",
            )
        )
    actors = {row["username"]: actor_from_row(row) for row in await User.select()}
    cast = Cast(
        trainee=actors["harjoittelija"],
        counsellor=actors[DEMO_COUNSELLOR],
        coordinator=actors["koordinaattori"],
        site_id=joensuu,
        donor_id=donor,
        second_donor_id=town,
    )
    await early_donation(engine, cast, settings)
    clients = [
        await oriented_client(engine, cast, name, language, 40, sessions, accommodations)
        for name, language, accommodations, sessions in DEMO_CLIENTS
    ]
    await recent_donation(engine, cast, settings, DEMO_DEVICES, reserve_for=clients[0])
    await nwipe_device(engine, cast, settings)
    await trainee_hours(engine, cast)
    return logins


def write_logins(path: Path, logins: list[DemoLogin]) -> None:
    """Keep the demo passwords where `make run` can print them again (readable by the owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{login.username}\t{login.password}\t{login.role.value}\t{login.display_name}" for login in logins
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
