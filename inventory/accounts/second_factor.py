"""Time-based one-time passwords (TOTP, RFC 6238): required for administrators, optional for others."""

from __future__ import annotations

import time

import pyotp

from inventory.accounts.secret_box import seal, unseal
from inventory.accounts.tables import User
from inventory.clock import now
from inventory.errors import InvalidInput, NotFound
from inventory.i18n import N_
from inventory.permissions import Role

PURPOSE = "totp"
ISSUER = "Kierto"
VALID_WINDOW = 1  # one 30-second step either way, for clocks a little off


def second_factor_required(role: Role | str) -> bool:
    """Administrators must use a second factor; the others may."""
    return Role(role) is Role.ADMIN


def new_secret() -> str:
    """A fresh random seed (160 bits, base32) for an authenticator app."""
    return pyotp.random_base32(length=32)


def provisioning_uri(username: str, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, at: float) -> int | None:
    totp = pyotp.TOTP(secret)
    digits = "".join(code.split())
    if not digits.isdigit() or len(digits) != totp.digits:
        return None
    step_now = int(at) // totp.interval
    for step in range(step_now - VALID_WINDOW, step_now + VALID_WINDOW + 1):
        if pyotp.utils.strings_equal(totp.at(step * totp.interval), digits):
            return step
    return None


async def enable(user_id: int, secret: str, code: str, server_key: str) -> None:
    """Turn the second factor on once the person has shown a code from their app."""
    step = _matching_step(secret, code, time.time())
    if step is None:
        raise InvalidInput("code", N_("The code does not match. Check the time on your phone and try again."))
    await User.update(
        {
            User.totp_secret: seal(server_key, PURPOSE, secret),
            User.totp_enabled_at: now(),
            User.totp_last_step: step,
        }
    ).where(User.id == user_id)


async def disable(user_id: int) -> None:
    """Turn the second factor off (not allowed for administrators; the caller checks)."""
    await User.update({User.totp_secret: None, User.totp_enabled_at: None, User.totp_last_step: None}).where(
        User.id == user_id
    )


async def is_enabled(user_id: int) -> bool:
    """Whether the user has a second factor."""
    row = await User.select(User.totp_enabled_at).where(User.id == user_id).first()
    if row is None:
        raise NotFound(N_("No such user."))
    return row["totp_enabled_at"] is not None


async def check_code(user_id: int, code: str, server_key: str) -> bool:
    """Whether a code is right and unused; a right code is used up (each works once)."""
    row = await User.select(User.totp_secret, User.totp_last_step).where(User.id == user_id).first()
    if row is None or row["totp_secret"] is None:
        return False
    step = _matching_step(unseal(server_key, PURPOSE, row["totp_secret"]), code, time.time())
    if step is None or (row["totp_last_step"] is not None and step <= row["totp_last_step"]):
        return False
    # Conditional, so two requests with the same code cannot both pass.
    used = (
        await User.update({User.totp_last_step: step})
        .where((User.id == user_id) & ((User.totp_last_step.is_null()) | (User.totp_last_step < step)))
        .returning(User.id)
    )
    return bool(used)
