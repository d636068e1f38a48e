"""Expiring reservations: the counsellor hears a day ahead that a device set aside for a client is about
to go back to the shelf, so they can hand it over or renew the reservation in time."""

from __future__ import annotations

import datetime as dt

from inventory.clients.reservations import expiring_reservations
from inventory.clock import HELSINKI, now
from inventory.database import write_transaction
from inventory.operations.notifications.services import counsellor_or_coordinators, notify
from inventory.operations.scheduling.job_definition import JobContext

WARNING_AHEAD = dt.timedelta(days=1)


async def notify_expiring_reservations(context: JobContext) -> dict[str, int]:
    """Notify the client's counsellor (the site's coordinators if none) once per reservation end."""
    rows = await expiring_reservations(now() + WARNING_AHEAD)
    notified = 0
    async with write_transaction(context.engine):
        for row in rows:
            recipients = await counsellor_or_coordinators(
                row["counsellor_id"], row["counsellor_active"], row["site"]
            )
            ends = row["expires_at"]
            notified += await notify(
                recipients,
                "reservation_expiring",
                {
                    "tag": row["asset_tag"],
                    "client_code": row["client_code"] or "",
                    "ends_on": ends.astimezone(HELSINKI).date().isoformat(),
                },
                context.operations,
                link=f"/devices/{row['asset_tag']}",
                dedup_key=f"reservation_expiring:{row['id']}:{ends.isoformat()}",
            )
    return {"expiring": len(rows), "notified": notified}
