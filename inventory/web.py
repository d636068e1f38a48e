"""Shared page plumbing: the Jinja environment with gettext, formatting helpers and the page context."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from jinja2 import Environment
from litestar import Litestar, Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from inventory.accounts.display_names import who
from inventory.actors import Actor
from inventory.choices import DEVICE_KIND_LABELS, LANGUAGE_LABELS, DeviceKind
from inventory.clock import HELSINKI
from inventory.errors import DomainError, InvalidInput
from inventory.event_kinds import EVENT_KINDS
from inventory.i18n import current_language, gettext, ngettext
from inventory.lifecycle import STATE_LABELS, TRANSITIONS, Action, State
from inventory.navigation import menu_for
from inventory.permissions import ROLE_LABELS, Permission, Role
from labels.locale_format import format_memory, format_size

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def babel_locale() -> str:
    """The Babel locale of the request's language: Finnish, Finland-Swedish or British English."""
    return {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[current_language.get()]


def format_moment(value: dt.datetime | None) -> str:
    """A date and time in Finnish time and the user's locale."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(HELSINKI), format="short", locale=babel_locale())


def format_day(value: dt.date | None) -> str:
    """A date in the user's locale."""
    return "" if value is None else format_date(value, format="medium", locale=babel_locale())


def format_month(value: dt.date | None) -> str:
    """A month and year in the user's locale, e.g. "marraskuu 2026"."""
    return "" if value is None else format_skeleton("yMMMM", value, locale=babel_locale())


def format_short_month(value: dt.date) -> str:
    """A month's short name in the user's locale, for a chart's axis ("marras", "nov.", "Nov")."""
    return format_date(value, format="LLL", locale=babel_locale())


def format_hours(minutes: int | None) -> str:
    """Minutes as hours with at most two decimals, in the user's locale."""
    return "" if minutes is None else format_decimal(round(minutes / 60, 2), locale=babel_locale())


def format_number(value: float | None) -> str:
    """A number in the user's locale."""
    return "" if value is None else format_decimal(value, locale=babel_locale())


def format_bytes(value: int | None) -> str:
    """A disk size in the user's language (the one rule: `labels.locale_format.format_size`)."""
    return "" if value is None else format_size(value, current_language.get())


def format_ram(ram_mb: int | None) -> str:
    """Working memory in the user's language, e.g. "8 GB"; empty when unknown."""
    return format_memory(ram_mb, current_language.get()) if ram_mb else ""


def state_label(state: str | State | None) -> str:
    """A state's name in the user's language."""
    return "" if state is None else gettext(STATE_LABELS[State(state)])


def step_label(action: str | Action) -> str:
    """A lifecycle step's name as its button says it, e.g. "Start wipe", in the user's language."""
    return gettext(TRANSITIONS[Action(action)].label)


def event_label(kind: str) -> str:
    """What an event says happened, e.g. "Wipe started", in the user's language."""
    known = EVENT_KINDS.get(str(kind))
    return gettext(known.happened) if known else str(kind)


def actor_name(label: str, names: Mapping[str, str] | None = None) -> str:
    """Who did it, in the user's language (see `inventory.accounts.display_names.who`)."""
    return who(label, names or {}, gettext)


def configure_environment(engine: JinjaTemplateEngine) -> None:
    """Install gettext and the formatting filters into the Jinja environment."""
    environment: Environment = engine.engine
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(
        moment=format_moment,
        day=format_day,
        month=format_month,
        hours=format_hours,
        number=format_number,
        bytes=format_bytes,
        memory=format_ram,
        state=state_label,
        step=step_label,
        event=event_label,
        actor=actor_name,
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


_PLACEHOLDER = re.compile(r"\{[^{}/]*\}")


def _shape(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


@dataclass(frozen=True)
class RoutePaths:
    """The paths an app serves, to ask whether a link or a form's address would be answered."""

    shapes: frozenset[str]
    matchers: tuple[re.Pattern[str], ...]

    def __contains__(self, path: object) -> bool:
        """A pattern (`/devices/{tag}/label.pdf`, any placeholder names) or a concrete path."""
        if not isinstance(path, str):
            return False
        if "{" in path:
            return _shape(path) in self.shapes
        return any(matcher.fullmatch(path) for matcher in self.matchers)


_ROUTE_PATHS_KEY = "kierto_route_paths"


def route_paths(app: Litestar) -> RoutePaths:
    """Every path the app serves (cached on the app)."""
    paths = app.state.get(_ROUTE_PATHS_KEY)
    if not isinstance(paths, RoutePaths):
        shapes = frozenset(_shape(route.path) for route in app.routes)
        matchers = tuple(
            re.compile("[^/]+".join(re.escape(part) for part in shape.split("{}"))) for shape in shapes
        )
        paths = RoutePaths(shapes, matchers)
        app.state[_ROUTE_PATHS_KEY] = paths
    return paths


def layout_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every page's layout needs: the user, what they may do, the language, the menu.

    Links to another area's document use Litestar's `url_for("route name", ...)` in the template.
    """
    user = request.scope.get("user")
    actor = user if isinstance(user, Actor) else None
    return {
        "actor": actor,
        "may": (lambda permission: actor is not None and actor.may(permission)),
        "language": current_language.get(),
        "role_label": gettext(ROLE_LABELS[Role(actor.role)]) if actor and actor.role else "",
        "menu": menu_for(actor),
        "current_path": request.url.path,
        "errors": {},
    }


class Page(Template):
    """A page: its template and its own values, with the layout's values (`layout_context`) added as it renders."""

    def create_template_context(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """The layout's values, then the page's own (which may replace `errors`), then Litestar's."""
        return {**layout_context(request), **super().create_template_context(request)}


def form_list(value: list[Any] | Any) -> list[Any]:
    """A repeated form field as a list: browsers send one value as a plain string, several as a list."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def field_errors(error: DomainError) -> dict[str, str]:
    """A refusal as `{field: sentence}` for a form; a refusal that names no field goes under ""."""
    field = error.field if isinstance(error, InvalidInput) else ""
    return {field: error.text()}
