"""The documented role variables each playbook accepts, read from the roles' argument specs."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.cache
def documented_variables(playbooks_dir: Path, playbook: str) -> frozenset[str]:
    """Names of the variables documented in meta/argument_specs.yml of every role the playbook uses."""
    plays = yaml.safe_load((playbooks_dir / playbook).read_text(encoding="utf-8")) or []
    names: set[str] = set()
    for play in plays:
        for entry in play.get("roles", []):
            role = entry["role"] if isinstance(entry, dict) else str(entry)
            spec_file = playbooks_dir / "roles" / role / "meta" / "argument_specs.yml"
            specs = yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}
            for spec in (specs.get("argument_specs") or {}).values():
                names.update((spec.get("options") or {}).keys())
    return frozenset(names)
