"""The housekeeping job: forget old job runs, read notifications, ended stay reports and login attempts."""

from __future__ import annotations

import datetime as dt

from inventory.accounts.throttling import forget_old_attempts
from inventory.clock import now
from inventory.devices.tables import Device
from inventory.operations.notifications.tables import Notification
from inventory.operations.reminders.tables import StuckNotice
from inventory.operations.scheduling.job_definition import JobContext
from inventory.operations.scheduling.runs import prune_runs

READ_NOTIFICATIONS_KEPT = dt.timedelta(days=180)
STUCK_NOTICES_KEPT = dt.timedelta(days=30)


async def housekeeping(context: JobContext) -> dict[str, int]:
    """Delete what is no longer needed; safe to run any number of times."""
    moment = now()
    runs = await prune_runs(moment - dt.timedelta(days=context.operations.job_run_days_kept))
    notifications = (
        await Notification.delete()
        .where(Notification.read_at.is_not_null() & (Notification.read_at < moment - READ_NOTIFICATIONS_KEPT))
        .returning(Notification.id)
    )
    moved_on = await Device.select(Device.id, Device.state).where(
        Device.id.is_in(
            StuckNotice.select(StuckNotice.device).where(
                StuckNotice.notified_at < moment - STUCK_NOTICES_KEPT
            )
        )
    )
    current = {row["id"]: row["state"] for row in moved_on}
    old = await StuckNotice.select(StuckNotice.id, StuckNotice.device, StuckNotice.state).where(
        StuckNotice.notified_at < moment - STUCK_NOTICES_KEPT
    )
    ended = [row["id"] for row in old if current.get(row["device"]) != row["state"]]
    if ended:
        await StuckNotice.delete().where(StuckNotice.id.is_in(ended))
    attempts = await forget_old_attempts(context.settings)
    return {
        "job_runs": runs,
        "notifications": len(notifications),
        "stuck_notices": len(ended),
        "login_attempts": attempts,
    }
