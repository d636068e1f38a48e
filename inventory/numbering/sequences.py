"""Gapless certificate numbers per kind and year, allocated inside the caller's transaction."""

from __future__ import annotations

from inventory.numbering.tables import DocumentSequence


async def next_number(kind: str, year: int) -> int:
    """Take the next number of a sequence such as ("E", 2026); rolled back with the transaction."""
    name = f"{kind}-{year}"
    await DocumentSequence.raw(
        "INSERT INTO document_sequence (name, value) VALUES ({}, 0) ON CONFLICT (name) DO NOTHING", name
    )
    rows = (
        await DocumentSequence.update({DocumentSequence.value: DocumentSequence.value + 1})
        .where(DocumentSequence.name == name)
        .returning(DocumentSequence.value)
    )
    return int(rows[0]["value"])


def certificate_number(kind: str, year: int, number: int) -> str:
    """Format a certificate number, e.g. `E-2026-000123`."""
    return f"{kind}-{year}-{number:06d}"
