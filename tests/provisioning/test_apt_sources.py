"""The Debian mirror is read from apt's own configuration, in both formats apt accepts."""

from pathlib import Path

import pytest

from provisioning.apt_sources import NoDebianMirror, debian_mirror, security_mirror


def test_deb822_and_one_line_sources_are_read_in_apt_order(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text(
        "# a comment\ndeb-src http://src.example/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian/ bookworm main contrib\n"
    )
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://two.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://two.example/debian-security\nSuites: bookworm-security\nComponents: main\n"
    )
    (tmp_path / "sources.list.d" / "old.list.disabled").write_text(
        "deb http://ignored.example/ bookworm main\n"
    )

    assert debian_mirror("bookworm", tmp_path) == "http://one.example/debian"
    assert security_mirror("bookworm", tmp_path) == "http://two.example/debian-security"


def test_a_machine_without_the_suite_is_told_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb http://one.example/debian trixie main\n")
    with pytest.raises(NoDebianMirror, match="bookworm"):
        debian_mirror("bookworm", tmp_path)


def test_this_machine_names_a_mirror() -> None:
    """The suite's debootstrap roots come from here; without apt sources nothing can be built."""
    assert debian_mirror().startswith(("http://", "https://", "file:/"))
