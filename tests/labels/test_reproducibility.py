"""Printing again gives the same bytes: in another process, and when several renders run at once."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from labels import get_stock, render_asset_labels, render_sanitisation_certificate
from tests.labels import samples

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import hashlib
from labels import get_stock, render_asset_labels, render_sanitisation_certificate
from tests.labels import samples
labels = [samples.asset_label("JNS-000042-7"), samples.asset_label("TOHMA-000123-5", spec=samples.LONG_MODEL)]
print(hashlib.sha256(render_asset_labels(labels, get_stock("a4-70x37"), 3)).hexdigest())
print(hashlib.sha256(render_sanitisation_certificate(samples.sanitisation_certificate(), "sv")).hexdigest())
"""


def _digests_in_new_process(hash_seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.split()


def test_another_process_gives_the_same_bytes() -> None:
    first, second = _digests_in_new_process("1"), _digests_in_new_process("2")
    assert first == second
    assert len(first) == 2


def test_renders_running_at_once_give_the_same_bytes_as_one_by_one() -> None:
    certificates = [
        dataclasses.replace(samples.sanitisation_certificate(), mark=samples.mark(f"KI-2025-{number:06d}"))
        for number in range(12)
    ]
    sheets = [[samples.asset_label(f"JNS-{number:06d}-1")] * 4 for number in range(12)]
    stock = get_stock("a4-70x37")
    one_by_one = [render_sanitisation_certificate(item, "fi") for item in certificates]
    sheets_one_by_one = [render_asset_labels(sheet, stock) for sheet in sheets]
    with ThreadPoolExecutor(max_workers=6) as pool:
        at_once = list(pool.map(lambda item: render_sanitisation_certificate(item, "fi"), certificates))
        sheets_at_once = list(pool.map(lambda sheet: render_asset_labels(sheet, stock), sheets))
    assert [hashlib.sha256(pdf).digest() for pdf in at_once] == [
        hashlib.sha256(pdf).digest() for pdf in one_by_one
    ]
    assert sheets_at_once == sheets_one_by_one
