"""Whether a client's digital orientation meets the completion criteria, and what is still missing."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.clients.tables import OrientationSession
from inventory.i18n import gettext, ngettext
from inventory.settings import Settings
from inventory.topics import TOPICS


@dataclass(frozen=True)
class OrientationStatus:
    """How far a client's orientation has come against the criteria."""

    sessions: int
    minutes: int
    topics_covered: frozenset[str]
    missing_sessions: int
    missing_minutes: int
    missing_topics: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether every criterion is met."""
        return not (self.missing_sessions or self.missing_minutes or self.missing_topics)


async def orientation_status(client_id: int, settings: Settings) -> OrientationStatus:
    """Count a client's sessions, minutes and topics against the configured criteria."""
    rows = (
        await OrientationSession.select(OrientationSession.minutes, OrientationSession.topics)
        .where(OrientationSession.client == client_id)
        .output(load_json=True)
    )
    minutes = sum(int(row["minutes"]) for row in rows)
    covered = frozenset(topic for row in rows for topic in (row["topics"] or []))
    return OrientationStatus(
        sessions=len(rows),
        minutes=minutes,
        topics_covered=covered,
        missing_sessions=max(0, settings.orientation_min_sessions - len(rows)),
        missing_minutes=max(0, settings.orientation_min_minutes - minutes),
        missing_topics=tuple(t for t in settings.orientation_required_topics if t not in covered),
    )


def missing_parts(status: OrientationStatus, language: str | None = None) -> list[str]:
    """What is still missing, as short phrases in the given (or the current) language."""
    parts = []
    if status.missing_sessions:
        parts.append(
            ngettext("%(num)d more session", "%(num)d more sessions", status.missing_sessions, language)
            % {"num": status.missing_sessions}
        )
    if status.missing_minutes:
        parts.append(
            ngettext("%(num)d more minute", "%(num)d more minutes", status.missing_minutes, language)
            % {"num": status.missing_minutes}
        )
    parts.extend(
        gettext("Topic: {topic}", language).format(
            topic=gettext(TOPICS[topic], language) if topic in TOPICS else topic
        )
        for topic in status.missing_topics
    )
    return parts
