"""How many tasks a host starts in a playbook, counted from its YAML as Ansible will report them.

This is the measure of a run's progress bar until a run of the same kind has passed (then its real count is
used). Handlers are counted as if every one were notified, so the bar may end short of its end, never stuck
at it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None


def _role_tasks(roles_dir: Path, role: str, entry_point: str = "main") -> int:
    """The tasks a role's entry point starts, with the check of its arguments Ansible runs first when
    the role describes them (meta/argument_specs.yml)."""
    role_dir = roles_dir / role
    specs = (_yaml(role_dir / "meta" / "argument_specs.yml") or {}).get("argument_specs", {})
    tasks_dir = role_dir / "tasks"
    tasks = _yaml(tasks_dir / f"{entry_point}.yml")
    return (1 if entry_point in specs else 0) + (_count_tasks(tasks, tasks_dir, roles_dir) if tasks else 0)


def _count_tasks(tasks: list[Any], base: Path, roles_dir: Path) -> int:
    count = 0
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        if "block" in task:
            count += sum(_count_tasks(task.get(part, []), base, roles_dir) for part in ("block", "always"))
            continue
        imported = task.get("ansible.builtin.import_tasks") or task.get("ansible.builtin.include_tasks")
        if isinstance(imported, str) and (base / imported).is_file():
            count += _count_tasks(_yaml(base / imported), base, roles_dir)
            continue
        included_role = task.get("ansible.builtin.include_role")
        if isinstance(included_role, dict):  # the include itself starts, then the role's tasks
            entry_point = str(included_role.get("tasks_from", "main")).removesuffix(".yml")
            count += 1 + _role_tasks(roles_dir, str(included_role["name"]), entry_point)
            continue
        count += 1
    return count


def _included_roles(tasks: list[Any]) -> set[str]:
    found: set[str] = set()
    for task in tasks or []:
        if isinstance(task, dict):
            included = task.get("ansible.builtin.include_role")
            if isinstance(included, dict):
                found.add(str(included["name"]))
            found |= _included_roles(task.get("block", [])) | _included_roles(task.get("always", []))
    return found


def _play_roles(play: dict[str, Any]) -> set[str]:
    listed = {entry["role"] if isinstance(entry, dict) else str(entry) for entry in play.get("roles", [])}
    parts = ("pre_tasks", "tasks", "post_tasks")
    return listed.union(*(_included_roles(play.get(part, [])) for part in parts))


@functools.cache
def possible_handlers(playbooks_dir: Path, playbook: str) -> int:
    """How many handlers a host may start in a playbook: its plays' own and those of the roles they use."""
    total = 0
    for play in _yaml(playbooks_dir / playbook) or []:
        total += len(play.get("handlers", []))
        for role in _play_roles(play):
            total += len(_yaml(playbooks_dir / "roles" / role / "handlers" / "main.yml") or [])
    return total


@functools.cache
def expected_tasks(playbooks_dir: Path, playbook: str) -> int:
    """How many tasks a host starts in a playbook, as Ansible reports them: the measure of its progress bar."""
    plays = _yaml(playbooks_dir / playbook) or []
    roles_dir = playbooks_dir / "roles"
    total = possible_handlers(playbooks_dir, playbook)
    for play in plays:
        if play.get("gather_facts", True):
            total += 1
        total += _count_tasks(play.get("pre_tasks", []), playbooks_dir, roles_dir)
        for entry in play.get("roles", []):
            total += _role_tasks(roles_dir, entry["role"] if isinstance(entry, dict) else str(entry))
        for part in ("tasks", "post_tasks"):
            total += _count_tasks(play.get(part, []), playbooks_dir, roles_dir)
    return max(total, 1)
