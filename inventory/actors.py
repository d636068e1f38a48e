"""Who acts: a logged-in user or a named system job; every event and access-log row names one."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.choices import TokenScope
from inventory.permissions import Permission, Role, role_may


@dataclass(frozen=True)
class Actor:
    """The person or job behind a change."""

    label: str
    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    role: Role | None = None
    site_id: int | None = None
    language: str = "fi"
    token_scope: TokenScope | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        """A job that runs without a request, e.g. `Actor.system("scheduler")`."""
        return cls(label=f"system:{job}")

    @property
    def is_system(self) -> bool:
        """Whether a job, not a person, acts."""
        return self.user_id is None

    def may(self, permission: Permission) -> bool:
        """Whether this actor holds a permission; system jobs are trusted with every rule but roles."""
        if self.role is None:
            return self.is_system
        return role_may(self.role, permission)
