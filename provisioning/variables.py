"""The documented role variables each playbook accepts, read from the roles' argument specs."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.cache
def documented_variable_types(playbooks_dir: Path, playbook: str) -> dict[str, str]:
    """The variables documented in meta/argument_specs.yml of every role the playbook uses, with their types."""
    plays = yaml.safe_load((playbooks_dir / playbook).read_text(encoding="utf-8")) or []
    types: dict[str, str] = {}
    for play in plays:
        for entry in play.get("roles", []):
            role = entry["role"] if isinstance(entry, dict) else str(entry)
            spec_file = playbooks_dir / "roles" / role / "meta" / "argument_specs.yml"
            specs = yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}
            for spec in (specs.get("argument_specs") or {}).values():
                for name, option in (spec.get("options") or {}).items():
                    types[name] = str(option.get("type", "str"))
    return types


def documented_variables(playbooks_dir: Path, playbook: str) -> frozenset[str]:
    """Names of the variables documented in meta/argument_specs.yml of every role the playbook uses."""
    return frozenset(documented_variable_types(playbooks_dir, playbook))
