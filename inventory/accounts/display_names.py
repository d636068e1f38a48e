"""Who did something, as people read it: the display name behind each `user:<username>` actor label (one
query per page or document), or "automatic" and the job's name for `system:<job>`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from inventory.accounts.tables import User
from inventory.i18n import N_

USER_PREFIX = "user:"


async def display_names(labels: Iterable[str]) -> dict[str, str]:
    """Actor label → display name, for the labels that name an existing account (jobs are left out)."""
    usernames = {label.removeprefix(USER_PREFIX) for label in labels if label.startswith(USER_PREFIX)}
    if not usernames:
        return {}
    rows = await User.select(User.username, User.display_name).where(User.username.is_in(list(usernames)))
    return {f"{USER_PREFIX}{row['username']}": row["display_name"] for row in rows if row["display_name"]}


def who(label: str, names: Mapping[str, str], translate: Callable[[str], str]) -> str:
    """The person's display name if `names` has it, else their username, or the job as automatic."""
    if label in names:
        return names[label]
    kind, _, name = label.partition(":")
    if kind == "system":
        return translate(N_("automatic (%(job)s)")) % {"job": name}
    return name or label
