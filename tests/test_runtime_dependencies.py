"""Everything the application imports comes with `pip install .`, which `make run` does, not only with
the test extras that `make test` adds (the TOTP page once imported segno, a test-only package)."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
APPLICATION = ("inventory", "labels", "provisioning")
OWN = {"inventory", "labels", "provisioning", "bench", "tests"}


def _runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def _installed_with(requirements: list[Requirement]) -> set[str]:
    """The distributions `pip install .` brings: the dependencies, their extras, and theirs in turn."""
    found: set[str] = set()
    pending = [(requirement, frozenset(requirement.extras)) for requirement in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        requirement, extras = pending.pop()
        name = canonicalize_name(requirement.name)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        found.add(name)
        for text in metadata.requires(requirement.name) or []:
            nested = Requirement(text)
            wanted = nested.marker is None or any(
                nested.marker.evaluate({"extra": extra}) for extra in (*extras, "")
            )
            if wanted:
                pending.append((nested, frozenset(nested.extras)))
    return found


def _imported_modules() -> Iterator[tuple[str, Path]]:
    for package in APPLICATION:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        yield alias.name.partition(".")[0], path
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    yield node.module.partition(".")[0], path


def test_every_module_the_application_imports_is_a_runtime_dependency() -> None:
    installed = _installed_with(_runtime_requirements())
    distributions = metadata.packages_distributions()
    missing = {}
    for module, path in _imported_modules():
        if module in sys.stdlib_module_names or module in OWN or module == "__future__":
            continue
        owners = {canonicalize_name(name) for name in distributions.get(module, [])}
        if not owners & installed:
            missing[module] = str(path.relative_to(ROOT))
    assert not missing, f"imported by the application but not installed by `pip install .`: {missing}"


def test_the_closure_sees_what_a_dependency_brings_along() -> None:
    installed = _installed_with(_runtime_requirements())
    assert {"litestar", "msgspec", "asyncpg", "uvicorn"} <= installed  # msgspec comes with litestar
    assert "pytest" not in installed
