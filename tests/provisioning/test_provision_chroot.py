"""provision.yml into a debootstrapped Debian chroot via the local runner: every role, then idempotence."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from provisioning.events import HostRecap, TaskOutcome, TaskResult, TaskStarted
from provisioning.hosts import ChrootHost
from provisioning.playbook_job import Job, Playbook, default_playbooks_dir
from provisioning.task_count import expected_tasks, possible_handlers
from tests.provisioning.conftest import BENCH_USER
from tests.provisioning.helpers import final_status, run_job

HOST = "JNS-000100-4"
TEST_PROFILE = {
    "base_system_packages": ["unattended-upgrades"],
    "desktop_apps_desktop_packages": [],
    "desktop_apps_packages": ["hunspell-sv"],
    "accessibility_enabled": True,
    "accessibility_screen_reader_packages": [],
    "trusted_bookmarks_regional": [{"name": "Siun sote", "url": "https://www.siunsote.fi/"}],
    "client_account_username": "asiakas",
    "client_account_full_name": "Testi Asiakas",
}


def _password_hash() -> str:
    result = subprocess.run(
        ["openssl", "passwd", "-6", "-salt", "kiertotest", "Tervetuloa2025"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _installed(root: Path, package: str) -> bool:
    status = (root / "var" / "lib" / "dpkg" / "status").read_text(encoding="utf-8")
    return f"Package: {package}\nStatus: install ok installed" in status


@pytest.mark.slow
def test_provisioning_a_chroot_runs_every_role_and_a_second_run_changes_nothing(bench_chroot: Path) -> None:
    root = bench_chroot
    password_hash = _password_hash()
    job = Job(
        Playbook.PROVISION,
        (ChrootHost(HOST, root),),
        extravars=TEST_PROFILE,
        host_vars={HOST: {"client_account_password_hash": password_hash}},
        timeout_seconds=900,
    )
    events = run_job(job)
    failures = [e.message for e in events if isinstance(e, TaskResult) and e.outcome is TaskOutcome.FAILED]
    assert final_status(events) == "successful", failures
    # The progress bar's measure: what Ansible starts, every handler counted as if it were notified.
    started = [e.task for e in events if isinstance(e, TaskStarted)]
    expected = expected_tasks(default_playbooks_dir(), "provision.yml")
    assert (
        expected - possible_handlers(default_playbooks_dir(), "provision.yml") < len(started) <= expected
    ), started
    roles = {e.role for e in events if isinstance(e, TaskResult) and e.outcome is not TaskOutcome.SKIPPED}
    assert roles >= {
        "base_system",
        "finnish_locale",
        "desktop_apps",
        "accessibility",
        "trusted_bookmarks",
        "client_account",
        "bench_cleanup",
    }

    # Packages and automatic updates.
    assert _installed(root, "unattended-upgrades")
    assert _installed(root, "hunspell-sv")
    assert (
        'APT::Periodic::Unattended-Upgrade "1";' in (root / "etc/apt/apt.conf.d/20auto-upgrades").read_text()
    )
    # Locale, time zone, keyboard.
    assert "LANG=fi_FI.UTF-8" in (root / "etc/default/locale").read_text()
    locales = subprocess.run(
        ["chroot", str(root), "locale", "-a"], capture_output=True, text=True, check=True
    )
    assert "fi_FI.utf8" in locales.stdout
    assert (root / "etc/timezone").read_text().strip() == "Europe/Helsinki"
    assert (root / "etc/localtime").readlink() == Path("/usr/share/zoneinfo/Europe/Helsinki")
    assert 'XKBLAYOUT="fi"' in (root / "etc/default/keyboard").read_text()
    # Accessibility defaults.
    assert "text-scaling-factor=1.25" in (root / "etc/dconf/db/local.d/50-kierto-accessibility").read_text()
    # Trusted bookmarks only.
    policy = json.loads((root / "etc/firefox/policies/policies.json").read_text())["policies"]
    urls = [entry["url"] for entry in policy["ManagedBookmarks"] if "url" in entry]
    assert urls == [
        "https://www.suomi.fi/",
        "https://www.kela.fi/",
        "https://www.kanta.fi/omakanta",
        "https://www.vero.fi/omavero/",
        "https://www.siunsote.fi/",
    ]
    assert policy["NoDefaultBookmarks"] is True
    # The client's account with an expired initial password.
    shadow = {line.split(":")[0]: line.split(":") for line in (root / "etc/shadow").read_text().splitlines()}
    assert shadow["asiakas"][1] == password_hash
    assert shadow["asiakas"][2] == "0", "the password must be changed at first login"
    assert "Testi Asiakas" in (root / "etc/passwd").read_text()
    # Nothing of the bench is left.
    assert BENCH_USER not in (root / "etc/passwd").read_text()
    assert not (root / "home" / BENCH_USER).exists()
    assert not (root / "etc/sudoers.d" / BENCH_USER).exists()
    assert not (root / "root/.ssh/authorized_keys").exists()

    again = run_job(job)
    assert final_status(again) == "successful"
    changed = [e.task for e in again if isinstance(e, TaskResult) and e.outcome is TaskOutcome.CHANGED]
    assert changed == []
    (recap,) = [e for e in again if isinstance(e, HostRecap)]
    assert recap.changed == 0
