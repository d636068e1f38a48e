"""Provisioning profiles: seeded with the defaults, edited by an admin, checked against the roles' specs."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from inventory.actors import Actor
from inventory.clock import now
from inventory.errors import Conflict, Forbidden, InvalidInput, NotFound
from inventory.i18n import N_
from inventory.permissions import Permission
from inventory.runs.schemas import ProfileOut
from inventory.runs.tables import Profile
from provisioning.default_profiles import DEFAULT_PROFILES, STANDARD_DESKTOP
from provisioning.playbook_job import Playbook, default_playbooks_dir
from provisioning.variables import documented_variable_types

DEFAULT_PROFILE = STANDARD_DESKTOP.slug  # what a provisioning run installs when it names no profile

# Set by the service for each device, never by a profile.
RESERVED_VARIABLES = frozenset(
    {"client_account_password_hash", "os_install_disk", "os_install_image", "os_install_image_sha256"}
)
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "list": (list,),
    "dict": (dict,),
}
SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@functools.cache
def provision_variable_types(playbooks_dir: Path) -> dict[str, str]:
    """The documented variables of provision.yml's and install.yml's roles with their declared types."""
    return {
        name: kind
        for playbook in (Playbook.PROVISION, Playbook.INSTALL)
        for name, kind in documented_variable_types(playbooks_dir, playbook.value).items()
    }


def check_variables(variables: dict[str, Any]) -> None:
    """Refuse variables provision.yml does not document, of the wrong type, or set only by the service."""
    types = provision_variable_types(default_playbooks_dir())
    for name, value in variables.items():
        if name in RESERVED_VARIABLES:
            raise InvalidInput(
                "variables", N_("The variable {name} is set by Kierto for each device."), {"name": name}
            )
        if name not in types:
            raise InvalidInput(
                "variables",
                N_("The installation does not know the variable {name}; see the roles' READMEs."),
                {"name": name},
            )
        expected = _TYPES.get(types[name], (object,))
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            raise InvalidInput(
                "variables",
                N_("The variable {name} must be of the type {type}."),
                {"name": name, "type": types[name]},
            )


async def seed_default_profiles() -> int:
    """Create the default profiles when there are none yet; returns how many were created."""
    if await Profile.exists():
        return 0
    moment = now()
    rows = [
        Profile(
            slug=profile.slug,
            name_fi=profile.name_fi,
            name_sv="",
            name_en=profile.name_en,
            description=profile.description,
            variables=dict(profile.variables),
            is_active=True,
            created_at=moment,
            updated_at=moment,
        )
        for profile in DEFAULT_PROFILES
    ]
    # Two processes starting together may both seed: the slug's uniqueness keeps one of each.
    inserted = (
        await Profile.insert(*rows)
        .on_conflict(target=Profile.slug, action="DO NOTHING")
        .returning(Profile.id)
    )
    return len(inserted)


@dataclass(frozen=True)
class ProfileData:
    """The fields of a profile an admin writes."""

    slug: str
    name_fi: str
    name_en: str
    name_sv: str = ""
    description: str = ""
    variables: dict[str, Any] | None = None
    is_active: bool = True


def _check(data: ProfileData) -> None:
    if not data.slug or set(data.slug) - SLUG_CHARACTERS:
        raise InvalidInput("slug", N_("A profile's short name uses only lower-case letters, digits and -."))
    check_variables(data.variables or {})


async def create_profile(data: ProfileData, actor: Actor) -> int:
    """Create a profile (admins only)."""
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(N_("Only an administrator can change profiles."))
    _check(data)
    if await Profile.exists().where(Profile.slug == data.slug):
        raise Conflict(N_("A profile named {slug} already exists."), {"slug": data.slug})
    moment = now()
    rows = await Profile.insert(
        Profile(
            slug=data.slug,
            name_fi=data.name_fi.strip(),
            name_sv=data.name_sv.strip(),
            name_en=data.name_en.strip(),
            description=data.description,
            variables=data.variables or {},
            is_active=data.is_active,
            created_at=moment,
            updated_at=moment,
        )
    ).returning(Profile.id)
    return int(rows[0]["id"])


async def update_profile(profile_id: int, data: ProfileData, actor: Actor) -> None:
    """Replace a profile's names, description, variables and whether it can be chosen (admins only)."""
    if not actor.may(Permission.ADMINISTER):
        raise Forbidden(N_("Only an administrator can change profiles."))
    _check(data)
    current = await Profile.select(Profile.slug).where(Profile.id == profile_id).first()
    if current is None:
        raise NotFound(N_("There is no such profile."))
    if data.slug != current["slug"] and await Profile.exists().where(Profile.slug == data.slug):
        raise Conflict(N_("A profile named {slug} already exists."), {"slug": data.slug})
    await Profile.update(
        {
            Profile.slug: data.slug,
            Profile.name_fi: data.name_fi.strip(),
            Profile.name_sv: data.name_sv.strip(),
            Profile.name_en: data.name_en.strip(),
            Profile.description: data.description,
            Profile.variables: data.variables or {},
            Profile.is_active: data.is_active,
            Profile.updated_at: now(),
        }
    ).where(Profile.id == profile_id)


async def list_profiles(active_only: bool = False) -> list[ProfileOut]:
    """Every profile, by short name."""
    query = Profile.select().order_by(Profile.slug).output(load_json=True)
    if active_only:
        query = query.where(Profile.is_active == True)  # noqa: E712 - Piccolo builds SQL from this comparison
    return msgspec.convert(await query, list[ProfileOut])


async def get_profile(profile_id: int) -> ProfileOut:
    """One profile."""
    row = await Profile.select().where(Profile.id == profile_id).output(load_json=True).first()
    if row is None:
        raise NotFound(N_("There is no such profile."))
    return msgspec.convert(row, ProfileOut)


async def profile_in_use(profile_id: int | None) -> ProfileOut:
    """The profile a provisioning run asks for (the default one if none), refused unless it is in use."""
    query = Profile.select().output(load_json=True)
    query = (
        query.where(Profile.id == profile_id)
        if profile_id is not None
        else query.where(Profile.slug == DEFAULT_PROFILE)
    )
    row = await query.first()
    if row is None or not row["is_active"]:
        raise InvalidInput("profile_id", N_("Choose an installation profile that is in use."))
    return msgspec.convert(row, ProfileOut)
