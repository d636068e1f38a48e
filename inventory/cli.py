"""The `kierto` command: serve, migrate, create-user, unlock-login, demo-data, check, scheduler, run-job, backup, restore, bench, golden-image."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

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
    from inventory.clients.access_log import record_switch_over
    from inventory.migrations import apply_migrations

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
    from inventory.clients.access_log import HeadCopy, parse_head_copy, verify_chain

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
    from inventory.operations.scheduling.process import run_scheduler_process
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
    from inventory.operations.scheduling.process import run_once
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
    from inventory.operations.scheduling.process import readiness_once
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


@main.group("bench-image")
def bench_image() -> None:
    """The bench live system: build the ISO and network-boot files, write a site's stick."""


def _bench_public_key(path: Path | None) -> str:
    settings = get_settings()
    chosen = path or (Path(f"{settings.bench_ssh_key}.pub") if settings.bench_ssh_key else None)
    if chosen is None or not chosen.is_file():
        click.echo(
            "Give the bench's SSH public key with --bench-key (or set KIERTO_BENCH_SSH_KEY, "
            "whose .pub file is then used).",
            err=True,
        )
        sys.exit(2)
    text = chosen.read_text(encoding="utf-8").strip()
    if not text.startswith(("ssh-ed25519 ", "ssh-rsa ", "ecdsa-sha2-")) or "PRIVATE KEY" in text:
        click.echo(f"{chosen} is not an SSH public key line.", err=True)
        sys.exit(2)
    return text


def _live_image(bench_key: Path | None, cache_dir: Path | None) -> Any:
    from provisioning.live.build import LiveBuildError, LiveInputs, build_live_image

    cache = cache_dir or get_settings().data_dir / "bench-images"
    try:
        return build_live_image(
            LiveInputs(bench_public_key=_bench_public_key(bench_key)), cache.resolve(), log=click.echo
        )
    except LiveBuildError as error:
        click.echo(str(error), err=True)
        sys.exit(1)


def _site_token(token_file: Path | None) -> str:
    import os

    text = token_file.read_text(encoding="utf-8") if token_file else os.environ.get("KIERTO_BENCH_TOKEN", "")
    if not text.strip():
        click.echo("Give the site's bench token with --token-file or KIERTO_BENCH_TOKEN.", err=True)
        sys.exit(2)
    return text.strip()


_BENCH_KEY = click.option(
    "--bench-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The bench's SSH public key (default: KIERTO_BENCH_SSH_KEY's .pub file).",
)
_CACHE_DIR = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where built images are kept (default: <data dir>/bench-images).",
)


@bench_image.command("build")
@click.option("--site", "site_code", default=None, help="The site the files are named for, e.g. JNS.")
@_BENCH_KEY
@_CACHE_DIR
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also link the ISO and the network-boot files into this directory.",
)
def bench_image_build(
    site_code: str | None, bench_key: Path | None, cache_dir: Path | None, output: Path | None
) -> None:
    """Build the live ISO and the network-boot files (as root); the same inputs reuse the cache."""
    image = _live_image(bench_key, cache_dir)
    how = "reused from the cache" if image.reused else f"built in {image.seconds:.0f} s"
    click.echo(f"Bench live system {image.digest} {how}: {image.directory}")
    files = {image.iso.name: image.iso, **{f"netboot/{n}": p for n, p in image.netboot.items()}}
    if output is not None:
        suffix = f"-{site_code.upper()}" if site_code else ""
        (output / "netboot").mkdir(parents=True, exist_ok=True)
        linked = {}
        for name, path in files.items():
            target = output / (name.replace(".iso", f"{suffix}.iso") if name.endswith(".iso") else name)
            target.unlink(missing_ok=True)
            try:
                target.hardlink_to(path)
            except OSError:
                import shutil

                shutil.copy2(path, target)
            linked[name] = target
        files = linked
    for path in files.values():
        click.echo(f"  {path} ({path.stat().st_size / 2**20:.0f} MiB)")


@bench_image.command("write-stick")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site_code", required=True, help="The site whose stick this is, e.g. JNS.")
@click.option(
    "--server", required=True, help="Kierto's address as the bench reaches it, e.g. https://kierto.example.fi"
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A file holding the site's bench token (or set KIERTO_BENCH_TOKEN); never typed on the command line.",
)
@click.option("--language", type=click.Choice([lang.value for lang in Language]), default=None)
@_BENCH_KEY
@_CACHE_DIR
def bench_image_write_stick(
    target: Path,
    site_code: str,
    server: str,
    token_file: Path | None,
    language: str | None,
    bench_key: Path | None,
    cache_dir: Path | None,
) -> None:
    """Write the live system to a USB stick (or an image file) with the site's settings partition."""
    from provisioning.live.stick import StickError, write_stick

    token = _site_token(token_file)
    image = _live_image(bench_key, cache_dir)
    settings = {"server": server, "token": token, "language": language or get_settings().default_language}
    try:
        written = write_stick(image.iso, target, settings)
    except (StickError, OSError) as error:
        click.echo(f"The stick could not be written: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Wrote the bench live system for {site_code.upper()} to {target} ({written / 2**20:.0f} MiB); "
        "the settings partition holds the site's token: keep the stick at the bench."
    )


@bench_image.command("netboot")
@click.option("--site", "site_code", required=True, help="The site whose bench network this is, e.g. JNS.")
@click.option(
    "--server", required=True, envvar="KIERTO_SERVER", help="Kierto's address as the bench machines reach it."
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A file holding the site's bench token (or set KIERTO_BENCH_TOKEN).",
)
@click.option("--language", type=click.Choice([lang.value for lang in Language]), default=None)
@click.option("--interface", default=None, help="Override KIERTO_BENCH_NETBOOT_INTERFACE for this run.")
@click.option("--http-port", default=8069, show_default=True, type=int)
@_BENCH_KEY
@_CACHE_DIR
def bench_image_netboot(
    site_code: str,
    server: str,
    token_file: Path | None,
    language: str | None,
    interface: str | None,
    http_port: int,
    bench_key: Path | None,
    cache_dir: Path | None,
) -> None:
    """Serve the live system to the bench network (proxy DHCP + TFTP + HTTP) until stopped (as root)."""
    import signal
    import threading

    from provisioning.live.netboot import (
        BenchNetwork,
        NetbootError,
        interface_address,
        prepare,
        serve_http,
        start_dnsmasq,
    )

    settings = get_settings()
    chosen = interface or settings.bench_netboot_interface
    if not chosen:
        click.echo(
            "Network boot is off: set KIERTO_BENCH_NETBOOT_INTERFACE to the bench network's interface "
            "(or give --interface).",
            err=True,
        )
        sys.exit(2)
    token = _site_token(token_file)
    image = _live_image(bench_key, cache_dir)
    work = settings.data_dir / "netboot" / site_code.upper()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        address, prefix = interface_address(chosen)
        network = BenchNetwork(chosen, address, prefix, http_port)
        values = {"server": server, "token": token, "language": language or settings.default_language}
        tftp, http = prepare(image, work.resolve(), network, values, settings.resolved_golden_image_dir)
        web = serve_http(http, network)
        dnsmasq = start_dnsmasq(network, tftp, work.resolve() / "state")
    except (NetbootError, OSError) as error:
        click.echo(f"Network boot could not start: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"Serving network boot for {site_code.upper()} on {chosen} ({address}); files at {network.http}, "
        f"golden images at {network.http}/images/ (KIERTO_GOLDEN_IMAGE_URL)."
    )
    try:
        while not stop.wait(1):
            if dnsmasq.poll() is not None:
                click.echo("dnsmasq stopped; network boot is off.", err=True)
                sys.exit(1)
    except KeyboardInterrupt:
        pass
    finally:
        dnsmasq.terminate()
        web.shutdown()
        import shutil

        shutil.rmtree(tftp, ignore_errors=True)


if __name__ == "__main__":
    main()


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
