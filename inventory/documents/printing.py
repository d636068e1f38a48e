"""Direct printing through CUPS with `lp`: a site's label printer is a CUPS queue.

Before submitting, the queue is looked up over IPP (so "print server unreachable" and "no such printer"
are told apart); after submitting, the job is followed for a few seconds and reported as completed,
still queued (with the printer's state) or failed (with CUPS's reason), never "done" when it failed.

We run CUPS's own command-line client rather than a binding (pycups): `lp` is the interface CUPS
documents and keeps stable, ships in Debian's cups-client next to the server, needs no C headers to
install, honours the usual client configuration (CUPS_SERVER, client.conf) and never blocks the
event loop, since it runs as a child process. The PDF goes on standard input; no shell is involved.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from dataclasses import dataclass
from enum import StrEnum

from inventory.documents import ipp
from inventory.errors import Conflict
from inventory.i18n import N_
from inventory.sites.naming import QUEUE_PATTERN
from labels import LabelStock

LP_TIMEOUT_SECONDS = 30
FOLLOW_SECONDS = 6.0  # how long a print waits to see the job through before saying "still queued"
POLL_SECONDS = 0.25
_JOB_ID = re.compile(r"request id is (\S+)")
A4_MM = (210.0, 297.0)


class JobOutcome(StrEnum):
    """What became of a job while we followed it."""

    COMPLETED = "completed"
    QUEUED = "queued"
    FAILED = "failed"


# CUPS's job and printer state reasons that we word for people (others are shown as CUPS names them).
REASONS = {
    "job-completed-with-errors": N_("the job ended with errors"),
    "document-format-error": N_("the printer could not read the document"),
    "document-unprintable-error": N_("the document cannot be printed"),
    "aborted-by-system": N_("the print server stopped the job"),
    "job-canceled-by-user": N_("someone cancelled the job"),
    "job-canceled-at-device": N_("the job was cancelled at the printer"),
    "cups-missing-filter-warning": N_("a filter program of the printer is missing"),
    "media-empty": N_("the printer is out of labels"),
    "media-jam": N_("the labels are jammed"),
    "offline-report": N_("the printer is offline"),
    "paused": N_("the printer is paused"),
}
PRINTER_STATES = {
    ipp.PrinterState.IDLE: N_("idle"),
    ipp.PrinterState.PROCESSING: N_("printing other jobs"),
    ipp.PrinterState.STOPPED: N_("stopped"),
}


@dataclass(frozen=True)
class PrintJob:
    """A job CUPS accepted: the queue, the job id `lp` reported (e.g. `brother-ql-17`) and what became of it."""

    queue: str
    job_id: str
    outcome: JobOutcome = JobOutcome.QUEUED
    reason: str = ""  # CUPS's words: the state message, else the state reasons
    printer_state: str = ""  # a PRINTER_STATES value for a job still queued


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


async def check_printer(queue: str, server: str = "") -> ipp.IppAnswer:
    """The queue's state over IPP; refuses when the server cannot be reached or has no such queue."""
    try:
        return await ipp.ask(server, check_queue(queue))
    except ipp.NotFoundError:
        raise PrinterUnavailable(
            N_("The print server has no printer {queue}. An administrator can correct the site's printer."),
            {"queue": queue},
        ) from None
    except ipp.IppError:
        raise PrinterUnavailable(
            N_("The print server {server} cannot be reached. Check that it is running, or download the PDF."),
            {"server": server or ipp.DEFAULT_SERVER},
        ) from None


def _reason(answer: ipp.IppAnswer, message_name: str, reasons_name: str) -> str:
    message = str(answer.first(message_name, "") or "").strip()
    reasons = [
        str(reason)
        for reason in answer.attributes.get(reasons_name, [])
        if reason not in ("none", "job-printing")
    ]
    return message or ", ".join(reasons)


def _outcome(answer: ipp.IppAnswer) -> JobOutcome | None:
    state = answer.first("job-state")
    reasons = answer.attributes.get("job-state-reasons", [])
    if state in (ipp.JobState.ABORTED, ipp.JobState.CANCELED, ipp.JobState.STOPPED):
        return JobOutcome.FAILED
    if state == ipp.JobState.COMPLETED:
        return JobOutcome.FAILED if "job-completed-with-errors" in reasons else JobOutcome.COMPLETED
    return None


async def follow(job: PrintJob, server: str = "", seconds: float = FOLLOW_SECONDS) -> PrintJob:
    """Follow a submitted job until it completes or fails, or for `seconds`; then say where it is."""
    number = job.job_id.rsplit("-", 1)[-1]
    if not number.isdigit():
        return job
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = await ipp.ask(server, job.queue, int(number))
        except ipp.IppError:
            return job  # it was accepted; we cannot say more
        outcome = _outcome(answer)
        if outcome is not None:
            reason = _reason(answer, "job-printer-state-message", "job-state-reasons")
            if outcome is JobOutcome.FAILED and not reason:
                printer = await check_printer(job.queue, server)
                reason = _reason(printer, "printer-state-message", "printer-state-reasons")
            return PrintJob(job.queue, job.job_id, outcome, reason)
        if time.monotonic() >= deadline:
            printer = await check_printer(job.queue, server)
            state = printer.first("printer-state")
            return PrintJob(
                job.queue,
                job.job_id,
                JobOutcome.QUEUED,
                _reason(printer, "printer-state-message", "printer-state-reasons"),
                PRINTER_STATES.get(ipp.PrinterState(state), "") if state in set(ipp.PrinterState) else "",
            )
        await asyncio.sleep(POLL_SECONDS)


async def submit(
    queue: str, pdf: bytes, title: str, stock: LabelStock, server: str = "", copies: int = 1
) -> PrintJob:
    """Send a PDF to a CUPS queue and return the job CUPS accepted, or refuse in plain words."""
    await check_printer(queue, server)
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
            N_("The printer {queue} did not take the labels. The print server said: “{reason}”"),
            {"queue": queue, "reason": reason[:300]},
        )
    match = _JOB_ID.search(out.decode("utf-8", "replace"))
    return PrintJob(queue=queue, job_id=match.group(1) if match else "")


def reason_text(reason: str) -> str:
    """CUPS's reason in the reader's language: a reason we know in our words, else CUPS's own, quoted."""
    from inventory.i18n import gettext

    known = [gettext(REASONS[part.strip()]) for part in reason.split(",") if part.strip() in REASONS]
    if known:
        return ", ".join(known)
    return gettext(N_("the print server said “{message}”")).format(message=reason) if reason else ""


def check_outcome(job: PrintJob) -> None:
    """Refuse, with CUPS's reason in the reader's language, when the job failed."""
    if job.outcome is JobOutcome.FAILED:
        raise PrinterUnavailable(
            N_(
                "The printer {queue} could not print the labels: {reason}. Check the printer, or download the PDF."
            ),
            {"queue": job.queue, "reason": reason_text(job.reason) or "–"},
        )
