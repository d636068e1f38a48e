"""The Debian mirror this machine's apt uses, so debootstrap, images and virtual machines take the same one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APT_ETC = Path("/etc/apt")


class NoDebianMirror(LookupError):
    """apt on this machine names no Debian mirror for the suite asked for."""


@dataclass(frozen=True, slots=True)
class AptSource:
    """One `deb` line (or deb822 stanza): where packages come from, for which suites and components."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]


def _one_line_sources(text: str) -> list[AptSource]:
    sources: list[AptSource] = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) < 3 or words[0] != "deb":
            continue
        words = words[1:]
        if words[0].startswith("["):  # options such as [signed-by=...] or [arch=amd64 trusted=yes]
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if len(words) >= 2:
            sources.append(AptSource(words[0], (words[1],), tuple(words[2:])))
    return sources


def _deb822_sources(text: str) -> list[AptSource]:
    sources: list[AptSource] = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes") == "no":
            continue
        suites = tuple(fields.get("suites", "").split())
        components = tuple(fields.get("components", "").split())
        sources.extend(AptSource(uri, suites, components) for uri in fields.get("uris", "").split())
    return sources


def apt_sources(apt_etc: Path = APT_ETC) -> list[AptSource]:
    """Every enabled binary-package source in this machine's apt configuration, in apt's file order."""
    sources: list[AptSource] = []
    main_list = apt_etc / "sources.list"
    if main_list.is_file():
        sources += _one_line_sources(main_list.read_text(errors="replace"))
    parts = apt_etc / "sources.list.d"
    for path in sorted(parts.glob("*")) if parts.is_dir() else []:
        if path.suffix == ".list":
            sources += _one_line_sources(path.read_text(errors="replace"))
        elif path.suffix == ".sources":
            sources += _deb822_sources(path.read_text(errors="replace"))
    return sources


def debian_mirror(suite: str = "bookworm", apt_etc: Path = APT_ETC) -> str:
    """The URI of the first source carrying `suite` with the main component (what apt here installs from)."""
    for source in apt_sources(apt_etc):
        if suite in source.suites and "main" in source.components:
            return source.uri.rstrip("/")
    raise NoDebianMirror(
        f"This machine's apt sources name no mirror for Debian {suite} (main): add one to "
        f"{apt_etc / 'sources.list.d'} as apt itself would use it."
    )


def security_mirror(suite: str = "bookworm", apt_etc: Path = APT_ETC) -> str | None:
    """The URI carrying `<suite>-security`, or None when apt here has no security source."""
    for source in apt_sources(apt_etc):
        if f"{suite}-security" in source.suites:
            return source.uri.rstrip("/")
    return None
