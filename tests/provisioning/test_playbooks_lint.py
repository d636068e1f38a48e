"""The playbooks pass ansible-lint at the production profile and run in check mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from provisioning.playbook_job import default_playbooks_dir
from tests.support import require

BIN = Path(sys.executable).parent


def test_the_playbooks_pass_ansible_lint_at_the_production_profile() -> None:
    lint = BIN / "ansible-lint"
    require(lint.is_file(), "ansible-lint is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [str(lint), "--profile", "production", "--offline", "."],
        cwd=default_playbooks_dir(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_every_playbook_passes_a_syntax_check() -> None:
    for playbook in ("scan.yml", "wipe.yml", "provision.yml", "image.yml", "install.yml"):
        result = subprocess.run(
            [str(BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,", playbook],
            cwd=default_playbooks_dir(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_role_documents_its_variables_in_its_readme() -> None:
    roles = default_playbooks_dir() / "roles"
    for role in sorted(p for p in roles.iterdir() if p.is_dir()):
        defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
        readme = (role / "README.md").read_text()
        for name in defaults:
            assert name.startswith(f"{role.name}_"), f"{name} in {role.name} is not role-prefixed"
            assert f"`{name}`" in readme, f"{name} is not documented in {role.name}/README.md"
