"""`kierto bench-image`: build the bench live system's ISO and network-boot files, write a site's stick, serve netboot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from inventory.i18n import Language
from inventory.settings import get_settings


@click.group("bench-image")
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
