"""The dependencies installed for Kierto have no known vulnerability that a newer release fixes (pip-audit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import require, require_tool


def test_no_known_vulnerability_with_a_fix_available() -> None:
    beside_python = Path(sys.executable).with_name("pip-audit")
    pip_audit = (
        str(beside_python)
        if beside_python.exists()
        else require_tool("pip-audit", "it is in the test extras")
    )
    result = subprocess.run(
        [pip_audit, "--skip-editable", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    require(
        result.stdout.strip().startswith("{"),
        f"pip-audit could not reach the advisory database: {result.stderr[-500:]}",
    )
    report = json.loads(result.stdout)
    fixable = [
        f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions'])})"
        for dep in report["dependencies"]
        for vuln in dep.get("vulns", [])
        if vuln.get("fix_versions")
    ]
    assert not fixable, "Upgrade these dependencies:\n" + "\n".join(fixable)
