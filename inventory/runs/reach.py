"""Which runs and bench machines a user may reach: those of a site in their reach (see `sites.reach`)."""

from __future__ import annotations

from inventory.actors import Actor
from inventory.i18n import N_
from inventory.runs.tables import BenchMachine, Run
from inventory.sites.reach import refuse_outside

NO_SUCH_RUN = N_("There is no such run.")
NO_SUCH_MACHINE = N_("There is no such machine on the bench.")


async def reach_run(actor: Actor, run_id: int) -> None:
    """Refuse (404) a run at a site out of reach."""
    await refuse_outside(actor, Run.select(Run.site).where(Run.id == run_id), NO_SUCH_RUN)


async def reach_machine(actor: Actor, machine_id: int) -> None:
    """Refuse (404) a machine on another site's bench."""
    query = BenchMachine.select(BenchMachine.site).where(BenchMachine.id == machine_id)
    await refuse_outside(actor, query, NO_SUCH_MACHINE)
