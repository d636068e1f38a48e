"""The main menu as data: each area adds its entry here, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.actors import Actor
from inventory.i18n import N_
from inventory.permissions import Permission, Role


@dataclass(frozen=True)
class MenuEntry:
    """One link of the main menu."""

    path: str
    label: str
    permission: Permission


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("/", N_("Home"), Permission.DEVICE_READ),
    MenuEntry("/bench", N_("Bench"), Permission.DEVICE_WORK),
    MenuEntry("/devices", N_("Devices"), Permission.DEVICE_READ),
    MenuEntry("/labels", N_("Print labels"), Permission.DEVICE_WORK),
    MenuEntry("/account", N_("My account"), Permission.SELF),
    MenuEntry("/admin/jobs", N_("Scheduled jobs"), Permission.ADMINISTER),
    MenuEntry("/donations", N_("Donations"), Permission.DEVICE_READ),
    MenuEntry("/stocktakes", N_("Stock-take"), Permission.DEVICE_WORK),
    MenuEntry("/my-work", N_("My work"), Permission.DEVICE_WORK),
    MenuEntry("/dashboard", N_("Dashboard"), Permission.REPORTS),
    MenuEntry("/donors", N_("Donors"), Permission.DONOR_MANAGE),
    MenuEntry("/admin", N_("Administration"), Permission.ADMINISTER),
    MenuEntry("/clients", N_("Clients"), Permission.CLIENT_READ),
    MenuEntry("/loans/overdue", N_("Overdue loans"), Permission.DEVICE_ALLOCATE),
    MenuEntry("/runs", N_("Runs"), Permission.DEVICE_READ),
    MenuEntry("/erasures/sign-off", N_("Sign off erasures"), Permission.GUARD_OVERRIDE),
)


# Each role's short primary menu, in the order of its day's work; every other page it may open is one
# level down, under "More". Paths not listed for a role go to "More" when the role may open them.
PRIMARY: dict[Role, tuple[str, ...]] = {
    Role.TRAINEE: ("/bench", "/devices", "/my-work"),
    Role.COUNSELLOR: ("/clients", "/loans/overdue", "/devices"),
    Role.COORDINATOR: ("/dashboard", "/erasures/sign-off", "/donations", "/devices", "/clients"),
    Role.ADMIN: ("/admin", "/admin/jobs", "/dashboard", "/devices"),
}
# Reached from the account menu beside the user's name, not from the main menu.
ACCOUNT_PATHS = frozenset({"/account"})


@dataclass(frozen=True)
class Menu:
    """A user's menu: the few links of their daily work, and the rest one level down."""

    primary: tuple[MenuEntry, ...]
    more: tuple[MenuEntry, ...]


def menu_for(actor: Actor | None) -> Menu:
    """The entries this user may follow, the role's primary ones first in the role's order."""
    if actor is None:
        return Menu((), ())
    allowed = [entry for entry in MENU if actor.may(entry.permission) and entry.path not in ACCOUNT_PATHS]
    wanted = PRIMARY.get(actor.role, ()) if actor.role is not None else ()
    by_path = {entry.path: entry for entry in allowed}
    primary = tuple(by_path[path] for path in wanted if path in by_path)
    return Menu(primary, tuple(entry for entry in allowed if entry not in primary))


# Where each role lands after signing in: the page of its daily work.
START_PAGES: dict[Role, str] = {
    Role.TRAINEE: "/bench",
    Role.COUNSELLOR: "/clients",
    Role.COORDINATOR: "/dashboard",
    Role.ADMIN: "/admin",
}


def start_page(actor: Actor) -> str:
    """The first page of this user's workspace."""
    return START_PAGES.get(actor.role, "/") if actor.role is not None else "/"
