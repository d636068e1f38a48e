"""Installation profiles for administrators: list, create and edit, through the service the API uses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.actors import Actor
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, gettext
from inventory.params import RecordIdPath
from inventory.permissions import Permission
from inventory.runs.provisioning_profiles import (
    ProfileData,
    create_profile,
    get_profile,
    list_profiles,
    provision_variable_types,
    update_profile,
)
from inventory.runs.schemas import ProfileOut
from inventory.web import Page, field_errors
from provisioning.playbook_job import default_playbooks_dir

ADMIN = {"permission": Permission.ADMINISTER}
LIMITS = {"slug": 40, "name_fi": 100, "name_sv": 100, "name_en": 100, "description": 4000}
REQUIRED = ("slug", "name_fi", "name_en")
VARIABLES_LIMIT = 20_000


@dataclass
class ProfileForm:
    """A profile as the form posts it; the variables are written as YAML, as in Ansible."""

    slug: str = ""
    name_fi: str = ""
    name_sv: str = ""
    name_en: str = ""
    description: str = ""
    variables: str = ""
    active: str = ""


def _form_of(profile: ProfileOut) -> ProfileForm:
    variables = json.loads(json.dumps(profile.variables))  # plain values, as YAML can write them
    return ProfileForm(
        slug=profile.slug,
        name_fi=profile.name_fi,
        name_sv=profile.name_sv,
        name_en=profile.name_en,
        description=profile.description,
        variables=yaml.safe_dump(variables, allow_unicode=True, sort_keys=True) if variables else "",
        active="yes" if profile.is_active else "",
    )


def _variables(text: str) -> dict[str, Any]:
    if len(text) > VARIABLES_LIMIT:
        raise InvalidInput("variables", N_("At most {maximum} characters."), {"maximum": VARIABLES_LIMIT})
    try:
        parsed = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError:
        raise InvalidInput(
            "variables", N_("The variables could not be read: write one name: value on each line.")
        ) from None
    if not isinstance(parsed, dict) or not all(isinstance(name, str) for name in parsed):
        raise InvalidInput(
            "variables", N_("The variables could not be read: write one name: value on each line.")
        )
    return parsed


def _data(form: ProfileForm) -> ProfileData:
    """The profile the form describes; a missing or too long field is refused, naming it."""
    values: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = str(getattr(form, name)).replace("\x00", "").strip()
        if name in REQUIRED and not value:
            raise InvalidInput(name, N_("Fill in this field."))
        if len(value) > limit:
            raise InvalidInput(name, N_("At most {maximum} characters."), {"maximum": limit})
        values[name] = value
    return ProfileData(**values, variables=_variables(form.variables), is_active=form.active == "yes")


async def _profile_page(
    request: Request[Actor, Any, Any],
    form: ProfileForm,
    profile_id: int | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    saved = request.query_params.get("saved") == "1" and not errors
    return Page(
        "admin/profile.html",
        context={
            "form": form,
            "profile_id": profile_id,
            "errors": errors or {},
            "known_variables": sorted(provision_variable_types(default_playbooks_dir()).items()),
            "notice": gettext(N_("The changes are saved.")) if saved else None,
        },
        status_code=status_code,
    )


class ProfilePages(Controller):
    """/admin/profiles: the installation profiles trainees choose from when they start an installation."""

    path = "/admin/profiles"
    include_in_schema = False
    opt = ADMIN

    @get("/")
    async def profiles(self) -> Template:
        """Every profile, active or not, with a link to edit it."""
        return Page("admin/profiles.html", context={"profiles": await list_profiles()})

    @get("/new")
    async def new_profile(self, request: Request[Actor, Any, Any]) -> Template:
        """The form for a new profile."""
        return await _profile_page(request, ProfileForm(active="yes"))

    @post("/", status_code=303)
    async def create(
        self, request: Request[Actor, Any, Any], data: URLEncodedBody[ProfileForm]
    ) -> Redirect | Template:
        """Create a profile; its variables must be documented variables of the installation's roles."""
        try:
            profile_id = await create_profile(_data(data), request.user)
        except DomainError as refused:
            return await _profile_page(request, data, None, field_errors(refused), refused.status_code)
        return Redirect(path=f"/admin/profiles/{profile_id}?saved=1", status_code=303)

    @get("/{profile_id:int}")
    async def profile(self, request: Request[Actor, Any, Any], profile_id: RecordIdPath) -> Template:
        """One profile's form."""
        return await _profile_page(request, _form_of(await get_profile(profile_id)), profile_id)

    @post("/{profile_id:int}", status_code=303)
    async def update(
        self, request: Request[Actor, Any, Any], profile_id: RecordIdPath, data: URLEncodedBody[ProfileForm]
    ) -> Redirect | Template:
        """Replace a profile's names, variables and whether it can be chosen."""
        try:
            await update_profile(profile_id, _data(data), request.user)
        except DomainError as refused:
            return await _profile_page(request, data, profile_id, field_errors(refused), refused.status_code)
        return Redirect(path=f"/admin/profiles/{profile_id}?saved=1", status_code=303)
