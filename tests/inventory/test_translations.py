"""Every string of the interface has a Finnish and a Swedish translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "inventory" / "locale"
KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("inventory/**.py", "python"), ("inventory/**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


def _source_messages() -> set[str]:
    found: set[str] = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT),
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        options_map={"inventory/**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


SOURCE_MESSAGES = _source_messages()


def test_the_extraction_finds_the_interface_strings() -> None:
    assert "Log in to Kierto" in SOURCE_MESSAGES
    assert "This step needs the field {field}." in SOURCE_MESSAGES


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalog_translates_every_string(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if all(strings) and not message.fuzzy:
            translated[key] = strings
    missing = sorted(SOURCE_MESSAGES - set(translated))
    assert not missing, f"{language}: untranslated (run `make messages` and translate): {missing}"
    for key in SOURCE_MESSAGES:
        for text in translated[key]:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(key)), (language, key, text)
