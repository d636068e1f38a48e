"""People's names for pages: the display name behind each `user:<username>` actor label, in one query."""

from __future__ import annotations

from collections.abc import Iterable

from inventory.accounts.tables import User

USER_PREFIX = "user:"


async def display_names(labels: Iterable[str]) -> dict[str, str]:
    """Actor label → display name, for the labels that name an existing account (jobs are left out)."""
    usernames = {label.removeprefix(USER_PREFIX) for label in labels if label.startswith(USER_PREFIX)}
    if not usernames:
        return {}
    rows = await User.select(User.username, User.display_name).where(User.username.is_in(list(usernames)))
    return {f"{USER_PREFIX}{row['username']}": row["display_name"] for row in rows if row["display_name"]}
