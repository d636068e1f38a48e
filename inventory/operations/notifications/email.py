"""E-mail copies of notifications: an outbox the `email_delivery` job empties through SMTP.

Each notification is claimed before it is sent, so two deliverers never send the same one; a
temporary failure (server away, 4xx) is tried again later with a growing pause, a permanent one
(5xx, address refused) is given up at once. Messages are written in the recipient's language.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from inventory.actors import Actor
from inventory.clock import now
from inventory.i18n import N_, gettext, normalise_language
from inventory.operations.notifications.client_reads import log_codes_shown
from inventory.operations.notifications.kinds import render
from inventory.operations.notifications.tables import EmailStatus, Notification
from inventory.operations.settings import OperationsSettings
from inventory.settings import Settings

BATCH = 100
STALE_CLAIM = dt.timedelta(minutes=15)
RETRY_BASE = dt.timedelta(minutes=1)
PERMANENT_SMTP_CODES = range(500, 600)


@dataclass(frozen=True)
class Outgoing:
    """One e-mail ready to send."""

    notification_id: int
    message: EmailMessage


def compose(row: dict[str, Any], settings: Settings, operations: OperationsSettings) -> EmailMessage:
    """The e-mail for a notification row joined with its user's address and language."""
    language = normalise_language(row["user.language"])
    rendered = render(row["kind"], row["params"], language)
    message = EmailMessage()
    message["From"] = operations.smtp_from
    message["To"] = row["user.email"]
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(operations.smtp_from)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = language
    parts = [rendered.text]
    if row["link"]:
        parts.append(
            gettext(N_("Open in Kierto: {url}"), language).format(url=settings.base_url + row["link"])
        )
    parts.append(
        "-- \n"
        + gettext(
            N_("This message was sent by Kierto. You can read all your notifications in Kierto."), language
        )
    )
    message.set_content("\n\n".join(parts), charset="utf-8")
    return message


class TemporaryFailure(Exception):
    """Sending failed in a way that may pass: try again later."""


class PermanentFailure(Exception):
    """The server refused the message for good."""


def _connect(operations: OperationsSettings) -> smtplib.SMTP:
    timeout = operations.smtp_timeout_seconds
    server: smtplib.SMTP
    if operations.smtp_security == "tls":
        server = smtplib.SMTP_SSL(
            operations.smtp_host, operations.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(operations.smtp_host, operations.smtp_port, timeout=timeout)
        if operations.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if operations.smtp_username:
        server.login(operations.smtp_username, operations.smtp_password)
    return server


def send_batch(outgoing: list[Outgoing], operations: OperationsSettings) -> dict[int, Exception | None]:
    """Send messages over one SMTP connection (blocking: run it in a thread); the error of each, or None."""
    results: dict[int, Exception | None] = {}
    try:
        server = _connect(operations)
    except (OSError, smtplib.SMTPException) as error:
        return {
            item.notification_id: TemporaryFailure(f"{type(error).__name__}: {error}") for item in outgoing
        }
    try:
        for item in outgoing:
            try:
                server.send_message(item.message)
                results[item.notification_id] = None
            except smtplib.SMTPRecipientsRefused as error:
                results[item.notification_id] = PermanentFailure(str(error.recipients))
            except smtplib.SMTPResponseException as error:
                failure = PermanentFailure if error.smtp_code in PERMANENT_SMTP_CODES else TemporaryFailure
                results[item.notification_id] = failure(f"{error.smtp_code} {error.smtp_error!r}")
            except (OSError, smtplib.SMTPException) as error:
                results[item.notification_id] = TemporaryFailure(f"{type(error).__name__}: {error}")
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return results


SENDER = Actor.system("scheduler:email_delivery")


async def _claim(limit: int) -> list[dict[str, Any]]:
    moment = now()
    await Notification.update({Notification.email_status: EmailStatus.PENDING.value}).where(
        (Notification.email_status == EmailStatus.SENDING.value)
        & (Notification.email_next_attempt_at < moment - STALE_CLAIM)
    )
    candidates = (
        await Notification.select(Notification.id)
        .where(
            (Notification.email_status == EmailStatus.PENDING.value)
            & (Notification.email_next_attempt_at.is_null() | (Notification.email_next_attempt_at <= moment))
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    claimed: list[int] = []
    for candidate in candidates:
        rows = (
            await Notification.update(
                {
                    Notification.email_status: EmailStatus.SENDING.value,
                    Notification.email_next_attempt_at: moment,
                }
            )
            .where(
                (Notification.id == candidate["id"])
                & (Notification.email_status == EmailStatus.PENDING.value)
            )
            .returning(Notification.id)
        )
        claimed.extend(int(row["id"]) for row in rows)
    if not claimed:
        return []
    return list(
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.params,
            Notification.link,
            Notification.email_attempts,
            Notification.user,
            Notification.user.email,
            Notification.user.language,
        )
        .where(Notification.id.is_in(claimed))
        .order_by(Notification.id)
        .output(load_json=True)
    )


async def _record(row: dict[str, Any], error: Exception | None, operations: OperationsSettings) -> str:
    moment = now()
    attempts = int(row["email_attempts"]) + 1
    if error is None:
        values: dict[Any, Any] = {
            Notification.email_status: EmailStatus.SENT.value,
            Notification.email_sent_at: moment,
            Notification.email_error: "",
        }
        result = "sent"
    elif isinstance(error, PermanentFailure) or attempts >= operations.email_attempts:
        values = {
            Notification.email_status: EmailStatus.FAILED.value,
            Notification.email_error: str(error)[:1000],
        }
        result = "failed"
    else:
        values = {
            Notification.email_status: EmailStatus.PENDING.value,
            Notification.email_next_attempt_at: moment + RETRY_BASE * 2 ** (attempts - 1),
            Notification.email_error: str(error)[:1000],
        }
        result = "deferred"
    values[Notification.email_attempts] = attempts
    await Notification.update(values).where(Notification.id == row["id"])
    return result


async def deliver_pending(
    settings: Settings, operations: OperationsSettings, limit: int = BATCH
) -> dict[str, int]:
    """Send the e-mails waiting in the outbox; counts of sent, deferred and failed ones."""
    counts = {"sent": 0, "deferred": 0, "failed": 0}
    if not operations.smtp_configured:
        return counts
    rows = await _claim(limit)
    if not rows:
        return counts
    outgoing: list[Outgoing] = []
    for row in rows:
        if not row["user.email"]:
            await Notification.update({Notification.email_status: EmailStatus.NOT_SENT.value}).where(
                Notification.id == row["id"]
            )
            continue
        outgoing.append(Outgoing(row["id"], compose(row, settings, operations)))
    results = await asyncio.to_thread(send_batch, outgoing, operations)
    for row in rows:
        if row["id"] in results:
            counts[await _record(row, results[row["id"]], operations)] += 1
            if results[row["id"]] is None:  # a client's code sent by e-mail is a read by its recipient
                await log_codes_shown([row], SENDER, f"e-mail to user {row['user']}")
    return counts
