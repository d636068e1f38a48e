"""Every kind of notification: its e-mail subject and how its text is written, in the reader's language.

Subjects are fixed sentences (a site's name at most): a client's name, code or contact details never
go into a subject line, which mail servers log and phones show on a locked screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from inventory.i18n import N_, gettext, ngettext, normalise_language
from inventory.lifecycle import STATE_LABELS, State

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
MAX_LISTED_DEVICES = 20


def format_day(value: str, language: str) -> str:
    """An ISO date as the reader writes dates."""
    return format_date(
        dt.date.fromisoformat(value), format="medium", locale=LOCALES[normalise_language(language)]
    )


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification."""

    code: str
    subject: str  # message id; may use {site}
    write: Callable[[Mapping[str, Any], str], str]

    def render_subject(self, params: Mapping[str, Any], language: str) -> str:
        """The subject line in a language."""
        return "Kierto: " + gettext(self.subject, language).format(site=params.get("site_name", ""))


def _loan_overdue(params: Mapping[str, Any], language: str) -> str:
    return gettext(
        N_(
            "The loan of device {tag} to client {client} was due on {due_on}. "
            "Contact the client about returning the device."
        ),
        language,
    ).format(tag=params["tag"], client=params["client_code"], due_on=format_day(params["due_on"], language))


def _reservation_expiring(params: Mapping[str, Any], language: str) -> str:
    return gettext(
        N_(
            "The reservation of device {tag} for client {client} ends on {ends_on}. "
            "Hand the device over or renew the reservation, or it goes back to the ready devices."
        ),
        language,
    ).format(tag=params["tag"], client=params["client_code"], ends_on=format_day(params["ends_on"], language))


def _devices_stuck(params: Mapping[str, Any], language: str) -> str:
    count = int(params["count"])
    lines = [
        ngettext(
            "%(num)d device at %(site)s has been in the same step longer than usual:",
            "%(num)d devices at %(site)s have been in the same step longer than usual:",
            count,
            language,
        )
        % {"num": count, "site": params["site_name"]}
    ]
    for device in params["devices"]:
        state = gettext(STATE_LABELS[State(device["state"])], language)
        days = ngettext("%(num)d day", "%(num)d days", int(device["days"]), language) % {
            "num": device["days"]
        }
        lines.append(f"- {device['tag']}: {state}, {days}")
    if count > len(params["devices"]):
        lines.append(gettext(N_("… and {more} more."), language).format(more=count - len(params["devices"])))
    return "\n".join(lines)


def _job_failed(params: Mapping[str, Any], language: str) -> str:
    return gettext(
        N_("The scheduled job {job} failed {attempts} times in a row. The last error was: {error}"), language
    ).format(job=params["job"], attempts=params["attempts"], error=params["error"])


KINDS: dict[str, NotificationKind] = {
    kind.code: kind
    for kind in (
        NotificationKind("loan_overdue", N_("a loan is overdue"), _loan_overdue),
        NotificationKind("reservation_expiring", N_("a reservation is ending"), _reservation_expiring),
        NotificationKind("devices_stuck", N_("devices are waiting at {site}"), _devices_stuck),
        NotificationKind("job_failed", N_("a scheduled job failed"), _job_failed),
    )
}


@dataclass(frozen=True)
class Rendered:
    """A notification as one reader sees it."""

    subject: str
    text: str


def render(kind: str, params: Mapping[str, Any], language: str) -> Rendered:
    """Subject and text of a notification in a language."""
    chosen = KINDS[kind]
    return Rendered(chosen.render_subject(params, language), chosen.write(params, language))
