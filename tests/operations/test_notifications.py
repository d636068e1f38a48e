"""Notifications: in-app per user with an unread count, and e-mail through a real local SMTP server,
in the recipient's language, never with a client's details in the subject."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from inventory.accounts.tables import User
from inventory.i18n import Language
from inventory.operations.notifications.email import deliver_pending
from inventory.operations.notifications.services import notify
from inventory.operations.notifications.tables import EmailStatus, Notification
from inventory.permissions import Role
from inventory.settings import get_settings
from tests import factories
from tests.conftest import free_port
from tests.operations.helpers import operations

PARAMS = {"tag": "JNS-000042-7", "client_code": "K-00017", "due_on": "2026-03-01"}


class Mailbox:
    """An aiosmtpd handler keeping what it receives; refuses addresses at refused.example."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        self.messages.append(email.message_from_bytes(content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def smtp(port: int, **values: Any) -> Any:
    return operations(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="Kierto <kierto@example.fi>",
        **values,
    )


async def _user(role: Role, language: Language, address: str | None) -> int:
    actor = await factories.user(role, language=language)
    assert actor.user_id is not None
    await User.update({User.email: address}).where(User.id == actor.user_id)
    return actor.user_id


async def test_email_goes_out_in_each_recipients_language_without_client_details_in_the_subject(
    db: Any, smtp_server: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp_server
    finnish = await _user(Role.COUNSELLOR, Language.FI, "maija@example.fi")
    swedish = await _user(Role.COUNSELLOR, Language.SV, "anna@example.fi")
    settings_ = smtp(port)
    created = await notify(
        [finnish, swedish], "loan_overdue", PARAMS, settings_, link="/devices/JNS-000042-7"
    )
    assert created == 2
    counts = await deliver_pending(get_settings(), settings_)
    assert counts == {"sent": 2, "deferred": 0, "failed": 0}
    by_address = {str(m["To"]): m for m in mailbox.messages}
    fi, sv = by_address["maija@example.fi"], by_address["anna@example.fi"]
    assert fi["Subject"] == "Kierto: laina on myöhässä"
    assert sv["Subject"] == "Kierto: ett lån är försenat"
    for message in (fi, sv):
        assert "K-00017" not in message["Subject"]
        assert "Testi" not in message["Subject"]
        assert message["Auto-Submitted"] == "auto-generated"
    fi_body = fi.get_content()
    assert "JNS-000042-7" in fi_body
    assert "1.3.2026" in fi_body  # a Finnish date
    assert f"{get_settings().base_url}/devices/JNS-000042-7" in fi_body
    assert "Lånet av enheten JNS-000042-7" in sv.get_content()
    statuses = {row["email_status"] for row in await Notification.select(Notification.email_status)}
    assert statuses == {EmailStatus.SENT}
    # Delivered once: a second run finds nothing to send.
    assert await deliver_pending(get_settings(), settings_) == {"sent": 0, "deferred": 0, "failed": 0}
    assert len(mailbox.messages) == 2


async def test_a_refused_address_fails_for_good_and_an_absent_server_is_tried_again(
    db: Any, smtp_server: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp_server
    refused = await _user(Role.COORDINATOR, Language.FI, "nobody@refused.example")
    away = await _user(Role.COORDINATOR, Language.FI, "pekka@example.fi")
    await notify([refused], "job_failed", {"job": "backup", "attempts": 4, "error": "x"}, smtp(port))
    assert await deliver_pending(get_settings(), smtp(port)) == {"sent": 0, "deferred": 0, "failed": 1}
    await notify([away], "job_failed", {"job": "backup", "attempts": 4, "error": "x"}, smtp(port))
    nobody_listens = smtp(free_port(), email_attempts=2)
    assert await deliver_pending(get_settings(), nobody_listens) == {"sent": 0, "deferred": 1, "failed": 0}
    row = await Notification.select().where(Notification.user == away).first()
    assert row is not None
    assert row["email_status"] == EmailStatus.PENDING
    assert row["email_next_attempt_at"] > row["created_at"]
    # Not before its time; then the second failure is the last one allowed.
    assert await deliver_pending(get_settings(), nobody_listens) == {"sent": 0, "deferred": 0, "failed": 0}
    await Notification.update({Notification.email_next_attempt_at: row["created_at"]}).where(
        Notification.user == away
    )
    assert await deliver_pending(get_settings(), nobody_listens) == {"sent": 0, "deferred": 0, "failed": 1}
    assert mailbox.messages == []


async def test_without_smtp_or_an_address_nothing_is_queued_for_email(db: Any) -> None:
    with_address = await _user(Role.COUNSELLOR, Language.FI, "maija@example.fi")
    without = await _user(Role.COUNSELLOR, Language.FI, None)
    await notify([with_address], "loan_overdue", PARAMS, operations())
    await notify([without], "loan_overdue", PARAMS, operations(smtp_host="127.0.0.1"))
    statuses = [row["email_status"] for row in await Notification.select(Notification.email_status)]
    assert statuses == [EmailStatus.NOT_SENT, EmailStatus.NOT_SENT]


async def test_a_dedup_key_makes_a_notice_once_per_user_and_inactive_users_get_none(db: Any) -> None:
    active = await _user(Role.COUNSELLOR, Language.FI, None)
    inactive = await _user(Role.COUNSELLOR, Language.FI, None)
    await User.update({User.is_active: False}).where(User.id == inactive)
    first = await notify([active, inactive], "loan_overdue", PARAMS, operations(), dedup_key="loan:1")
    second = await notify([active, inactive], "loan_overdue", PARAMS, operations(), dedup_key="loan:1")
    assert (first, second) == (1, 0)
    assert await Notification.count() == 1


async def test_the_api_lists_counts_and_marks_read_only_ones_own(
    db: Any, client: httpx.AsyncClient, headers_for: Any
) -> None:
    mine = await factories.user(Role.COUNSELLOR, language=Language.SV)
    other = await factories.user(Role.COUNSELLOR)
    assert mine.user_id is not None
    assert other.user_id is not None
    headers = {"Authorization": f"Bearer {await factories.token(mine)}"}
    for _ in range(3):
        await notify([mine.user_id], "loan_overdue", PARAMS, operations())
    await notify([other.user_id], "loan_overdue", PARAMS, operations())
    listed = (await client.get("/api/v1/me/notifications", headers=headers)).json()
    assert listed["total"] == 3
    assert listed["unread"] == 3
    assert listed["items"][0]["subject"] == "Kierto: ett lån är försenat"
    first_id = listed["items"][0]["id"]
    read = await client.post(f"/api/v1/me/notifications/{first_id}/read", headers=headers)
    assert read.json() == {"unread": 2}
    others = await Notification.select(Notification.id).where(Notification.user == other.user_id).first()
    assert others is not None
    foreign = await client.post(f"/api/v1/me/notifications/{others['id']}/read", headers=headers)
    assert foreign.status_code == 404
    unread_only = (
        await client.get("/api/v1/me/notifications", params={"unread": "true"}, headers=headers)
    ).json()
    assert unread_only["total"] == 2
    assert (await client.post("/api/v1/me/notifications/read-all", headers=headers)).json() == {"marked": 2}
    assert (await client.get("/api/v1/me/notifications/unread-count", headers=headers)).json() == {
        "unread": 0
    }


async def test_the_layout_shows_the_unread_count_and_the_page_lists_them(
    db: Any, client: httpx.AsyncClient
) -> None:
    actor = await factories.user(Role.TRAINEE, language=Language.EN)
    assert actor.user_id is not None
    headers = {"Authorization": f"Bearer {await factories.token(actor)}", "Accept": "text/html"}
    home = await client.get("/", headers=headers)
    assert 'href="/notifications"' in home.text
    assert "unread" not in home.text
    await notify(
        [actor.user_id],
        "devices_stuck",
        {
            "site_code": "JNS",
            "site_name": "Joensuu",
            "count": 2,
            "devices": [
                {"tag": "JNS-000001-X", "state": "received", "days": 20},
                {"tag": "JNS-000002-X", "state": "wiping", "days": 3},
            ],
        },
        operations(),
        link="/devices",
    )
    home = await client.get("/", headers=headers)
    assert "1 unread" in home.text
    page = await client.get("/notifications", headers=headers)
    assert "2 devices at Joensuu have been in the same step longer than usual" in page.text
    assert "JNS-000002-X: being wiped, 3 days" in page.text
