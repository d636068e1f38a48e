"""Shared page plumbing: the Jinja environment with gettext, formatting helpers and the page context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, LANGUAGE_LABELS, DeviceKind
from inventory.clock import HELSINKI
from inventory.i18n import current_language, gettext, ngettext
from inventory.lifecycle import STATE_LABELS, TRANSITIONS, Action, State
from inventory.navigation import menu_for
from inventory.permissions import N_, ROLE_LABELS, Permission, Role

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def _locale() -> str:
    return {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[current_language.get()]


def format_moment(value: dt.datetime | None) -> str:
    """A date and time in Finnish time and the user's locale."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(HELSINKI), format="short", locale=_locale())


def format_day(value: dt.date | None) -> str:
    """A date in the user's locale."""
    return "" if value is None else format_date(value, format="medium", locale=_locale())


def format_number(value: float | None) -> str:
    """A number in the user's locale."""
    return "" if value is None else format_decimal(value, locale=_locale())


def format_bytes(value: int | None) -> str:
    """A disk size in GB or TB, the way it is printed on the disk."""
    if value is None:
        return ""
    if value >= 10**12:
        return f"{format_decimal(round(value / 10**12, 1), locale=_locale())} TB"
    return f"{format_decimal(round(value / 10**9), locale=_locale())} GB"


def state_label(state: str | State | None) -> str:
    """A state's name in the user's language."""
    return "" if state is None else gettext(STATE_LABELS[State(state)])


def action_label(action: str | Action) -> str:
    """A lifecycle step's name in the user's language (other history entries have their own words)."""
    try:
        return gettext(TRANSITIONS[Action(action)].label)
    except ValueError:
        return gettext(ACTIVITY_LABELS.get(str(action), str(action)))


ACTIVITY_LABELS = {
    "intake": N_("Received"),
    "edited": N_("Details corrected"),
    "disk_added": N_("Disk added"),
    "loan_extended": N_("Loan extended"),
}


def configure_environment(engine: JinjaTemplateEngine) -> None:
    """Install gettext and the formatting filters into the Jinja environment."""
    environment: Environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(
        moment=format_moment,
        day=format_day,
        number=format_number,
        bytes=format_bytes,
        state=state_label,
        action=action_label,
    )
    environment.globals.update(
        LANGUAGE_LABELS={lang.value: label for lang, label in LANGUAGE_LABELS.items()},
        ROLE_LABELS={role.value: label for role, label in ROLE_LABELS.items()},
        KIND_LABELS={kind.value: label for kind, label in DEVICE_KIND_LABELS.items()},
        DeviceKind=DeviceKind,
        Permission=Permission,
        State=State,
    )


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The template configuration of the app."""
    return TemplateConfig(
        directory=TEMPLATE_DIR, engine=JinjaTemplateEngine, engine_callback=configure_environment
    )


def page_context(request: Request[Any, Any, Any], **values: Any) -> dict[str, Any]:
    """What every page's layout needs: the user, what they may do, the language."""
    user = request.scope.get("user")
    actor = user if isinstance(user, Actor) else None
    return {
        "actor": actor,
        "may": (lambda permission: actor is not None and actor.may(permission)),
        "language": current_language.get(),
        "role_label": gettext(ROLE_LABELS[Role(actor.role)]) if actor and actor.role else "",
        "menu": menu_for(actor),
        **values,
    }
