"""The `kierto` command: serve, migrate, create-user, unlock-login, demo-data, check, scheduler, run-job, backup, restore, bench, bench-token, golden-image."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from inventory.bench_image_cli import bench_image
from inventory.bench_token_cli import bench_token
from inventory.i18n import Language
from inventory.permissions import Role
from inventory.settings import get_settings

T = TypeVar("T")
DEMO_LOGINS_FILE = "demo-logins.txt"


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def _engine() -> Any:
    from inventory.database import DatabaseURLError

    try:
        from inventory.piccolo_conf import DB
    except DatabaseURLError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    return DB


def _demo_logins_path() -> Path:
    return get_settings().data_dir / DEMO_LOGINS_FILE


@click.group()
def main() -> None:
    """Kierto: device recycling and loans."""


@main.command()
def migrate() -> None:
    """Apply the database migrations."""
    from inventory.migrations import apply_migrations
    from inventory.privacy.access_log import record_switch_over

    async def work() -> list[str]:
        engine = _engine()
        applied = await apply_migrations(engine)
        await record_switch_over(engine)  # rows from here on are keyed, whatever came before
        return applied

    applied = _run(work())
    click.echo(f"Database is up to date ({len(applied)} migration(s) applied).")


@main.command("demo-data")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only when the database has no users yet; quietly (serve prints the logins).",
)
def demo_data(if_empty: bool) -> None:
    """Load the demo data set and print the demo logins."""
    from inventory.demo import database_is_empty, load_demo_data, write_logins

    async def work() -> bool:
        if not await database_is_empty():
            return False
        write_logins(_demo_logins_path(), await load_demo_data(_engine()))
        return True

    loaded = _run(work())
    if if_empty:
        click.echo("Demo data loaded." if loaded else "The database has data already; demo data not loaded.")
        return
    if not loaded:
        click.echo("The database already has users; demo data was not loaded.", err=True)
        sys.exit(1)
    _print_demo_logins()


def _print_demo_logins() -> None:
    path = _demo_logins_path()
    if not path.exists():
        return
    settings = get_settings()
    click.echo(f"\nKierto demo: open {settings.base_url}/ and log in with one of these accounts:")
    for line in path.read_text(encoding="utf-8").splitlines():
        username, password, role, _name = line.split("\t")
        click.echo(f"  {role:<12} username {username:<15} password {password}")
    click.echo("")


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The person's name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--site", "site_code", default=None, help="Site code, e.g. JNS.")
@click.option("--language", type=click.Choice([lang.value for lang in Language]), default="fi")
def create_user_command(
    username: str, display_name: str, role: str, site_code: str | None, language: str
) -> None:
    """Create an account; the password is asked for (or read from standard input when piped)."""
    from inventory.accounts.users import NewUser, create_user
    from inventory.errors import DomainError

    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    try:
        user_id = _run(
            create_user(
                NewUser(
                    username=username,
                    display_name=display_name,
                    role=Role(role),
                    password=password,
                    site_code=site_code,
                    language=Language(language),
                )
            )
        )
    except DomainError as error:
        click.echo(error.text("en"), err=True)
        sys.exit(2)
    click.echo(f"Created user {username} (id {user_id}).")


@main.command("unlock-login")
@click.argument("username")
def unlock_login(username: str) -> None:
    """Forget an account's failed logins, so no wait holds the person back (an administrator's unlock)."""
    from inventory.accounts.tables import User
    from inventory.accounts.throttling import unlock

    async def work() -> int | None:
        _engine()
        if not await User.exists().where(User.username == username.strip().lower()):
            return None
        return await unlock(username)

    forgotten = _run(work())
    if forgotten is None:
        click.echo(f"There is no account {username}.", err=True)
        sys.exit(2)
    click.echo(f"Forgot {forgotten} failed login(s) of {username}; they can log in at once.")


@main.command()
def check() -> None:
    """Check the configuration and that the database is reachable and migrated."""
    from inventory.migrations import pending_migrations

    settings = get_settings()
    click.echo(f"Database: {settings.resolved_database_url.split('@')[-1]}")

    async def work() -> list[str]:
        engine = _engine()
        await engine.run_ddl("SELECT 1")
        return await pending_migrations()

    try:
        pending = _run(work())
    except Exception as error:
        click.echo(f"The database cannot be reached: {error}", err=True)
        sys.exit(1)
    if pending:
        click.echo(f"{len(pending)} migration(s) not applied: run `kierto migrate`.", err=True)
        sys.exit(1)
    if not settings.secret_key:
        click.echo("Note: KIERTO_SECRET_KEY is not set; a key kept in the data directory is used.")
    click.echo("Configuration and database are fine.")


@main.command("verify-access-log")
@click.option(
    "--head",
    "head_copy",
    default=None,
    help="An outside copy of the head: a file (a backup's .access-log-head, a server log) or the line itself.",
)
def verify_access_log(head_copy: str | None) -> None:
    """Check the access log's keyed hash chain from the first row to the head (and an outside copy of it)."""
    from inventory.privacy.access_log import HeadCopy, parse_head_copy, verify_chain

    outside: HeadCopy | None = None
    if head_copy is not None:
        path = Path(head_copy)
        outside = parse_head_copy(path.read_text(encoding="utf-8") if path.is_file() else head_copy)
        if outside is None:
            click.echo(f"No access-log head (seq=… hash=…) found in {head_copy}.", err=True)
            sys.exit(2)
    _engine()  # a clear message when the database URL is wrong
    report = _run(verify_chain(outside=outside))
    if not report.intact:
        click.echo(f"The access log has been tampered with: {report.problem}.", err=True)
        click.echo(f"The first {report.rows} row(s) are intact.", err=True)
        sys.exit(1)
    against = f"; it holds row {outside.seq} of the outside copy" if outside else ""
    click.echo(f"The access log is intact: {report.rows} row(s); head {report.head_hash}{against}.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the pages and the API."""
    import uvicorn

    from inventory.operations.observability.logs import logging_config
    from inventory.operations.observability.metrics_setup import prepare_multiprocess_metrics
    from inventory.operations.settings import get_operations_settings

    operations = get_operations_settings()
    if workers > 1:
        prepare_multiprocess_metrics(get_settings().data_dir)
    _print_demo_logins()
    uvicorn.run(
        "inventory.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        access_log=False,
        log_config=logging_config(operations.log_format, operations.log_level),
    )


@main.command()
def scheduler() -> None:
    """Run the scheduler (with KIERTO_SCHEDULER=off on the web processes); several may run, one acts."""
    from inventory.operations.observability.logs import configure_logging
    from inventory.operations.scheduler_process import run_scheduler_process
    from inventory.operations.settings import get_operations_settings

    operations = get_operations_settings()
    configure_logging(operations.log_format, operations.log_level)
    _run(run_scheduler_process(_engine(), get_settings(), operations))


@main.command("run-job")
@click.argument("name")
def run_job(name: str) -> None:
    """Run one scheduled job now, in this process, and record the run (for operators and cron)."""
    from inventory.errors import DomainError
    from inventory.operations.observability.logs import configure_logging
    from inventory.operations.scheduled_jobs import JOBS
    from inventory.operations.scheduler_process import run_once
    from inventory.operations.scheduling.runs import find_job
    from inventory.operations.settings import get_operations_settings

    operations = get_operations_settings()
    configure_logging(operations.log_format, operations.log_level)
    try:
        job = find_job(JOBS, name)
    except DomainError as error:
        click.echo(error.text("en") + " Jobs: " + ", ".join(j.name for j in JOBS), err=True)
        sys.exit(2)
    result = _run(run_once(job, _engine(), get_settings(), operations))
    click.echo(f"{job.name}: {result.outcome.value} {result.summary or result.error}".rstrip())
    sys.exit(0 if result.outcome.value == "succeeded" else 1)


@main.command()
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write."
)
def backup(output: Path | None) -> None:
    """Back the database up (SQLite online backup, or pg_dump) with the access log's head beside it; prints the file."""
    from inventory.operations.backup.services import BackupError, backup_dir_for, backup_with_head
    from inventory.operations.settings import get_operations_settings

    settings, operations = get_settings(), get_operations_settings()
    _engine()
    try:
        made = _run(
            backup_with_head(
                settings.resolved_database_url, backup_dir_for(settings, operations), operations, output
            )
        )
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"{made.path} ({made.size} bytes)")


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--database-url", default=None, help="Restore into this database instead of KIERTO_DATABASE_URL."
)
@click.option("--force", is_flag=True, help="Replace a database that already holds data (stop Kierto first).")
def restore(backup_file: Path, database_url: str | None, force: bool) -> None:
    """Restore a backup made by `kierto backup` into an empty database (or, with --force, over one)."""
    from inventory.operations.backup.services import BackupError, restore_backup
    from inventory.operations.settings import get_operations_settings

    url = database_url or get_settings().resolved_database_url
    try:
        _run(restore_backup(backup_file, url, get_operations_settings(), force))
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(
        f"Restored {backup_file.name}. Run `kierto migrate` if this version of Kierto is newer than the backup."
    )


@main.command()
def ready() -> None:
    """Exit 0 when the database answers, migrations are applied and a scheduler is alive (a health check)."""
    from inventory.operations.scheduler_process import readiness_once
    from inventory.operations.settings import get_operations_settings

    result = _run(readiness_once(_engine(), get_operations_settings()))
    click.echo(f"database: {result.database}; migrations: {result.migrations}; scheduler: {result.scheduler}")
    sys.exit(0 if result.ready else 1)


@main.command("bench-worker")
@click.option(
    "--server", required=True, envvar="KIERTO_SERVER", help="Kierto's address, e.g. https://kierto.example.fi"
)
@click.option("--token", required=True, envvar="KIERTO_BENCH_TOKEN", help="The site's bench token.")
@click.option("--name", default=None, help="The worker's name (default: this computer's name).")
@click.option("--ssh-key", "ssh_key", default=None, help="The bench SSH private key's path on this computer.")
@click.option(
    "--work-dir", default=None, type=click.Path(file_okay=False), help="Where runs keep their files."
)
def bench_worker(
    server: str, token: str, name: str | None, ssh_key: str | None, work_dir: str | None
) -> None:
    """Run a site's Ansible jobs next to its machines and stream the results back to Kierto."""
    import logging
    import signal
    import socket

    from inventory.runs.agent import BenchWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    worker = BenchWorker(
        server, token, name or socket.gethostname(), ssh_key, Path(work_dir) if work_dir else None
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        worker.serve()
    except KeyboardInterrupt:
        worker.stop()


main.add_command(bench_image)
main.add_command(bench_token)


@main.group("golden-image")
def golden_image() -> None:
    """Golden images: a profile's roles built once into a Debian root, installed onto erased disks."""


@golden_image.command("build")
@click.option("--profile", "slug", required=True, help="The profile's short name (e.g. standard-desktop).")
@click.option("--refresh", is_flag=True, help="Build again even when the cache holds this image (updates).")
def golden_image_build(slug: str, refresh: bool) -> None:
    """Build a profile's golden image, or find it in the cache when neither profile nor roles changed."""
    from inventory.runs.golden_images import ImageProfileNotFound, build_profile_image
    from provisioning.golden_image import ImageBuildFailed

    try:
        image = _run(build_profile_image(slug, get_settings(), refresh=refresh))
    except (ImageProfileNotFound, ImageBuildFailed) as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    manifest = image.manifest
    state = "built" if image.built else "from the cache"
    click.echo(
        f"{manifest['profile']}: {image.archive} ({state}; {manifest['size'] / 1e6:.0f} MB, "
        f"{manifest['package_count']} packages, sha256 {manifest['sha256']})"
    )


if __name__ == "__main__":
    main()
