"""The scheduled jobs: adding one is adding a line to JOBS (a name, a trigger, an async function of a JobContext).

Times are Finnish time. A job must be idempotent: it may run again after a failure, a restart or by hand.
Operators can move any job with KIERTO_SCHEDULE, e.g. {"backup": "30 3 * * *"}.
"""

from __future__ import annotations

import logging

from inventory.clients.anonymisation import purge_expired_clients
from inventory.clients.reservations import release_expired_reservations
from inventory.i18n import N_
from inventory.operations.backup.services import nightly_backup
from inventory.operations.housekeeping import housekeeping
from inventory.operations.notifications.email import deliver_pending
from inventory.operations.reminders.overdue import notify_overdue_loans
from inventory.operations.reminders.reservations import notify_expiring_reservations
from inventory.operations.reminders.stuck import notify_stuck_devices
from inventory.operations.scheduling.job_definition import Job, JobContext, daily, every
from inventory.operations.statistics.snapshot import statistics_snapshot
from inventory.privacy.access_log import current_head
from inventory.runs.golden_images import refresh_images
from inventory.runs.recovery import recover_interrupted_runs

logger = logging.getLogger("kierto.access_log_head")


async def access_log_head(context: JobContext) -> str:  # noqa: ARG001 - every job takes the context
    """Copy the access log's head out of the database, into the server log (see `verify-access-log --head`)."""
    line = (await current_head()).line()
    logger.info(line)
    return line


async def email_delivery(context: JobContext) -> dict[str, int]:
    """Send the e-mail copies of notifications waiting in the outbox."""
    return await deliver_pending(context.settings, context.operations)


async def release_reservations(context: JobContext) -> int:
    """Put devices whose reservation ran out back among the ready devices."""
    return await release_expired_reservations(context.engine, context.settings, context.actor)


async def retention_purge(context: JobContext) -> int:
    """Anonymise clients whose retention period has ended."""
    return await purge_expired_clients(context.engine, context.settings, context.actor)


async def refresh_golden_images(context: JobContext) -> int:
    """Rebuild the profiles' golden images with the latest security updates (needs root: debootstrap)."""
    return len(await refresh_images(context.settings))


async def recover_runs(context: JobContext) -> int:
    """End runs that nobody is running any more and make their devices retryable."""
    return await recover_interrupted_runs(context.engine, context.settings)


JOBS: tuple[Job, ...] = (
    Job("overdue_loans", daily(7, 0), notify_overdue_loans, N_("Tell counsellors about overdue loans.")),
    Job(
        "reservation_reminders",
        daily(7, 5),
        notify_expiring_reservations,
        N_("Tell counsellors about reservations that end tomorrow."),
    ),
    Job(
        "release_reservations",
        every(minutes=30),
        release_reservations,
        N_("Put devices whose reservation ran out back on the shelf."),
    ),
    Job(
        "retention_purge", daily(3, 0), retention_purge, N_("Anonymise clients whose retention period ended.")
    ),
    Job(
        "recover_runs",
        every(minutes=5),
        recover_runs,
        N_("End interrupted runs and make their devices retryable."),
    ),
    Job(
        "stuck_devices",
        daily(7, 10),
        notify_stuck_devices,
        N_("Tell coordinators about devices stuck in a step."),
    ),
    Job(
        "statistics_snapshot",
        daily(23, 45),
        statistics_snapshot,
        N_("Count devices by site and state for the day."),
    ),
    Job("backup", daily(2, 0), nightly_backup, N_("Back the database up and keep the newest copies.")),
    Job("email_delivery", every(minutes=1), email_delivery, N_("Send notification e-mails.")),
    Job("housekeeping", daily(3, 30), housekeeping, N_("Forget old job runs and read notifications.")),
    Job(
        "access_log_head",
        daily(0, 5),
        access_log_head,
        N_("Write the access log's head to the server log, outside the database."),
    ),
    Job(
        "golden_images",
        every(hours=7 * 24),
        refresh_golden_images,
        N_("Rebuild the profiles' golden images with the week's security updates."),
    ),
)
