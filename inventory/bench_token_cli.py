"""`kierto bench-token`: make a site's bench token on the server and keep it in a file only its owner reads."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click


class _Refused(Exception):
    """A reason, in a sentence, why no token was made."""


async def _issue(site_code: str, username: str, name: str) -> tuple[int, str]:
    from inventory.accounts.tables import User
    from inventory.accounts.users import actor_from_row
    from inventory.errors import DomainError
    from inventory.runs.bench_tokens import issue_bench_token
    from inventory.sites.tables import Site

    user = (
        await User.select(User.id, User.username, User.display_name, User.role, User.site, User.language)
        .where(User.username == username.strip().lower(), User.is_active.eq(True))
        .first()
    )
    if user is None:
        raise _Refused(f"There is no active account {username}.")
    site = await Site.select(Site.id).where(Site.code == site_code.strip().upper()).first()
    if site is None:
        raise _Refused(f"There is no site {site_code}.")
    try:
        issued = await issue_bench_token(int(site["id"]), name, actor_from_row(user))
    except DomainError as error:
        raise _Refused(error.text("en")) from error
    return issued.id, issued.secret


def _write_private(path: Path, secret: str, replace: bool) -> None:
    """Write the token to a new file readable by its owner only (0600 from the start, never wider)."""
    if replace:
        path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")


@click.command("bench-token")
@click.option("--site", "site_code", required=True, help="The site the token is bound to, e.g. JNS.")
@click.option("--by", "username", required=True, help="The administrator who makes it (the token's owner).")
@click.option("--name", default="bench", show_default=True, help="Where it is used, e.g. 'bench worker 1'.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to keep it in, e.g. /etc/kierto/bench-token (made readable by its owner only).",
)
@click.option("--replace", is_flag=True, help="Replace a token file that exists (the old token stays valid).")
def bench_token(site_code: str, username: str, name: str, output: Path, replace: bool) -> None:
    """Make a site's bench token (for its stick, network boot and bench worker) and write it to a private file."""
    if output.exists() and not replace:
        click.echo(f"{output} exists already: give --replace to write a new token over it.", err=True)
        sys.exit(2)
    if not output.parent.is_dir():
        click.echo(f"There is no folder {output.parent}: make it first.", err=True)
        sys.exit(2)
    from inventory.database import DatabaseURLError

    try:
        token_id, secret = asyncio.run(_issue(site_code, username, name))
    except (_Refused, DatabaseURLError) as refusal:
        click.echo(str(refusal), err=True)
        sys.exit(2)
    _write_private(output, secret, replace)
    click.echo(
        f"Bench token {token_id} for site {site_code.upper()} written to {output} (readable by you only)."
    )
