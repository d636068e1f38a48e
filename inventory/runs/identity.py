"""Which server process runs or reads a run, and whether that process is still alive."""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: count fields after the last ")".
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


@functools.cache
def process_identity() -> str:
    """This process as `host/pid/start ticks`: a restarted server never has the identity of the dead one."""
    return f"{socket.gethostname()}/{os.getpid()}/{_start_ticks(os.getpid()) or '0'}"


def known_dead(identity: str) -> bool:
    """True when the identity names a process on this host that is no longer running.

    A process on another host cannot be seen from here: its runs are judged by their heartbeat.
    """
    host, _, rest = identity.partition("/")
    pid_text, _, ticks = rest.partition("/")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    return _start_ticks(int(pid_text)) != ticks
