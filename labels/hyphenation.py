"""Hyphenation for document text: pyphen's patterns for Swedish and English, Finnish by its syllable rules.

reportlab hyphenates a Paragraph when its style names a language (it calls pyphen) or gives a callable.
pyphen ships no Finnish patterns, and Finnish needs none: its hyphenation follows the syllable rules
of the Institute for the Languages of Finland (Kotus), which are regular enough to apply directly —
a break comes before a consonant that is followed by a vowel (ta-lo, kis-sa, kart-ta), and between
two vowels that are neither a long vowel nor a diphthong (lu-en, ra-di-o). Compound boundaries
(which these rules cannot see) usually coincide with a syllable boundary anyway.
"""

from __future__ import annotations

from collections.abc import Callable

VOWELS = frozenset("aeiouyäöåAEIOUYÄÖÅ")
# Long vowels and diphthongs stay in one syllable.
_DIPHTHONGS = frozenset(
    {
        "ai",
        "ei",
        "oi",
        "ui",
        "yi",
        "äi",
        "öi",
        "au",
        "eu",
        "iu",
        "ou",
        "ey",
        "iy",
        "äy",
        "öy",
        "ie",
        "uo",
        "yö",
    }
)
MIN_PART = 2  # letters on either side of a break
PYPHEN_LANGUAGES = {"sv": "sv", "en": "en_GB"}


def finnish_breaks(word: str) -> list[int]:
    """Positions where a Finnish word may be hyphenated, left to right."""
    breaks = []
    for index in range(1, len(word)):
        before, here = word[index - 1], word[index]
        if not (before.isalpha() and here.isalpha()):
            continue
        after = word[index + 1] if index + 1 < len(word) else ""
        consonant_then_vowel = (
            here not in VOWELS and after in VOWELS and any(c in VOWELS for c in word[:index])
        )
        vowels_apart = (
            before in VOWELS
            and here in VOWELS
            and before.lower() != here.lower()
            and (before + here).lower() not in _DIPHTHONGS
        )
        if (consonant_then_vowel or vowels_apart) and MIN_PART <= index <= len(word) - MIN_PART:
            breaks.append(index)
    return breaks


def finnish_pairs(word: str) -> list[tuple[str, str]]:
    """reportlab's hyphenator interface: (first part, rest), longest first part first (it adds the hyphen)."""
    return [(word[:index], word[index:]) for index in reversed(finnish_breaks(word))]


def hyphenator(language: str) -> str | Callable[[str], list[tuple[str, str]]]:
    """What a reportlab style's `hyphenationLang` takes for a document language."""
    return finnish_pairs if language == "fi" else PYPHEN_LANGUAGES.get(language, "")
