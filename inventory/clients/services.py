"""Use cases for client records: register a client, correct the record; each one logged in the access log."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.clients.choices import Accommodation
from inventory.clients.codes import new_client_code
from inventory.clients.identity_numbers import refuse_identity_codes
from inventory.clients.scope import (
    lock_client,
    reach_client,
    recheck_not_anonymised,
    refuse,
    require_not_anonymised,
    sees_every_site,
)
from inventory.clients.tables import Client
from inventory.clock import now, today
from inventory.database import AnyEngine, write_transaction
from inventory.errors import Forbidden, InvalidInput
from inventory.i18n import N_, Language
from inventory.permissions import Permission, Role
from inventory.privacy.access_log import record_access
from inventory.privacy.choices import AccessAction, Purpose
from inventory.schema_types import EMAIL
from inventory.sites.tables import Site

NAME_MAX = 200
PHONE_PATTERN = re.compile(r"^[0-9+()\- ]{3,40}$")
EMAIL_PATTERN = re.compile(EMAIL)
EMAIL_MAX = 254
EARLIEST_CONSENT = dt.date(2000, 1, 1)
CODE_ATTEMPTS = 8
COUNSELLING_ROLES = (Role.COUNSELLOR.value, Role.COORDINATOR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class NewClient:
    """A client as the counsellor records them, with the date their consent was recorded."""

    full_name: str
    consent_recorded_on: dt.date
    language: Language = Language.FI
    phone: str | None = None
    email: str | None = None
    accommodations: tuple[Accommodation, ...] = ()
    counsellor_id: int | None = None
    site_id: int | None = None


@dataclass(frozen=True)
class ClientChanges:
    """Corrections to a client record; None leaves a field as it is, "" removes a phone or an e-mail."""

    full_name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: Language | None = None
    accommodations: tuple[Accommodation, ...] | None = None
    consent_recorded_on: dt.date | None = None
    counsellor_id: int | None = None
    site_id: int | None = None
    changed: frozenset[str] = field(default_factory=frozenset)


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidInput("full_name", N_("Give the client's name as it goes on the agreement."))
    if len(name) > NAME_MAX:
        raise InvalidInput(
            "full_name", N_("The name is longer than {limit} characters."), {"limit": NAME_MAX}
        )
    return name


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    phone = value.strip()
    if not PHONE_PATTERN.match(phone):
        raise InvalidInput("phone", N_("A phone number has digits, spaces, +, - and brackets only."))
    return phone


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = value.strip()
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.match(email):
        raise InvalidInput("email", N_("The e-mail address does not look right."))
    return email


def _consent(value: dt.date) -> dt.date:
    if value > today():
        raise InvalidInput("consent_recorded_on", N_("The consent cannot be recorded on a future date."))
    if value < EARLIEST_CONSENT:
        raise InvalidInput("consent_recorded_on", N_("Check the date the consent was recorded."))
    return value


def _accommodations(values: tuple[Accommodation, ...]) -> list[str]:
    return [Accommodation(value).value for value in dict.fromkeys(values)]


async def _site_for(actor: Actor, site_id: int | None) -> int:
    if site_id is None:
        if actor.site_id is None:
            raise InvalidInput("site_id", N_("Choose the site the client belongs to."))
        return actor.site_id
    if not sees_every_site(actor) and site_id != actor.site_id:
        raise Forbidden(N_("You can record clients for your own site only."))
    if not await Site.exists().where(Site.id == site_id):
        raise InvalidInput("site_id", N_("There is no such site."))
    return site_id


async def _counsellor_for(counsellor_id: int | None, site_id: int) -> int | None:
    if counsellor_id is None:
        return None
    row = (
        await User.select(User.id, User.role, User.site, User.is_active)
        .where(User.id == counsellor_id)
        .first()
    )
    if row is None or not row["is_active"] or row["role"] not in COUNSELLING_ROLES:
        raise InvalidInput("counsellor_id", N_("Choose a counsellor who works with clients."))
    if row["role"] == Role.COUNSELLOR.value and row["site"] != site_id:
        raise InvalidInput("counsellor_id", N_("The counsellor works at another site."))
    return int(row["id"])


async def create_client(
    engine: AnyEngine,
    new: NewClient,
    actor: Actor,
    purpose: Purpose = Purpose.CLIENT_REGISTER,
) -> int:
    """Register a client with a fresh pseudonymous code; refuses anything like a personal identity code."""
    if not actor.may(Permission.CLIENT_WRITE):
        await refuse(engine, actor, None, purpose, AccessAction.CREATE, "role")
        raise Forbidden(N_("Your role does not allow this."))
    refuse_identity_codes((("full_name", new.full_name), ("phone", new.phone), ("email", new.email)))
    name = _name(new.full_name)
    phone, email = _phone(new.phone), _email(new.email)
    consent = _consent(new.consent_recorded_on)
    site_id = await _site_for(actor, new.site_id)
    default_counsellor = actor.user_id if actor.role is not None and actor.role is not Role.ADMIN else None
    counsellor_id = await _counsellor_for(
        new.counsellor_id if new.counsellor_id is not None else default_counsellor, site_id
    )
    async with write_transaction(engine):
        for _ in range(CODE_ATTEMPTS):
            code = new_client_code()
            if not await Client.exists().where(Client.code == code):
                break
        else:  # pragma: no cover - 1.5e11 codes: only a broken random source gets here
            raise RuntimeError("No free client code was found.")
        rows = await Client.insert(
            Client(
                code=code,
                full_name=name,
                phone=phone,
                email=email,
                language=Language(new.language).value,
                accommodations=_accommodations(new.accommodations),
                counsellor=counsellor_id,
                site=site_id,
                consent_recorded_on=consent,
                created_at=now(),
            )
        ).returning(Client.id)
        client_id = int(rows[0]["id"])
        await record_access(actor, AccessAction.CREATE, [client_id], purpose)
    return client_id


async def update_client(
    engine: AnyEngine,
    client_id: int,
    changes: ClientChanges,
    actor: Actor,
    purpose: Purpose = Purpose.CLIENT_RECORD,
) -> None:
    """Correct a client's record (an erased client cannot be changed)."""
    client = await reach_client(
        engine, actor, client_id, purpose, AccessAction.UPDATE, permission=Permission.CLIENT_WRITE
    )
    require_not_anonymised(client)
    refuse_identity_codes(
        (("full_name", changes.full_name), ("phone", changes.phone), ("email", changes.email))
    )
    values: dict[Any, Any] = {}
    if changes.full_name is not None:
        values[Client.full_name] = _name(changes.full_name)
    if changes.phone is not None:
        values[Client.phone] = _phone(changes.phone)
    if changes.email is not None:
        values[Client.email] = _email(changes.email)
    if changes.language is not None:
        values[Client.language] = Language(changes.language).value
    if changes.accommodations is not None:
        values[Client.accommodations] = _accommodations(changes.accommodations)
    if changes.consent_recorded_on is not None:
        values[Client.consent_recorded_on] = _consent(changes.consent_recorded_on)
    site_id = client.site
    if changes.site_id is not None and changes.site_id != site_id:
        if not sees_every_site(actor):
            raise Forbidden(N_("Only a coordinator can move a client to another site."))
        site_id = await _site_for(actor, changes.site_id)
        values[Client.site] = site_id
    if changes.counsellor_id is not None or "counsellor_id" in changes.changed:
        values[Client.counsellor] = await _counsellor_for(changes.counsellor_id, site_id)
    async with write_transaction(engine):
        await lock_client(engine, client_id)
        await recheck_not_anonymised(client_id)
        if values:
            await Client.update(values).where(Client.id == client_id)
        await record_access(actor, AccessAction.UPDATE, [client_id], purpose)
