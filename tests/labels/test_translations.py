"""Catalogs and formats: every document string translated to Finnish and Swedish, formats per locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import labels
from labels.locale_format import format_day, format_duration, format_memory, format_moment, format_size
from labels.translation import catalog_path, translator

PACKAGE_DIR = Path(labels.__file__).parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _extracted() -> set[str]:
    messages = extract_from_dir(
        PACKAGE_DIR, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    )
    return {message for _file, _line, message, _comments, _context in messages if isinstance(message, str)}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_document_string_has_a_translation(language: str) -> None:
    with catalog_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {message.id: message.string for message in catalog if message.id}
    wanted = _extracted()
    assert len(wanted) > 90
    missing = sorted(wanted - {message for message, text in translated.items() if text})
    assert not missing, f"untranslated in {language}: {missing}"
    unused = sorted(set(translated) - wanted)
    assert not unused, f"no longer used, remove from {language}: {unused}"
    assert not [message.id for message in catalog if message.id and message.fuzzy]
    for message, text in translated.items():
        assert sorted(PLACEHOLDER.findall(str(message))) == sorted(PLACEHOLDER.findall(str(text))), message


def test_english_is_the_source_and_unknown_strings_stay_as_they_are() -> None:
    assert translator("en")("Certificate of sanitisation") == "Certificate of sanitisation"
    assert translator("fi")("Certificate of sanitisation") == "Todistus tietojen hävittämisestä"
    assert translator("sv")("Not in any catalog") == "Not in any catalog"


@pytest.mark.parametrize(
    ("language", "day", "size", "duration", "moment"),
    [
        ("fi", "1.3.2025", "256 GB", "1 t 30 min", "1.3.2025 12.05"),  # the symbols on the disk, not "Gt"
        ("sv", "1 mars 2025", "256 GB", "1 tim 30 min", "1 mars 2025 12.05"),  # Finland-Swedish: 12.05
        ("en", "1 Mar 2025", "256 GB", "1 hr 30 mins", "1 Mar 2025 12:05"),
    ],
)
def test_dates_sizes_and_durations_follow_the_language(
    language: str, day: str, size: str, duration: str, moment: str
) -> None:
    assert format_day(date(2025, 3, 1), language) == day
    assert format_size(256_060_514_304, language) == size
    assert format_duration(90, language) == duration
    # A time-zone-aware moment is shown in Finnish time (UTC+2 in March).
    assert format_moment(datetime(2025, 3, 1, 10, 5, tzinfo=UTC), language) == moment


def test_small_sizes_keep_a_decimal_and_large_ones_do_not() -> None:
    assert format_size(1_500_000_000_000, "en") == "1.5 TB"
    assert format_size(2_000_398_934_016, "fi") == "2 TB"
    assert format_size(1_500_000_000_000, "fi") == "1,5 TB"
    assert format_memory(8192, "fi") == "8 GB"
    assert format_memory(512, "sv") == "512 MB"
    assert format_size(128_035_676_160, "sv") == "128 GB"
    assert format_duration(45, "fi") == "45 min"
    assert format_duration(120, "fi") == "2 t"
    with pytest.raises(ValueError, match="cannot be negative"):
        format_size(-1, "fi")
