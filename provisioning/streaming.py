"""Jobs through ansible-runner's streaming protocol: transmit on the server, work on a worker, process."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path
from typing import IO, Any

import ansible_runner
from ansible_runner.streaming import Worker

from provisioning.datadir import ansible_environment, private_data_dir, runner_arguments, scratch_dir
from provisioning.events import RunStatus
from provisioning.handle import RunHandle, start_thread
from provisioning.leftovers import stop_leftovers, worker_dir_prefix
from provisioning.playbook_job import Job


class _NamedWriter:
    """A writable stream with the `name` attribute ansible-runner's zip streaming reads.

    ansible-runner asks `stream.name` to tell stdout apart; BytesIO and HTTP body writers have none.
    """

    name = "<kierto-stream>"

    def __init__(self, target: IO[bytes]) -> None:
        """Wrap the target stream."""
        self._target = target

    def write(self, data: bytes) -> int:
        """Write through to the target."""
        return self._target.write(data)

    def flush(self) -> None:
        """Flush the target, so that each event leaves as soon as it is written."""
        self._target.flush()

    def read(self, size: int = -1) -> bytes:  # noqa: ARG002 - present because Base64IO checks for it
        """A writer has nothing to read."""
        return b""

    def writable(self) -> bool:
        """The stream takes writes."""
        return True

    def readable(self) -> bool:
        """The stream gives nothing to read."""
        return False

    def close(self) -> None:
        """Closing is the owner's business: the wrapped stream stays open."""

    @property
    def closed(self) -> bool:
        """Whether the wrapped stream is closed."""
        return bool(getattr(self._target, "closed", False))


def _writer(stream: IO[bytes]) -> Any:
    return stream if hasattr(stream, "name") else _NamedWriter(stream)


def transmit(job: Job, output: IO[bytes]) -> None:
    """Write the job as ansible-runner's job stream (kwargs, zipped private data dir, eof).

    The stream holds the playbooks, the inventory and the variables; it never holds an SSH private
    key: SSH hosts name the key's path on the worker. The local data dir is removed afterwards.
    """
    with private_data_dir(job) as root:
        arguments = runner_arguments(job, root)
        ansible_runner.run(streamer="transmit", _output=_writer(output), **arguments)


def transmit_bytes(job: Job) -> bytes:
    """The job stream as bytes, for sending in one HTTP response."""
    buffer = io.BytesIO()
    transmit(job, buffer)
    return buffer.getvalue()


def work(
    job_stream: IO[bytes],
    result_stream: IO[bytes],
    *,
    cancel: threading.Event | None = None,
    keepalive_seconds: float | None = None,
    work_dir: Path | None = None,
) -> RunStatus:
    """Run a job stream next to the hosts, writing the result stream as the events happen.

    Blocking: a bench worker calls it on a thread. Each event and status line is written and flushed
    as it comes, then the artifacts and an eof line. Setting `cancel` stops Ansible; the result
    stream then ends with the status "canceled". The worker's data dir is removed afterwards.
    """
    with scratch_dir(worker_dir_prefix(), work_dir) as root:
        options: dict[str, Any] = {"private_data_dir": str(root), "envvars": ansible_environment()}
        if cancel is not None:
            options["cancel_callback"] = cancel.is_set
        worker = Worker(
            _input=job_stream, _output=_writer(result_stream), keepalive_seconds=keepalive_seconds, **options
        )
        try:
            status, _ = worker.run()
        finally:
            stop_leftovers(root)
    try:
        return RunStatus(str(status))
    except ValueError:
        return RunStatus.ERROR


def start_processing(result_stream: IO[bytes], ident: str, *, work_dir: Path | None = None) -> RunHandle:
    """Turn a worker's result stream back into the typed events of a local run; call it from the event loop.

    The stream is read on a thread as it arrives (a pipe, a socket file, or anything with readline
    and read). `cancel()` on the handle does not reach the worker: tell the worker through its own
    channel, and the stream ends with "canceled".
    """
    handle = RunHandle(ident, asyncio.get_running_loop())

    def process() -> None:
        status, rc, explanation = RunStatus.ERROR, None, None
        try:
            with scratch_dir("kierto-process-", work_dir) as root:
                processor = ansible_runner.run(
                    streamer="process",
                    _input=result_stream,
                    private_data_dir=str(root),
                    ident=ident,
                    quiet=True,
                    event_handler=handle.on_event,
                    status_handler=handle.on_status,
                )
                try:
                    status = RunStatus(str(processor.status))
                except ValueError:
                    status = RunStatus.ERROR
                rc_file = root / "artifacts" / ident / "rc"
                if rc_file.is_file() and rc_file.read_text().strip().lstrip("-").isdigit():
                    rc = int(rc_file.read_text().strip())
        except Exception as error:  # a broken stream must end the run visibly
            explanation = f"The result stream could not be read: {error}"
        finally:
            handle.finish(status, rc, explanation)

    start_thread(f"kierto-process-{ident[:12]}", process)
    return handle
