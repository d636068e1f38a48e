"""`make run` in a fresh copy of the project, as on a new machine: a new virtual environment with the
runtime dependencies only, migrations, demo data, the printed logins, a server a counsellor can use."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest

from tests.conftest import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
LEFT_BEHIND = shutil.ignore_patterns(
    ".venv", "var", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.egg-info"
)
LOGIN = re.compile(r"^\s+(\w+)\s+username (\S+)\s+password (\S+)$", re.MULTILINE)


# What each role's first page shows from the demo's year of work (the demo is in Finnish).
FIRST_PAGES = {
    "trainee": r"[A-Z]{3}-\d{6}-",  # the bench queue lists machines to work on
    "counsellor": r"Maija Esimerkki",  # the counsellor's clients
    "coordinator": r"data-figure=\"handed-over\">[1-9]",  # the dashboard counts handovers
    "admin": r"Käyttäjät ja roolit",  # the administration overview
}


def _first_page(http: httpx.Client, username: str, password: str) -> str:
    """Sign in with no page asked for, as a person opening the address does; the admin sets up the code."""
    http.get("/login")
    response = http.post(
        "/login",
        data={"username": username, "password": password},
        headers={"x-csrftoken": http.cookies["kierto_csrf"]},
    )
    location = response.headers["location"]
    if location.startswith("/login/code/setup"):
        page = http.get(location).text
        secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
        sealed = re.search(r'name="sealed" value="([^"]+)"', page)
        assert secret is not None
        assert sealed is not None
        response = http.post(
            "/login/code/setup",
            data={
                "code": pyotp.TOTP(secret.group(1).replace(" ", "")).now(),
                "sealed": sealed.group(1),
                "next": parse_qs(urlsplit(location).query)["next"][0],
            },
            headers={"x-csrftoken": http.cookies["kierto_csrf"]},
        )
        location = response.headers["location"]
    first = http.get(location)
    assert first.status_code == 200, (location, first.text[:500])
    return first.text


def _printed(path: str) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_make_run_serves_the_demo_from_a_fresh_copy(tmp_path: Path) -> None:
    project = tmp_path / "kierto"
    shutil.copytree(ROOT, project, ignore=LEFT_BEHIND)
    port = free_port()
    output = tempfile.NamedTemporaryFile(prefix="kierto-make-run-", suffix=".log", delete=False)  # noqa: SIM115
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("KIERTO_", "VIRTUAL_ENV"))
    }
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=project,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        try:
            wait_for_port(port, process, timeout=600)  # creating the environment and installing take a while
        except RuntimeError as error:
            raise AssertionError(f"{error}\n{_printed(output.name)[-3000:]}") from error
        printed = _printed(output.name)
        logins = {role: (username, password) for role, username, password in LOGIN.findall(printed)}
        assert set(logins) == {"trainee", "counsellor", "coordinator", "admin"}, printed[-3000:]
        assert (project / "var" / "kierto.sqlite3").is_file()
        assert not (project / ".venv" / "bin" / "pytest").exists(), "make run installs no test tools"

        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as http:
            http.get("/login")
            username, password = logins["counsellor"]
            signed_in = http.post(
                "/login",
                data={"username": username, "password": password, "next": "/clients"},
                headers={"x-csrftoken": http.cookies["kierto_csrf"]},
            )
            assert signed_in.status_code in (302, 303), signed_in.text
            clients = http.get("/clients")
            assert clients.status_code == 200
            assert "Maija Esimerkki" in clients.text, "the demo counsellor has the demo clients"
        for role, shown in FIRST_PAGES.items():
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as http:
                page = _first_page(http, *logins[role])
                assert re.search(shown, page), (role, page[:2000])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        output.close()
        Path(output.name).unlink()
