"""Every event kind the code records is registered, and every registered kind tells what happened in fi/sv/en."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from inventory.actors import Actor
from inventory.devices.events import record_event
from inventory.event_kinds import EVENT_KINDS, Activity, UnregisteredEventKind
from inventory.i18n import current_language
from inventory.lifecycle import TRANSITIONS, Action, State
from inventory.web import event_label, step_label

ROOT = Path(__file__).resolve().parents[2]


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    return {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _kinds_of(argument: ast.expr, constants: dict[str, ast.expr]) -> set[str]:
    """The event kinds an argument of `record_event` can name, or a set with a marker when unreadable."""
    if isinstance(argument, ast.Name) and argument.id in constants:
        return _kinds_of(constants[argument.id], constants)
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name):
        if argument.value.id == "Activity":
            return {Activity[argument.attr].value}
        if argument.value.id == "Action":
            return {Action[argument.attr].value}
        # `action.value` where `action` is a lifecycle Action: any step may be recorded.
        if argument.attr == "value" and argument.value.id == "action":
            return {a.value for a in Action}
    return {f"<unreadable: {ast.unparse(argument)}>"}


def recorded_kinds() -> dict[str, set[str]]:
    """Each module that calls `record_event`, with the kinds it records (read from the source)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in (ROOT / "inventory").rglob("*.py")}
    # Module constants such as `LABELLED_ACTION = Activity.LABELLED`, which other modules import.
    constants = {name: value for tree in trees.values() for name, value in _constants(tree).items()}
    found: dict[str, set[str]] = {}
    for path, tree in sorted(trees.items()):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event":
                kinds = _kinds_of(node.args[1], constants)
                found.setdefault(str(path.relative_to(ROOT)), set()).update(kinds)
    return found


def test_every_kind_recorded_anywhere_is_registered() -> None:
    found = recorded_kinds()
    assert len(found) >= 10, found  # the scan itself works: events are written from many modules
    for module, kinds in found.items():
        assert kinds <= set(EVENT_KINDS), (module, kinds - set(EVENT_KINDS))


def test_every_lifecycle_step_is_a_registered_kind() -> None:
    assert {a.value for a in Action} <= set(EVENT_KINDS)


def test_record_event_refuses_a_kind_nobody_registered() -> None:
    # Refused before the database is touched: no engine is needed to see it.
    with pytest.raises(UnregisteredEventKind, match="not a registered event kind"):
        asyncio.run(record_event(1, "wiped_by_magic", State.RECEIVED, State.RECEIVED, Actor.system("test")))


def _catalog(language: str) -> dict[str, str]:
    path = ROOT / "inventory" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if isinstance(m.id, str)}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_kind_says_what_happened_in_the_language(language: str) -> None:
    catalog = _catalog(language)
    buttons = {catalog.get(t.label) for t in TRANSITIONS.values()}
    for kind in EVENT_KINDS.values():
        assert kind.recorded_by, kind.name
        said = catalog.get(kind.happened)
        assert said, (language, kind.name)
        # A history line says what was done, not what the button says to do ("Aloita tyhjennys").
        assert said not in buttons, (language, kind.name, said)


def test_the_history_reads_as_what_happened_and_the_buttons_as_what_to_do() -> None:
    token = current_language.set("fi")
    try:
        assert step_label("start_wipe") == "Aloita tyhjennys"
        assert event_label("start_wipe") == "Tyhjennys aloitettiin"
        assert event_label("scanned") != "scanned"
        assert event_label("initial_password_shown") != "initial_password_shown"
    finally:
        current_language.reset(token)
