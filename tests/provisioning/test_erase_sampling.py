"""disk_erase's sampled check after a firmware erase: fingerprints, not blocks, are kept between the reads."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

MODULE = (
    Path(__file__).resolve().parents[2]
    / "playbooks/collections/ansible_collections/kierto/bench/plugins/modules/disk_erase.py"
)
BLOCK = 64 * 1024


def _disk_erase() -> ModuleType:
    spec = importlib.util.spec_from_file_location("disk_erase", MODULE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_sampled_block_passes_when_zeroed_or_changed_and_fails_when_it_still_holds_the_same_data(
    tmp_path: Path,
) -> None:
    erase = _disk_erase()
    disk = tmp_path / "disk.img"
    size = 40 * BLOCK
    disk.write_bytes(os.urandom(size))
    offsets = erase.sample_offsets(size, BLOCK, 6)
    before = dict(zip(offsets, erase.sample_fingerprints(str(disk), offsets, BLOCK, size), strict=True))
    assert all(len(kept[2]) == 32 for kept in before.values()), "a digest is kept, not the block"

    zeroed, changed, untouched = offsets[0], offsets[1], offsets[2]
    with disk.open("r+b") as handle:
        handle.seek(zeroed)
        handle.write(bytes(BLOCK))
        handle.seek(changed)
        handle.write(os.urandom(BLOCK))
    after = dict(zip(offsets, erase.sample_fingerprints(str(disk), offsets, BLOCK, size), strict=True))

    assert erase.block_passes(before[zeroed], after[zeroed])
    assert erase.block_passes(before[changed], after[changed])
    assert not erase.block_passes(before[untouched], after[untouched])
    assert not erase.block_passes(None, after[changed]), "data with nothing to compare with fails"
    assert not erase.block_passes(erase.fingerprint(bytes(BLOCK)), after[changed]), "zeros before, data after"
