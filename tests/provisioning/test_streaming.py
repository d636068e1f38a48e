"""transmit → worker → process over pipes and sockets gives the same events as a local run."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO

from provisioning.events import Event, RunStatus, TaskResult
from provisioning.hosts import LocalHost, SshHost
from provisioning.playbook_job import Job, Playbook
from provisioning.results import scan_results
from provisioning.streaming import start_processing, transmit, transmit_bytes, work
from tests.provisioning.helpers import final_status, run_job, signature


def _job() -> Job:
    return Job(Playbook.SCAN, (LocalHost("JNS-000010-3"), LocalHost("JNS-000011-1")), forks=2)


def _streamed(job: Job, channel: Callable[[], tuple[IO[bytes], IO[bytes]]]) -> list[Event]:
    """Run the job through transmit, worker and process, each on its own thread, joined by channels."""
    job_reader, job_writer = channel()
    result_reader, result_writer = channel()

    def transmitter() -> None:
        with job_writer:
            transmit(job, job_writer)

    def worker() -> None:
        with job_reader, result_writer:
            work(job_reader, result_writer)

    threads = [threading.Thread(target=transmitter), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()

    async def process() -> list[Event]:
        handle = start_processing(result_reader, job.ident)
        events = [event async for event in handle.events()]
        assert (await handle.wait()).status is RunStatus.SUCCESSFUL
        return events

    try:
        return asyncio.run(process())
    finally:
        for thread in threads:
            thread.join(timeout=60)
        result_reader.close()


def _pipe() -> tuple[IO[bytes], IO[bytes]]:
    read_fd, write_fd = os.pipe()
    return os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")


def _socket() -> tuple[IO[bytes], IO[bytes]]:
    left, right = socket.socketpair()
    reader, writer = left.makefile("rb"), right.makefile("wb")
    left.close()
    right.close()
    return reader, writer


def test_a_streamed_run_over_pipes_gives_the_same_events_as_a_local_run() -> None:
    job = _job()
    local = run_job(job)
    streamed = _streamed(job, _pipe)
    assert final_status(local) == final_status(streamed) == "successful"
    assert signature(streamed) == signature(local)
    assert scan_results(streamed).keys() == scan_results(local).keys()


def test_a_streamed_run_over_sockets_gives_the_same_events_as_a_local_run() -> None:
    job = _job()
    streamed = _streamed(job, _socket)
    assert signature(streamed) == signature(run_job(job))


def test_the_worker_streams_events_while_the_run_is_going() -> None:
    job = _job()
    job_stream = io.BytesIO(transmit_bytes(job))
    arrivals: list[bytes] = []

    class Recorder(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
            arrivals.append(bytes(data))
            return len(data)

    assert work(job_stream, Recorder()) is RunStatus.SUCCESSFUL  # type: ignore[arg-type]
    event_writes = [chunk for chunk in arrivals if b'"event": "runner_on_ok"' in chunk]
    assert len(event_writes) >= 4, "each event is written on its own as it happens"


def test_a_job_stream_carries_no_private_key_and_names_the_key_path_on_the_worker() -> None:
    host = SshHost("JNS-000012-8", "192.0.2.10", key_path=PurePosixPath("/etc/kierto/bench_key"))
    stream = transmit_bytes(Job(Playbook.SCAN, (host,)))
    assert b"PRIVATE KEY" not in stream
    assert b"ssh_key" not in stream.split(b"\n", 1)[0]


def test_a_cancelled_worker_ends_the_stream_as_canceled(tmp_path) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "big.img"
    with open(image, "wb") as handle:
        handle.truncate(16 << 30)
    job = Job(
        Playbook.WIPE,
        (LocalHost("JNS-000013-6"),),
        extravars={
            "disk_wipe_targets": [{"device": str(image), "serial": str(image.resolve())}],
            "disk_wipe_allow_image_files": True,
        },
    )
    cancel = threading.Event()
    result = io.BytesIO()
    timer = threading.Timer(4, cancel.set)
    timer.start()
    try:
        status = work(io.BytesIO(transmit_bytes(job)), result, cancel=cancel)
        timer.cancel()
        assert status is RunStatus.CANCELED
        # The worker's Ansible processes are gone with the run: nothing goes on writing to the disk.
        written = image.stat().st_blocks
        time.sleep(1.5)
        assert image.stat().st_blocks == written
    finally:
        image.unlink()

    async def process() -> list[Event]:
        handle = start_processing(io.BytesIO(result.getvalue()), job.ident)
        return [event async for event in handle.events()]

    events = asyncio.run(process())
    assert final_status(events) == "canceled"
    assert not any(isinstance(e, TaskResult) and e.task == "Erase and verify each named disk" for e in events)
