"""The README stays a newcomer's page (short, links that work inside the repository), and every
`KIERTO_` setting the code reads is in the one settings table of docs/settings.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inventory.operations.settings import OperationsSettings
from inventory.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SETTINGS_DOC = ROOT / "docs" / "settings.md"
README_LIMIT = 8 * 1024
# Sections other helpers and later work add to keep their place: stable headings.
README_HEADINGS = (
    "Two commands",
    "Demo logins",
    "Workspaces",
    "A new site's bench",
    "Where to read on",
)
LINK = re.compile(r"\]\(([^)\s]+)\)")
VARIABLE = re.compile(r"KIERTO_[A-Z0-9_]*[A-Z0-9]")
# Read by the test suite or the benches only, not by Kierto.
# KIERTO_LIVE: the volume label of the bench live system's ISO (provisioning/live/build.py), not a setting.
NOT_SETTINGS = frozenset({"KIERTO_TEST_DATABASE", "KIERTO_LIVE"})


def _local_links(path: Path) -> list[str]:
    return [
        target.split("#", 1)[0]
        for target in LINK.findall(path.read_text(encoding="utf-8"))
        if not re.match(r"(https?:|mailto:|#)", target)
    ]


def test_the_readme_is_short_and_in_its_order() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < README_LIMIT
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert [h for h in headings if h in README_HEADINGS] == list(README_HEADINGS)
    assert text.index("make run") < text.index("## Demo logins"), "the two commands come first"


@pytest.mark.parametrize("page", [README, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_links_stay_inside_the_repository_and_lead_somewhere(page: Path) -> None:
    for target in _local_links(page):
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert resolved.exists(), f"{page.name} links to {target}, which does not exist"


def test_every_setting_is_in_the_settings_table() -> None:
    fields = {
        f"KIERTO_{name.upper()}" for model in (Settings, OperationsSettings) for name in model.model_fields
    }
    read = set()
    for package in ("inventory", "provisioning"):
        for path in (ROOT / package).rglob("*.py"):
            read |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    documented = set(VARIABLE.findall(SETTINGS_DOC.read_text(encoding="utf-8")))
    assert len(fields) > 40, "the settings classes are read"
    assert sorted((fields | read) - NOT_SETTINGS - documented) == []
