"""The client account's initial password: generated per device, only its hash goes to Ansible.

Provisioning happens before a client is chosen, and the counsellor who hands the machine over is
another person on another day, so "show it once" at provisioning would mean a trainee carrying the
password on paper. Kierto therefore keeps the password encrypted (AES-GCM with a key derived from
KIERTO_SECRET_KEY, bound to the device and its round), shows it only to roles that hand devices
over, writes every showing to the device's history, and replaces it when the device is provisioned
again. It is never logged, never put in a job or an event: Ansible gets a SHA-512 crypt hash, and
the account must choose its own password at first login.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from passlib.hash import sha512_crypt
from piccolo.engine.base import Engine

from inventory.actors import Actor
from inventory.clock import now
from inventory.database import write_transaction
from inventory.devices.events import record_event
from inventory.devices.reach import no_such_device, reach_device
from inventory.devices.tables import Device
from inventory.errors import Forbidden, NotFound
from inventory.event_kinds import Activity
from inventory.i18n import N_
from inventory.lifecycle import State
from inventory.permissions import Permission
from inventory.runs.tables import InitialPassword
from inventory.settings import Settings

# No look-alikes such as l/1 or o/0; four groups of four are easy to read aloud and type.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SHOWN_ACTION = Activity.INITIAL_PASSWORD_SHOWN
_NONCE = 12


def new_password() -> str:
    """A new initial password such as `k7wm-3hqa-xe9r-tn4p` (about 79 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(4))


def crypt_hash(password: str) -> str:
    """The SHA-512 crypt hash (`$6$…`) Ansible sets as the account's password, with a fresh salt."""
    return str(sha512_crypt.using(rounds=5000).hash(password))


def _key(settings: Settings) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kierto initial passwords")
    return kdf.derive(settings.resolved_secret_key().encode("utf-8"))


def _bound_to(device_id: int, cycle: int) -> bytes:
    return f"device:{device_id}:cycle:{cycle}".encode()


def encrypt(password: str, device_id: int, cycle: int, settings: Settings) -> str:
    """The password encrypted for this device's round."""
    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(_key(settings)).encrypt(nonce, password.encode("utf-8"), _bound_to(device_id, cycle))
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(ciphertext: str, device_id: int, cycle: int, settings: Settings) -> str:
    """The password back from its ciphertext; fails if it was moved to another device or round."""
    raw = base64.b64decode(ciphertext)
    return (
        AESGCM(_key(settings))
        .decrypt(raw[:_NONCE], raw[_NONCE:], _bound_to(device_id, cycle))
        .decode("utf-8")
    )


async def store_password(device_id: int, cycle: int, run_id: int, username: str, settings: Settings) -> None:
    """Generate and keep a device's initial password, replacing the earlier ones (inside the caller's transaction)."""
    await InitialPassword.delete().where(InitialPassword.device == device_id)
    await InitialPassword.insert(
        InitialPassword(
            device=device_id,
            run=run_id,
            cycle=cycle,
            username=username,
            ciphertext=encrypt(new_password(), device_id, cycle, settings),
            created_at=now(),
        )
    )


async def password_hash_for(run_id: int, device_id: int, settings: Settings) -> str:
    """The crypt hash of the password kept for this run's device, for the job Ansible gets."""
    row = (
        await InitialPassword.select(InitialPassword.ciphertext, InitialPassword.cycle)
        .where((InitialPassword.run == run_id) & (InitialPassword.device == device_id))
        .first()
    )
    if row is None:
        raise NotFound(
            N_("The initial password of this installation is missing; start the installation again.")
        )
    return crypt_hash(decrypt(row["ciphertext"], device_id, row["cycle"], settings))


async def reveal_password(
    engine: Engine[Any], asset_tag: str, actor: Actor, settings: Settings
) -> tuple[str, str]:
    """The account name and initial password of a device, for its handover; the showing is recorded."""
    await reach_device(actor, asset_tag)
    if not actor.may(Permission.DEVICE_ALLOCATE):
        raise Forbidden(N_("Only the people who hand devices over can see the initial password."))
    async with write_transaction(engine):
        device = (
            await Device.select(Device.id, Device.state, Device.cycle)
            .where(Device.asset_tag == asset_tag)
            .first()
        )
        if device is None:
            raise no_such_device(asset_tag)
        row = (
            await InitialPassword.select(InitialPassword.username, InitialPassword.ciphertext)
            .where((InitialPassword.device == device["id"]) & (InitialPassword.cycle == device["cycle"]))
            .first()
        )
        if row is None:
            raise NotFound(
                N_("This device has no initial password: it has not been installed in this round.")
            )
        password = decrypt(row["ciphertext"], device["id"], device["cycle"], settings)
        state = State(device["state"])
        await record_event(
            device["id"], SHOWN_ACTION, state, state, actor, details={"username": row["username"]}
        )
    return str(row["username"]), password
