"""Asking CUPS about a job and a queue over IPP (RFC 8010/8011): Get-Job-Attributes, Get-Printer-Attributes.

`lp` submits the job (see printing.py); what happened to it afterwards only IPP tells: `lpstat` prints
no job state. The two requests and their answers are small, so they are encoded here on top of httpx
(already a dependency) rather than through pycups (C headers to build) or pyipp (aiohttp, printers only).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum

import httpx

IPP_VERSION = b"\x02\x00"
DEFAULT_SERVER = "localhost:631"


class Operation(IntEnum):
    """The IPP operations we send."""

    GET_JOB_ATTRIBUTES = 0x0009
    GET_PRINTER_ATTRIBUTES = 0x000B


class JobState(IntEnum):
    """RFC 8011 job-state."""

    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9


class PrinterState(IntEnum):
    """RFC 8011 printer-state."""

    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


STATUS_NOT_FOUND = 0x0406
_TAG_OPERATION, _TAG_END = 0x01, 0x03
_DELIMITERS = range(0x10)
_INTEGER_TAGS = {0x21, 0x23}  # integer, enum
_TEXT_TAGS = {0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49}  # text, name, keyword, uri, charset, language, mime


class IppError(Exception):
    """The server could not be reached, or answered with something that is not IPP."""


class NotFoundError(IppError):
    """The server has no such printer or job."""


@dataclass
class IppAnswer:
    """Status code and attributes of an answer (each attribute's values as a list)."""

    status: int
    attributes: dict[str, list[int | str]] = field(default_factory=dict)

    def first(self, name: str, default: int | str | None = None) -> int | str | None:
        """The attribute's first value."""
        values = self.attributes.get(name)
        return values[0] if values else default


def _attribute(tag: int, name: str, value: bytes) -> bytes:
    encoded = name.encode()
    return struct.pack(">BH", tag, len(encoded)) + encoded + struct.pack(">H", len(value)) + value


def encode_request(
    operation: Operation, request_id: int, printer_uri: str, job_id: int | None = None
) -> bytes:
    """An IPP request asking for the job's (or printer's) state and its reasons."""
    wanted = (
        ["job-state", "job-state-reasons", "job-printer-state-message"]
        if job_id is not None
        else ["printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs"]
    )
    body = IPP_VERSION + struct.pack(">HI", operation, request_id) + bytes([_TAG_OPERATION])
    body += _attribute(0x47, "attributes-charset", b"utf-8")
    body += _attribute(0x48, "attributes-natural-language", b"en")
    body += _attribute(0x45, "printer-uri", printer_uri.encode())
    if job_id is not None:
        body += _attribute(0x21, "job-id", struct.pack(">i", job_id))
    body += _attribute(0x44, "requested-attributes", wanted[0].encode())
    for name in wanted[1:]:
        body += _attribute(0x44, "", name.encode())  # further values of the same attribute
    return body + bytes([_TAG_END])


def decode_answer(data: bytes) -> IppAnswer:
    """Status code and attributes of an IPP answer."""
    if len(data) < 9:
        raise IppError("The print server's answer is not IPP.")
    answer = IppAnswer(status=struct.unpack(">H", data[2:4])[0])
    position, name = 8, ""
    while position < len(data):
        tag = data[position]
        position += 1
        if tag == _TAG_END:
            break
        if tag in _DELIMITERS:
            continue
        name_length = struct.unpack(">H", data[position : position + 2])[0]
        position += 2
        if name_length:
            name = data[position : position + name_length].decode("utf-8", "replace")
        position += name_length
        value_length = struct.unpack(">H", data[position : position + 2])[0]
        position += 2
        raw = data[position : position + value_length]
        position += value_length
        value: int | str
        if tag in _INTEGER_TAGS and value_length == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag in _TEXT_TAGS:
            value = raw.decode("utf-8", "replace")
        else:
            continue
        answer.attributes.setdefault(name, []).append(value)
    return answer


def _base(server: str) -> str:
    host = server.strip() or DEFAULT_SERVER
    if host.startswith("/"):  # a socket path in CUPS_SERVER: ask the local scheduler on its port
        host = DEFAULT_SERVER
    return host if ":" in host else f"{host}:631"


async def ask(server: str, queue: str, job_id: int | None = None, wait_seconds: float = 3.0) -> IppAnswer:
    """Ask CUPS at `server` (host[:port]) about a queue, or one of its jobs."""
    host = _base(server)
    printer_uri = f"ipp://{host}/printers/{queue}"
    operation = Operation.GET_JOB_ATTRIBUTES if job_id is not None else Operation.GET_PRINTER_ATTRIBUTES
    try:
        async with httpx.AsyncClient(timeout=wait_seconds) as client:
            response = await client.post(
                f"http://{host}/printers/{queue}",
                content=encode_request(operation, 1, printer_uri, job_id),
                headers={"Content-Type": "application/ipp"},
            )
    except httpx.HTTPError as error:
        raise IppError(f"The print server {host} cannot be reached: {error}") from error
    if response.status_code == 404:
        raise NotFoundError(f"There is no printer {queue}.")
    if response.status_code != 200 or response.headers.get("content-type", "") != "application/ipp":
        raise IppError(f"The print server {host} answered HTTP {response.status_code}.")
    answer = decode_answer(response.content)
    if answer.status == STATUS_NOT_FOUND:
        raise NotFoundError(f"The print server {host} knows no {queue} or no such job.")
    return answer
