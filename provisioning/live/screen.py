#!/usr/bin/env python3
"""Bench live system: the large status screen on the laptop's own display (tty1), refreshed from Kierto."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

RUN_DIR = Path("/run/kierto")
FONT = "/usr/share/consolefonts/Uni3-TerminusBold32x16.psf.gz"
POLL_SECONDS = 3.0
# Background and text colour by tone: readable from across the room (ANSI: 30+ text, 40+ background).
TONES = {
    "starting": (40, 97),
    "waiting": (43, 30),
    "working": (44, 97),
    "done": (42, 30),
    "failed": (41, 97),
}
# The console's palette entries those backgrounds use, made bright and clear (Linux console: ESC ] P n rrggbb).
PALETTE = {1: "D00000", 2: "00A651", 3: "FFD700", 4: "1E64C8"}
# What the screen says before Kierto answers (the server's own words, translated there, come after).
LOCAL = {
    "starting": {
        "fi": ("Käynnistyy", "Odota hetki."),
        "sv": ("Startar", "Vänta en stund."),
        "en": ("Starting", "Please wait."),
    },
    "no_settings": {
        "fi": (
            "Asetukset puuttuvat",
            "Tikulla ei ole Kierron asetuksia. Pyydä ohjaajaa tekemään tikku uudelleen.",
        ),
        "sv": (
            "Inställningar saknas",
            "Stickan saknar Kiertos inställningar. Be handledaren skriva stickan på nytt.",
        ),
        "en": ("No settings", "This stick has no Kierto settings. Ask your instructor to write it again."),
    },
    "connecting": {
        "fi": ("Yhdistetään Kiertoon", "Tarkista, että verkkokaapeli on kiinni."),
        "sv": ("Ansluter till Kierto", "Kontrollera att nätverkskabeln sitter i."),
        "en": ("Connecting to Kierto", "Check that the network cable is plugged in."),
    },
}
LABELS = {
    "serial": {"fi": "Sarjanumero", "sv": "Serienummer", "en": "Serial number"},
    "tag": {"fi": "Laitetunnus", "sv": "Inventarienummer", "en": "Asset tag"},
}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def dmi_serial() -> str:
    """The serial the firmware reports (what the check-in sends)."""
    return _read(Path("/sys/class/dmi/id/product_serial")) or "?"


def language() -> str:
    """The site's language from the bench settings, Finnish until they are read."""
    settings = json.loads(_read(RUN_DIR / "screen.json") or "{}")
    chosen = str(settings.get("language", "fi"))
    return chosen if chosen in ("fi", "sv", "en") else "fi"


def local_state(key: str, lang: str) -> dict[str, object]:
    """A state the screen knows without Kierto."""
    title, detail = LOCAL[key][lang]
    tone = "failed" if key == "no_settings" else "starting"
    return {"phase": key, "tone": tone, "title": title, "detail": detail, "percent": None, "asset_tag": None}


def fetch(server: str, token: str, machine_id: int, lang: str) -> dict[str, object]:
    """What Kierto says this machine is doing now."""
    request = urllib.request.Request(  # noqa: S310 - the configured Kierto server
        f"{server.rstrip('/')}/api/v1/bench/machines/{machine_id}/screen?language={lang}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return dict(json.loads(answer.read()))


def current(lang: str) -> dict[str, object]:
    """The state to show now."""
    settings = json.loads(_read(RUN_DIR / "screen.json") or "{}")
    if not settings:
        failed = (
            subprocess.run(
                ["systemctl", "is-failed", "--quiet", "kierto-config.service"], check=False
            ).returncode
            == 0
        )
        return local_state("no_settings" if failed else "starting", lang)
    checkin = json.loads(_read(RUN_DIR / "checkin.json") or "{}")
    token = _read(RUN_DIR / "bench-token")
    if not checkin.get("machine_id") or not token:
        return local_state("connecting", lang)
    try:
        return fetch(str(settings["server"]), token, int(checkin["machine_id"]), lang)
    except (OSError, ValueError):
        return local_state("connecting", lang)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def render(state: dict[str, object], serial: str, lang: str, columns: int, rows: int) -> str:
    """The whole screen as one string: the tone's colours everywhere, the words centred, the title in capitals."""
    background, foreground = TONES.get(str(state.get("tone")), TONES["starting"])
    title = str(state.get("title") or "")
    lines = ["", *(_wrap(title.upper(), columns - 4) or [""]), ""]
    percent = state.get("percent")
    if isinstance(percent, int):
        filled = (columns - 10) * max(0, min(100, percent)) // 100
        lines += ["█" * filled + "░" * (columns - 10 - filled) + f" {percent:3d} %", ""]
    lines += _wrap(str(state.get("detail") or ""), columns - 4)
    lines += ["", f"{LABELS['serial'][lang]}: {serial}"]
    if state.get("asset_tag"):
        lines += [f"{LABELS['tag'][lang]}: {state['asset_tag']}"]
    top = max(0, (rows - len(lines)) // 2)
    body = "\n" * top + "\n".join(line.center(columns)[:columns] for line in lines[: rows - 1])
    palette = "".join(f"\033]P{index:X}{rgb}" for index, rgb in PALETTE.items())
    return f"{palette}\033[{background};{foreground};1m\033[2J\033[H{body}\033[?25l"


def summary(state: dict[str, object]) -> str:
    """One line for the journal and the serial console when what the screen shows changes."""
    keys = ("phase", "tone", "percent", "asset_tag", "title")
    return "kierto-screen: " + " ".join(f"{key}={state.get(key)!s}" for key in keys)


def main() -> int:
    """Show the state, poll Kierto, show it again; only what changed is logged."""
    if Path(FONT).is_file() and shutil.which("setfont"):
        subprocess.run(["setfont", FONT], check=False, capture_output=True)
    shown = ""
    last_log = ""
    while True:
        lang = language()
        state = current(lang)
        size = shutil.get_terminal_size((80, 25))
        screen = render(state, dmi_serial(), lang, size.columns, size.lines)
        if screen != shown:
            sys.stdout.write(screen)
            sys.stdout.flush()
            shown = screen
        line = summary(state)
        if line != last_log:
            print(line, file=sys.stderr, flush=True)
            last_log = line
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
