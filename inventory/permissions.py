"""Roles and what each may do: the one table behind every route guard (DESIGN.md "Roles")."""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_


class Role(StrEnum):
    """The four roles of the service."""

    TRAINEE = "trainee"
    COUNSELLOR = "counsellor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.TRAINEE: N_("Trainee"),
    Role.COUNSELLOR: N_("Counsellor"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.ADMIN: N_("Administrator"),
}


class Permission(StrEnum):
    """One thing a route lets a user do."""

    DEVICE_READ = "device:read"  # devices and their history, without client fields
    DEVICE_WORK = "device:work"  # intake, labels, wipe, provisioning, hold
    CLIENT_READ = "client:read"  # clients, assessments, orientation
    CLIENT_WRITE = "client:write"
    DEVICE_ALLOCATE = "device:allocate"  # reserve, hand over, lend, return
    GUARD_OVERRIDE = "guard:override"
    DEVICE_SCRAP = "device:scrap"
    REPORTS = "reports"
    DONOR_MANAGE = "donor:manage"
    ADMINISTER = "administer"  # users, sites, profiles, settings
    SELF = "self"  # one's own account, sessions and tokens
    PUBLIC = "public"  # no login needed


_TRAINEE = {Permission.DEVICE_READ, Permission.DEVICE_WORK, Permission.SELF}
_COUNSELLOR = {
    Permission.DEVICE_READ,
    Permission.CLIENT_READ,
    Permission.CLIENT_WRITE,
    Permission.DEVICE_ALLOCATE,
    Permission.SELF,
}
_COORDINATOR = (
    _TRAINEE
    | _COUNSELLOR
    | {Permission.GUARD_OVERRIDE, Permission.DEVICE_SCRAP, Permission.REPORTS, Permission.DONOR_MANAGE}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TRAINEE: frozenset(_TRAINEE),
    Role.COUNSELLOR: frozenset(_COUNSELLOR),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.ADMIN: frozenset(_COORDINATOR | {Permission.ADMINISTER}),
}


def role_may(role: Role | str, permission: Permission) -> bool:
    """Whether a role holds a permission; public routes are open to everyone."""
    if permission is Permission.PUBLIC:
        return True
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())
