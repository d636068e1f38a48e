"""Rules every page keeps: no inline script, handler or style (a strict CSP can follow), a served menu."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inventory.app import create_app
from inventory.navigation import MENU
from inventory.web import TEMPLATE_DIR, route_paths
from tests.ui.every_page import NOT_LISTED, every_page

TEMPLATES = sorted(TEMPLATE_DIR.rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATE_DIR)))
def test_no_inline_script_handler_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    for rule in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        assert not rule.search(text), f"{template.name}: {rule.pattern}"


def test_every_menu_entry_is_served() -> None:
    paths = route_paths(create_app())
    assert [entry.path for entry in MENU if entry.path not in paths] == []


def test_documents_are_linked_by_their_route_names() -> None:
    app = create_app()
    assert app.route_reverse("donation_labels", donation_id=7) == "/donations/7/documents"
    assert app.route_reverse("donation_receipt", donation_id=7) == "/api/v1/donations/7/receipt"
    number = "E-2026-000123"
    assert app.route_reverse("erasure_certificate", number=number) == f"/api/v1/erasures/{number}/certificate"


def test_every_page_is_in_the_list_the_browser_and_language_checks_visit() -> None:
    seeded = {"tags": ["JNS-000001-X"] * 6, "donation": 1, "stocktake": 1, "admin_id": 1, "client": 1}
    seeded |= {"handover": 1, "loan": 2, "verify": "ABC", "profile": 1}
    visited = [path.split("?")[0] for _, path, _ in every_page(seeded)]
    pages = sorted(
        route.path
        for route in create_app().routes
        if "GET" in getattr(route, "methods", ())
        and not route.path.startswith(("/api/", "/static", "/schema"))
    )
    unvisited = [
        page
        for page in pages
        if page not in NOT_LISTED and not any(re.fullmatch(_pattern(page), path) for path in visited)
    ]
    assert unvisited == [], "add these to tests/ui/every_page.py (or NOT_LISTED, saying why)"


def _pattern(route: str) -> str:
    return re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(route))


def test_route_paths_answer_patterns_and_concrete_paths() -> None:
    paths = route_paths(create_app())
    assert "/devices/{anything}" in paths
    assert "/bench/steps/start_wipe" in paths
    assert "/devices/JNS-000001-2/label.pdf" not in paths
    assert "/nowhere" not in paths
