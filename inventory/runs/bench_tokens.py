"""Bench tokens: API tokens of the bench scope, each bound to one site, for workers and check-in."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.accounts.api_tokens import IssuedToken, issue_token
from inventory.accounts.token_hashing import token_hash
from inventory.actors import Actor
from inventory.choices import TokenScope
from inventory.clock import now
from inventory.errors import Forbidden, InvalidInput
from inventory.i18n import N_
from inventory.permissions import Permission
from inventory.runs.tables import BenchToken
from inventory.sites.tables import Site


@dataclass(frozen=True)
class BenchCredential:
    """The site a bench token is bound to."""

    bench_token_id: int
    site_id: int
    site_code: str


async def issue_bench_token(site_id: int, name: str, actor: Actor) -> IssuedToken:
    """A new bench token for one site (admins only); the secret is shown once."""
    if not actor.may(Permission.ADMINISTER) or actor.user_id is None:
        raise Forbidden(N_("Only an administrator can make bench tokens."))
    if not await Site.exists().where(Site.id == site_id):
        raise InvalidInput("site_id", N_("There is no such site."))
    issued = await issue_token(actor.user_id, name, TokenScope.BENCH)
    await BenchToken.insert(BenchToken(api_token=issued.id, site=site_id, created_at=now()))
    return issued


async def bench_credential(authorization: str | None) -> BenchCredential | None:
    """The site of the bench token in an Authorization header, or None when it is not a bench token."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    row = (
        await BenchToken.select(BenchToken.id, BenchToken.site, BenchToken.site.code.as_alias("code"))
        .where(BenchToken.api_token.token_hash == token_hash(secret.strip()))
        .where(BenchToken.api_token.scope == TokenScope.BENCH.value)
        .where(BenchToken.api_token.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    return BenchCredential(int(row["id"]), int(row["site"]), str(row["code"]))
