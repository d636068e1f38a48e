"""`kierto bench-token`: an administrator's command makes a site's bench token into a file only its owner reads."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from inventory.permissions import Role
from inventory.runs.bench_tokens import bench_credential
from tests import factories


def _bench_token(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inventory.cli", "bench-token", *arguments],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_token_file_is_private_and_the_token_is_bound_to_the_site(db: Any, tmp_path: Path) -> None:
    admin = await factories.user(Role.ADMIN, site_code="JNS")
    await factories.site("KTI", "Kitee")
    output = tmp_path / "bench-token"

    made = _bench_token(
        "--site", "kti", "--by", admin.username, "--name", "penkki 1", "--output", str(output)
    )

    assert made.returncode == 0, made.stderr
    assert "for site KTI" in made.stdout
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    secret = output.read_text(encoding="utf-8").strip()
    assert secret not in made.stdout + made.stderr  # never printed where a terminal log keeps it
    credential = await bench_credential(f"Bearer {secret}")
    assert credential is not None
    assert credential.site_code == "KTI"


async def test_an_existing_file_is_kept_unless_replace_is_given(db: Any, tmp_path: Path) -> None:
    admin = await factories.user(Role.ADMIN)
    output = tmp_path / "bench-token"
    output.write_text("the token in use\n", encoding="utf-8")

    kept = _bench_token("--site", "JNS", "--by", admin.username, "--output", str(output))
    assert kept.returncode == 2
    assert "exists already" in kept.stderr
    assert output.read_text(encoding="utf-8") == "the token in use\n"

    replaced = _bench_token("--site", "JNS", "--by", admin.username, "--output", str(output), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert await bench_credential(f"Bearer {output.read_text(encoding='utf-8').strip()}") is not None


async def test_only_an_administrator_at_a_known_site_makes_one(db: Any, tmp_path: Path) -> None:
    trainee = await factories.user(Role.TRAINEE)
    admin = await factories.user(Role.ADMIN)
    output = tmp_path / "bench-token"

    by_trainee = _bench_token("--site", "JNS", "--by", trainee.username, "--output", str(output))
    unknown_site = _bench_token("--site", "XYZ", "--by", admin.username, "--output", str(output))
    unknown_user = _bench_token("--site", "JNS", "--by", "nobody-here", "--output", str(output))

    assert (by_trainee.returncode, by_trainee.stderr.strip()) == (
        2,
        "Only an administrator can make bench tokens.",
    )
    assert (unknown_site.returncode, unknown_site.stderr.strip()) == (2, "There is no site XYZ.")
    assert (unknown_user.returncode, unknown_user.stderr.strip()) == (
        2,
        "There is no active account nobody-here.",
    )
    assert not output.exists()
