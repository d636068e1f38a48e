"""Administration pages, built on the account and site services (the same ones the API uses)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from inventory.accessibility.services import list_feedback, mark_handled
from inventory.accounts.sessions import end_all_sessions
from inventory.accounts.throttling import failures_waiting, unlock
from inventory.accounts.users import NewUser, UserChanges, create_user, get_user, list_users, update_user
from inventory.actors import Actor
from inventory.choices import LANGUAGE_LABELS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.queries import device_counts_by_site
from inventory.errors import DomainError, InvalidInput
from inventory.i18n import N_, Language, gettext
from inventory.params import RecordIdPath
from inventory.permissions import ROLE_LABELS, Permission, Role
from inventory.sites.services import create_site, list_sites, update_site
from inventory.web import Page, field_errors

ADMIN = {"permission": Permission.ADMINISTER}


@dataclass
class UserForm:
    """The new user and edit user forms (a blank password leaves the password as it is)."""

    username: str = ""
    display_name: str = ""
    role: str = ""  # no default: a form that does not say the role changes nothing
    site_code: str = ""
    email: str = ""
    language: str = Language.FI.value
    password: str = ""
    is_active: str = ""


@dataclass
class SiteForm:
    """The new site and edit site forms."""

    code: str = ""
    name: str = ""
    printer_queue: str = ""
    printer_dpi: str = ""


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("role", N_("Choose the role from the list.")) from None


def _language(value: str) -> Language:
    try:
        return Language(value)
    except ValueError:
        raise InvalidInput("language", N_("Choose the language from the list.")) from None


def _text(value: str, name: str, limit: int) -> str:
    cleaned = value.replace("\x00", "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(name, N_("At most {maximum} characters."), {"maximum": limit})
    return cleaned


def _email(value: str) -> str:
    cleaned = _text(value, "email", 254)
    if cleaned and ("@" not in cleaned or " " in cleaned):
        raise InvalidInput("email", N_("Give an e-mail address like name@example.fi."))
    return cleaned


async def _choices() -> dict[str, Any]:
    sites = await list_sites()
    return {
        "role_options": [(role.value, gettext(label)) for role, label in ROLE_LABELS.items()],
        "language_options": [(lang.value, label) for lang, label in LANGUAGE_LABELS.items()],
        "site_options": [(s["code"], f"{s['code']} – {s['name']}") for s in sites],
        "site_codes": {s["id"]: s["code"] for s in sites},
    }


class AdminPages(Controller):
    """/admin."""

    path = "/admin"
    include_in_schema = False
    opt = ADMIN

    @get("/")
    async def index(self) -> Template:
        """What an administrator looks after."""
        feedback = await list_feedback()
        return Page(
            "admin/index.html",
            context={
                "user_count": len(await list_users()),
                "site_count": len(await list_sites()),
                "open_feedback": sum(1 for f in feedback if f["handled_at"] is None),
            },
        )

    async def _users_page(
        self,
        request: Request[Actor, Any, Any],
        form: UserForm,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        created = request.query_params.get("created")
        return Page(
            "admin/users.html",
            context={
                "users": await list_users(),
                "form": form,
                "errors": errors or {},
                "notice": gettext(N_("The account {username} is created.")).format(username=created)
                if created and not errors
                else None,
                **await _choices(),
            },
            status_code=status_code,
        )

    @get("/users")
    async def users(self, request: Request[Actor, Any, Any]) -> Template:
        """Every account and the form for a new one."""
        return await self._users_page(request, UserForm(role=Role.TRAINEE.value))

    @post("/users", status_code=303)
    async def create_user(
        self, request: Request[Actor, Any, Any], data: URLEncodedBody[UserForm]
    ) -> Redirect | Template:
        """Create an account for one person."""
        try:
            user_id = await create_user(
                NewUser(
                    username=_text(data.username, "username", 64),
                    display_name=_text(data.display_name, "display_name", 100),
                    role=_role(data.role),
                    password=data.password[:1024],
                    site_code=data.site_code.strip() or None,
                    email=_email(data.email) or None,
                    language=_language(data.language),
                )
            )
        except DomainError as refused:
            data.password = ""
            return await self._users_page(request, data, field_errors(refused), refused.status_code)
        user = await get_user(user_id)
        return Redirect(path=f"/admin/users?created={user.username}", status_code=303)

    async def _user_page(
        self,
        request: Request[Actor, Any, Any],
        user_id: int,
        form: UserForm | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        user = await get_user(user_id)
        choices = await _choices()
        form = form or UserForm(
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            site_code=choices["site_codes"].get(user.site_id, ""),
            email=user.email or "",
            language=user.language,
            is_active="true" if user.is_active else "",
        )
        saved = request.query_params.get("saved") == "1" and not errors
        unlocked = request.query_params.get("unlocked") == "1" and not errors
        notice = N_("The changes are saved.") if saved else None
        notice = N_("The failed logins are forgotten; the person can log in at once.") if unlocked else notice
        return Page(
            "admin/user.html",
            context={
                "user": user,
                "form": form,
                "errors": errors or {},
                "notice": gettext(notice) if notice else None,
                "failed_logins": await failures_waiting(user.username),
                **choices,
            },
            status_code=status_code,
        )

    @get("/users/{user_id:int}")
    async def user(self, request: Request[Actor, Any, Any], user_id: RecordIdPath) -> Template:
        """One account's details."""
        return await self._user_page(request, user_id)

    @post("/users/{user_id:int}", status_code=303)
    async def update_user(
        self, request: Request[Actor, Any, Any], user_id: RecordIdPath, data: URLEncodedBody[UserForm]
    ) -> Redirect | Template:
        """Change an account; a new password or deactivation ends the person's sessions at once."""
        active = data.is_active == "true"
        try:
            role = _role(data.role)
            display_name = _text(data.display_name, "display_name", 100)
            if not display_name:
                raise InvalidInput("display_name", N_("Give the person's name."))
            if user_id == request.user.user_id and (not active or role is not Role.ADMIN):
                raise InvalidInput(
                    "role",
                    N_("You cannot take away your own administrator rights; ask another administrator."),
                )
            await update_user(
                user_id,
                UserChanges(
                    display_name=display_name,
                    role=role,
                    site_code=data.site_code.strip() or None,
                    email=_email(data.email),
                    language=_language(data.language),
                    is_active=active,
                    password=data.password[:1024] or None,
                ),
            )
        except DomainError as refused:
            data.password = ""
            return await self._user_page(request, user_id, data, field_errors(refused), refused.status_code)
        if data.password or not active:
            await end_all_sessions(user_id)
        return Redirect(path=f"/admin/users/{user_id}?saved=1", status_code=303)

    @post("/users/{user_id:int}/unlock", status_code=303)
    async def unlock_user(self, user_id: RecordIdPath) -> Redirect:
        """Forget the account's failed logins, so no wait holds the person back (accounts/throttling.py)."""
        user = await get_user(user_id)
        await unlock(user.username)
        return Redirect(path=f"/admin/users/{user_id}?unlocked=1", status_code=303)

    async def _sites_page(
        self,
        request: Request[Actor, Any, Any],
        form: SiteForm,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        failed_site: int | None = None,
    ) -> Template:
        saved = request.query_params.get("saved") == "1" and not errors
        return Page(
            "admin/sites.html",
            context={
                "sites": await list_sites(),
                "device_counts": await device_counts_by_site(),
                "form": form,
                "errors": errors or {},
                "failed_site": failed_site,
                "notice": gettext(N_("The changes are saved.")) if saved else None,
            },
            status_code=status_code,
        )

    @get("/sites")
    async def sites(self, request: Request[Actor, Any, Any]) -> Template:
        """Every site with its label printer, and the form for a new one."""
        return await self._sites_page(request, SiteForm())

    @post("/sites", status_code=303)
    async def create_site(
        self, request: Request[Actor, Any, Any], data: URLEncodedBody[SiteForm]
    ) -> Redirect | Template:
        """Create a site; its code is printed on every label and never changes."""
        try:
            await create_site(
                _text(data.code, "code", 5),
                _text(data.name, "name", 100),
                _text(data.printer_queue, "printer_queue", 100) or None,
            )
        except DomainError as refused:
            return await self._sites_page(request, data, field_errors(refused), refused.status_code)
        return Redirect(path="/admin/sites?saved=1", status_code=303)

    @post("/sites/{site_id:int}", status_code=303)
    async def update_site(
        self, request: Request[Actor, Any, Any], site_id: RecordIdPath, data: URLEncodedBody[SiteForm]
    ) -> Redirect | Template:
        """Rename a site or set its label printer queue (empty: no printer)."""
        try:
            await update_site(
                site_id,
                _text(data.name, "name", 100),
                _text(data.printer_queue, "printer_queue", 100),
                printer_dpi=int(data.printer_dpi) if data.printer_dpi.isdigit() else None,
            )
        except DomainError as refused:
            errors = {f"site-{site_id}-{name}": text for name, text in field_errors(refused).items()}
            return await self._sites_page(request, SiteForm(), errors, refused.status_code, site_id)
        return Redirect(path="/admin/sites?saved=1", status_code=303)

    @get("/settings")
    async def settings_page(self, settings: SettingsDependency) -> Template:
        """The settings in force (set as environment variables; secrets are never shown)."""
        shown = {
            "KIERTO_BASE_URL": settings.base_url,
            "KIERTO_DEFAULT_LANGUAGE": settings.default_language,
            "KIERTO_DEBUG": str(settings.debug).lower(),
            "KIERTO_SESSION_IDLE_MINUTES": str(settings.session_idle_minutes),
            "KIERTO_SESSION_ABSOLUTE_HOURS": str(settings.session_absolute_hours),
            "KIERTO_LOGIN_MAX_FAILURES": str(settings.login_max_failures),
            "KIERTO_LOGIN_LOCKOUT_MINUTES": str(settings.login_lockout_minutes),
            "KIERTO_MAX_UPLOAD_BYTES": str(settings.max_upload_bytes),
            "KIERTO_DATABASE_POOL_MAX": str(settings.database_pool_max),
            "KIERTO_ORIENTATION_MIN_SESSIONS": str(settings.orientation_min_sessions),
            "KIERTO_ORIENTATION_MIN_MINUTES": str(settings.orientation_min_minutes),
            "KIERTO_ORIENTATION_REQUIRED_TOPICS": ", ".join(settings.orientation_required_topics),
        }
        database = settings.resolved_database_url.partition("://")[0]
        return Page(
            "admin/settings.html",
            context={
                "shown": shown,
                "database": database,
                "secret_from_environment": bool(settings.secret_key),
            },
        )

    @get("/feedback")
    async def feedback(self) -> Template:
        """Accessibility feedback, open first."""
        return Page("admin/feedback.html", context={"feedback": await list_feedback()})

    @post("/feedback/{feedback_id:int}/handled", status_code=303)
    async def handled(
        self,
        request: Request[Actor, Any, Any],
        feedback_id: RecordIdPath,
        engine: EngineDependency,
    ) -> Redirect:
        """Mark feedback as dealt with."""
        await mark_handled(engine, request.user, feedback_id)
        return Redirect(path="/admin/feedback", status_code=303)
