"""Document languages and their gettext catalogs, read from the .po files with Babel at run time."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
DOMAIN = "labels"
LOCALE_DIR = Path(__file__).parent / "locale"
_LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}


def check_language(language: str) -> str:
    """Return ``language`` if documents can be printed in it, else say which languages exist."""
    if language not in LANGUAGES:
        known = ", ".join(f"{_LANGUAGE_NAMES[code]} ({code})" for code in LANGUAGES)
        raise ValueError(f"Documents can be printed in {known}, not in {language!r}.")
    return language


def catalog_path(language: str) -> Path:
    """Where the .po catalog of a language lives (English is the source language and has none)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _messages(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    path = catalog_path(language)
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    return {
        message.id: message.string
        for message in catalog
        if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string
        if not message.fuzzy
    }


def translator(language: str) -> Callable[[str], str]:
    """Return a gettext-like function for ``language``; an untranslated string stays in English."""
    messages = _messages(check_language(language))

    def gettext(message: str) -> str:
        return messages.get(message, message)

    return gettext


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return message
