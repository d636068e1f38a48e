"""Direct printing through CUPS with `lp`: a site's label printer is a CUPS queue.

We run CUPS's own command-line client rather than a binding (pycups): `lp` is the interface CUPS
documents and keeps stable, ships in Debian's cups-client next to the server, needs no C headers to
install, honours the usual client configuration (CUPS_SERVER, client.conf) and never blocks the
event loop, since it runs as a child process. The PDF goes on standard input; no shell is involved.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import dataclass

from inventory.errors import Conflict
from inventory.permissions import N_
from labels import LabelStock

LP_TIMEOUT_SECONDS = 30
# CUPS queue names: printable characters but no space, tab, slash, backslash, quote or '#'.
QUEUE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,99}$")
_JOB_ID = re.compile(r"request id is (\S+)")
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class PrintJob:
    """A job CUPS accepted: the queue and the job id `lp` reported (e.g. `brother-ql-17`)."""

    queue: str
    job_id: str


class PrinterUnavailable(Conflict):
    """The print job could not be handed to CUPS; the PDF download still works."""


def media_option(stock: LabelStock) -> str:
    """The CUPS `media` option for a stock: A4 for sheets, the exact roll label size otherwise."""
    if (stock.page_width_mm, stock.page_height_mm) == A4_MM:
        return "A4"
    return f"Custom.{stock.page_width_mm:g}x{stock.page_height_mm:g}mm"


def check_queue(queue: str) -> str:
    """A queue name that `lp` will read as a name, never as an option."""
    if not QUEUE_PATTERN.match(queue):
        raise PrinterUnavailable(
            N_("The printer queue name {queue} is not valid; an administrator can correct it."),
            {"queue": queue},
        )
    return queue


async def submit(
    queue: str, pdf: bytes, title: str, stock: LabelStock, server: str = "", copies: int = 1
) -> PrintJob:
    """Send a PDF to a CUPS queue and return the job CUPS accepted, or refuse in plain words."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterUnavailable(
            N_("Printing is not set up on the server (the CUPS client is missing). Download the PDF instead.")
        )
    arguments = [
        lp,
        "-d",
        check_queue(queue),
        "-t",
        title[:100],
        "-n",
        str(copies),
        "-o",
        f"media={media_option(stock)}",
    ]
    if server:
        arguments[1:1] = ["-h", server]
    process = await asyncio.create_subprocess_exec(
        *arguments,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(pdf), LP_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise PrinterUnavailable(
            N_("The printer {queue} did not answer in time. Check that it is on, or download the PDF."),
            {"queue": queue},
        ) from None
    if process.returncode != 0:
        reason = err.decode("utf-8", "replace").strip().removeprefix("lp:").strip() or str(process.returncode)
        raise PrinterUnavailable(
            N_("The printer {queue} did not take the labels: {reason}"),
            {"queue": queue, "reason": reason[:300]},
        )
    match = _JOB_ID.search(out.decode("utf-8", "replace"))
    return PrintJob(queue=queue, job_id=match.group(1) if match else "")
