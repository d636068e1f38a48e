"""Translations: Babel gettext catalogs for fi, sv and en, loaded from .po files without a compile step."""

from __future__ import annotations

import io
from contextvars import ContextVar
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


class Language(StrEnum):
    """Languages of the interface and the documents; Finnish first."""

    FI = "fi"
    SV = "sv"
    EN = "en"


DEFAULT_LANGUAGE = Language.FI

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE.value)


@lru_cache(maxsize=8)
def translations(language: str) -> NullTranslations:
    """The catalog for a language; English (the message ids) needs none."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def normalise_language(language: str | None) -> str:
    """A supported language code, or the default one."""
    if language and language[:2].lower() in {lang.value for lang in Language}:
        return language[:2].lower()
    return DEFAULT_LANGUAGE.value


def gettext(message: str, language: str | None = None) -> str:
    """Translate a message id into the given language (default: the current request's language)."""
    return translations(normalise_language(language or current_language.get())).gettext(message)


def ngettext(singular: str, plural: str, count: int, language: str | None = None) -> str:
    """Translate a message with singular and plural forms."""
    chosen = translations(normalise_language(language or current_language.get()))
    return chosen.ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (babel extracts it: `-k N_`)."""
    return message
