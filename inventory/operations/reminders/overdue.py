"""Overdue loans: a device on loan past its due date is brought to the client's counsellor, once per loan."""

from __future__ import annotations

from inventory.clock import today
from inventory.database import write_transaction
from inventory.devices.tables import Device
from inventory.lifecycle import State
from inventory.operations.notifications.services import counsellor_or_coordinators, notify
from inventory.operations.scheduling.job_definition import JobContext


async def notify_overdue_loans(context: JobContext) -> dict[str, int]:
    """Notify the counsellor of each client whose loan is overdue (the site's coordinators if none)."""
    rows = await Device.select(
        Device.id,
        Device.asset_tag,
        Device.cycle,
        Device.site,
        Device.loan_due_on,
        Device.holder.code.as_alias("client_code"),
        Device.holder.counsellor.as_alias("counsellor_id"),
        Device.holder.counsellor.is_active.as_alias("counsellor_active"),  # type: ignore[union-attr]
    ).where((Device.state == State.ON_LOAN.value) & (Device.loan_due_on < today()))
    notified = 0
    async with write_transaction(context.engine):
        for row in rows:
            recipients = await counsellor_or_coordinators(
                row["counsellor_id"], row["counsellor_active"], row["site"]
            )
            notified += await notify(
                recipients,
                "loan_overdue",
                {
                    "tag": row["asset_tag"],
                    "client_code": row["client_code"] or "",
                    "due_on": row["loan_due_on"].isoformat(),
                },
                context.operations,
                link=f"/devices/{row['asset_tag']}",
                dedup_key=f"loan_overdue:{row['id']}:{row['cycle']}:{row['loan_due_on'].isoformat()}",
            )
    return {"overdue": len(rows), "notified": notified}
