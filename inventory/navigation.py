"""The main menu as data: each area adds its entry here, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.actors import Actor
from inventory.permissions import N_, Permission


@dataclass(frozen=True)
class MenuEntry:
    """One link of the main menu."""

    path: str
    label: str
    permission: Permission


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("/", N_("Home"), Permission.DEVICE_READ),
    MenuEntry("/devices", N_("Devices"), Permission.DEVICE_READ),
    MenuEntry("/runs", N_("Runs"), Permission.DEVICE_READ),
)


def menu_for(actor: Actor | None) -> list[MenuEntry]:
    """The entries this user may follow."""
    return [entry for entry in MENU if actor is not None and actor.may(entry.permission)]
