"""Use cases for user accounts: creating users, checking a login, changing passwords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from inventory.accounts.passwords import check_password_rules, hash_password, needs_rehash, verify_password
from inventory.accounts.schemas import UserOut
from inventory.accounts.tables import User
from inventory.actors import Actor
from inventory.errors import Conflict, InvalidInput, NotFound
from inventory.i18n import N_, Language
from inventory.permissions import Role
from inventory.sites.tables import Site

USERNAME_MAX = 64


@dataclass(frozen=True)
class NewUser:
    """What an administrator enters for a new account."""

    username: str
    display_name: str
    role: Role
    password: str
    site_code: str | None = None
    email: str | None = None
    language: Language = Language.FI


def actor_from_row(row: dict[str, Any]) -> Actor:
    """The actor for a user row (as returned by a Piccolo select)."""
    return Actor(
        label=f"user:{row['username']}",
        user_id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        site_id=row["site"],
        language=row["language"],
    )


async def create_user(new: NewUser) -> int:
    """Create an account; refuses a taken username or a weak password."""
    username = new.username.strip().lower()
    if (
        not username
        or len(username) > USERNAME_MAX
        or not username.replace(".", "").replace("-", "").isalnum()
    ):
        raise InvalidInput("username", N_("A username is 1-64 letters or digits (dots and hyphens allowed)."))
    if not new.display_name.strip():
        raise InvalidInput("display_name", N_("Give the person's name."))
    check_password_rules(new.password, personal=(username, *new.display_name.split()))
    site_id = None
    if new.site_code:
        site = await Site.select(Site.id).where(Site.code == new.site_code.upper()).first()
        if site is None:
            raise InvalidInput(
                "site_code", N_("There is no site with the code {code}."), {"code": new.site_code}
            )
        site_id = site["id"]
    if await User.exists().where(User.username == username):
        raise Conflict(N_("The username {username} is already taken."), {"username": username})
    rows = await User.insert(
        User(
            username=username,
            display_name=new.display_name.strip(),
            role=new.role.value,
            password_hash=hash_password(new.password),
            site=site_id,
            email=new.email,
            language=new.language.value,
        )
    ).returning(User.id)
    return int(rows[0]["id"])


async def authenticate(username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active account, else None."""
    row = await User.select().where(User.username == username.strip().lower()).first()
    stored_hash = row["password_hash"] if row and row["is_active"] else None
    if not verify_password(stored_hash, password) or row is None:
        return None
    if needs_rehash(row["password_hash"]):
        await User.update({User.password_hash: hash_password(password)}).where(User.id == row["id"])
    return actor_from_row(row)


USER_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.role,
    User.site.as_alias("site_id"),
    User.email,
    User.language,
    User.is_active,
    User.created_at,
)


async def user_id_of(username: str) -> int | None:
    """The id of the account with this username, active or not, or None."""
    row = await User.select(User.id).where(User.username == username).first()
    return int(row["id"]) if row else None


async def set_language(user_id: int, language: str) -> None:
    """Remember the language the user chose (one of `i18n.SUPPORTED`)."""
    await User.update({User.language: language}).where(User.id == user_id)


async def active_counsellors(site_id: int | None) -> list[dict[str, Any]]:
    """Active counsellors and coordinators (`id`, `display_name`) by name, of one site or of every site."""
    query = User.select(User.id, User.display_name).where(
        User.is_active.eq(True) & User.role.is_in([Role.COUNSELLOR.value, Role.COORDINATOR.value])
    )
    if site_id is not None:
        query = query.where(User.site == site_id)
    return list(await query.order_by(User.display_name))


async def list_users() -> list[UserOut]:
    """Every account, by username."""
    return msgspec.convert(await User.select(*USER_COLUMNS).order_by(User.username), list[UserOut])


async def get_user(user_id: int) -> UserOut:
    """One account."""
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound(N_("No such user."))
    return msgspec.convert(row, UserOut)


@dataclass(frozen=True)
class UserChanges:
    """Changes an administrator makes to an account; None leaves a field as it is."""

    display_name: str | None = None
    role: Role | None = None
    site_code: str | None = None
    email: str | None = None
    language: Language | None = None
    is_active: bool | None = None
    password: str | None = None


async def update_user(user_id: int, changes: UserChanges) -> None:
    """Change an account in one statement, after checking every field."""
    user = await get_user(user_id)
    values: dict[Any, Any] = {}
    if changes.password is not None:
        check_password_rules(changes.password, personal=(user.username, *user.display_name.split()))
        values[User.password_hash] = hash_password(changes.password)
    if changes.display_name is not None:
        values[User.display_name] = changes.display_name.strip()
    if changes.role is not None:
        values[User.role] = changes.role.value
    if changes.email is not None:
        values[User.email] = changes.email or None
    if changes.language is not None:
        values[User.language] = changes.language.value
    if changes.is_active is not None:
        values[User.is_active] = changes.is_active
    if changes.site_code is not None:
        site = await Site.select(Site.id).where(Site.code == changes.site_code.upper()).first()
        if site is None:
            raise InvalidInput(
                "site_code", N_("There is no site with the code {code}."), {"code": changes.site_code}
            )
        values[User.site] = site["id"]
    if values:
        await User.update(values).where(User.id == user_id)
