"""Domain errors raised by services; the app turns them into 403/404/409/422 answers in the user's language."""

from __future__ import annotations

from collections.abc import Mapping

from inventory.i18n import gettext
from inventory.lifecycle import STATE_LABELS, Refusal


class DomainError(Exception):
    """A refusal a person can act on; `message` is an English message id with `{placeholders}`."""

    status_code = 400

    def __init__(self, message: str, values: Mapping[str, object] | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.values = dict(values or {})
        self.code = code or type(self).__name__

    def text(self, language: str | None = None) -> str:
        """The message as a sentence in the given (or the current) language."""
        return gettext(self.message, language).format(**self.values)


class NotFound(DomainError):
    """The thing asked for does not exist, or the asker may not know that it exists."""

    status_code = 404


class Forbidden(DomainError):
    """The user's role does not allow this."""

    status_code = 403


class Conflict(DomainError):
    """The request clashes with the current state of things."""

    status_code = 409


class LifecycleRefused(Conflict):
    """A lifecycle guard refused a transition."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message, code=refusal.code)
        self.refusal = refusal

    def text(self, language: str | None = None) -> str:
        """The refusal rendered with translated state names."""
        return format_refusal(self.refusal, language)


class InvalidInput(DomainError):
    """A field of the request is missing or wrong; `field` names it."""

    status_code = 422

    def __init__(self, field: str, message: str, values: Mapping[str, object] | None = None) -> None:
        super().__init__(message, values, code="invalid")
        self.field = field


def format_refusal(refusal: Refusal, language: str | None = None) -> str:
    """Render a lifecycle refusal as a sentence in the given language."""
    values: dict[str, str] = dict(refusal.values)
    for name, message_id in refusal.labels.items():
        values[name] = gettext(message_id, language)
    for name, states in refusal.states.items():
        values[name] = ", ".join(gettext(STATE_LABELS[state], language) for state in states)
    return gettext(refusal.message, language).format(**values)
