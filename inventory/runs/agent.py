"""The bench worker: registers with Kierto, heartbeats, long-polls its site's jobs, runs them, streams results back.

It runs next to the machines (`kierto bench-worker --server URL --token TOKEN`) and needs no database:
each job arrives as ansible-runner's job stream and is run with `provisioning.streaming.work`; the
result stream goes back in pieces as it is written, each sent with its offset, so a piece sent
twice (after a lost answer) is kept once and the server's progress bars move as the run goes.
The bench SSH private key stays here: jobs only name its path (`--ssh-key`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import threading
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx

from provisioning.leftovers import stop_dead_workers_leftovers
from provisioning.streaming import work

logger = logging.getLogger("kierto.bench_worker")
SEND_INTERVAL = 0.1
MAX_PIECE = 512 * 1024
RETRY_SECONDS = 2.0


def _version() -> str:
    try:
        return version("kierto")
    except PackageNotFoundError:
        return "unknown"


class ResultUploader:
    """A writable stream that sends what is written to the server in pieces, in order, until all is held."""

    name = "<kierto-results>"

    def __init__(self, client: httpx.Client, worker_id: int, ident: str, cancel: threading.Event) -> None:
        """Start the sending thread for one job; `cancel` is set if the server no longer takes its results."""
        self._client, self._url = client, f"/api/v1/bench/workers/{worker_id}/jobs/{ident}/results"
        self._cancel = cancel
        self._buffer = bytearray()
        self._acked = 0  # bytes of the stream the server holds
        self._lock = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(
            target=self._send_loop, name=f"kierto-upload-{ident[:8]}", daemon=True
        )
        self._thread.start()

    def write(self, data: bytes) -> int:
        """Keep the bytes for sending."""
        with self._lock:
            self._buffer.extend(data)
        return len(data)

    def flush(self) -> None:
        """Wake the sender: an event is complete."""
        with self._lock:
            self._lock.notify()

    def writable(self) -> bool:
        """The stream takes writes."""
        return True

    def readable(self) -> bool:
        """Nothing to read."""
        return False

    def read(self, size: int = -1) -> bytes:  # noqa: ARG002 - ansible-runner's Base64IO checks for it
        """Nothing to read."""
        return b""

    def close(self) -> None:
        """Send what is left with the mark that the stream is complete, and wait until the server holds it."""
        with self._lock:
            self._closed = True
            self._lock.notify()
        self._thread.join()

    @property
    def closed(self) -> bool:
        """Whether the stream was closed."""
        return self._closed

    def _send(self, piece: bytes, complete: bool) -> None:
        response = self._client.post(
            self._url,
            params={"offset": self._acked, "complete": "true" if complete else "false"},
            content=piece,
            headers={"Content-Type": "application/octet-stream"},
        )
        response.raise_for_status()
        received = int(response.json()["received"])
        with self._lock:
            # The server says how much it holds: drop that much, resend the rest (a gap sends it again).
            del self._buffer[: max(0, received - self._acked)]
            self._acked = received

    def _send_loop(self) -> None:
        while True:
            with self._lock:
                if not self._buffer and not self._closed:
                    self._lock.wait(SEND_INTERVAL)
                piece = bytes(self._buffer[:MAX_PIECE])
                last = self._closed and len(self._buffer) <= MAX_PIECE
            if not piece and not last:
                continue
            try:
                self._send(piece, last)
            except httpx.HTTPStatusError as error:
                if error.response.status_code in (404, 409):
                    # The job ended on the server (interrupted, canceled) or is not ours: stop it here too.
                    logger.warning("the server no longer takes this job's results: %s", error.response.text)
                    self._cancel.set()
                    with self._lock:
                        self._buffer.clear()
                    if self._closed:
                        return
                    continue
                logger.warning("sending results failed (%s); trying again", error)
                time.sleep(RETRY_SECONDS)
                continue
            except (httpx.HTTPError, ValueError, KeyError) as error:
                logger.warning("sending results failed (%s); trying again", error)
                time.sleep(RETRY_SECONDS)
                continue
            if last:
                with self._lock:
                    if not self._buffer:
                        return


@dataclass
class BenchWorker:
    """One bench worker process."""

    server: str
    token: str
    name: str = socket.gethostname()
    ssh_key_path: str | None = None
    work_dir: Path | None = None

    def __post_init__(self) -> None:
        """Prepare the HTTP client; nothing is sent yet."""
        self.client = httpx.Client(
            base_url=self.server.rstrip("/"),
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            timeout=httpx.Timeout(30.0, read=90.0),
        )
        self.worker_id = 0
        self.heartbeat_seconds = 15.0
        self.poll_seconds = 25
        self._running: dict[str, threading.Event] = {}
        self._stop = threading.Event()

    def register(self) -> None:
        """Register (again) with the server, waiting for it to be reachable."""
        while not self._stop.is_set():
            try:
                response = self.client.post(
                    "/api/v1/bench/workers",
                    json={"name": self.name, "version": _version(), "ssh_key_path": self.ssh_key_path},
                )
                response.raise_for_status()
            except httpx.HTTPStatusError as error:
                raise SystemExit(f"Kierto refused the bench worker: {error.response.text}") from error
            except httpx.HTTPError as error:
                logger.warning("Kierto cannot be reached (%s); trying again", error)
                time.sleep(RETRY_SECONDS)
                continue
            body: dict[str, Any] = response.json()
            self.worker_id = int(body["worker_id"])
            self.heartbeat_seconds = float(body["heartbeat_seconds"])
            self.poll_seconds = int(body["poll_seconds"])
            logger.info("registered as worker %s of site %s", self.worker_id, body["site_code"])
            return

    def _heartbeats(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            try:
                response = self.client.post(
                    f"/api/v1/bench/workers/{self.worker_id}/heartbeat", json={"running": list(self._running)}
                )
                response.raise_for_status()
                for ident in response.json()["cancel"]:
                    if ident in self._running:
                        logger.info("job %s was canceled on the server", ident)
                        self._running[ident].set()
            except httpx.HTTPError as error:
                logger.warning("heartbeat failed (%s)", error)

    def run_one(self) -> bool:
        """Wait for one job and run it; False when none came."""
        response = self.client.get(
            f"/api/v1/bench/workers/{self.worker_id}/jobs/next", params={"wait": self.poll_seconds}
        )
        if response.status_code == 204:
            return False
        response.raise_for_status()
        ident = response.headers["X-Kierto-Job"]
        cancel = threading.Event()
        self._running[ident] = cancel
        logger.info("running job %s", ident)
        uploader = ResultUploader(self.client, self.worker_id, ident, cancel)
        try:
            status = work(io.BytesIO(response.content), uploader, cancel=cancel, work_dir=self.work_dir)  # type: ignore[arg-type]
        finally:
            uploader.close()
            self._running.pop(ident, None)
        logger.info("job %s ended: %s", ident, status.value)
        return True

    def serve(self) -> None:
        """Stop what a killed predecessor left running, register, then heartbeat and take jobs until stopped."""
        killed = stop_dead_workers_leftovers(self.work_dir)
        if killed:
            logger.warning("stopped %s Ansible processes that an earlier bench worker left running", killed)
        self.register()
        threading.Thread(target=self._heartbeats, name="kierto-heartbeat", daemon=True).start()
        while not self._stop.is_set():
            try:
                self.run_one()
            except httpx.HTTPStatusError as error:
                if error.response.status_code == 404:
                    self.register()  # the server forgot us (e.g. a new database): register again
                else:
                    logger.warning("the server answered %s; trying again", error.response.status_code)
                    time.sleep(RETRY_SECONDS)
            except httpx.HTTPError as error:
                if self._stop.is_set():
                    break
                logger.warning("Kierto cannot be reached (%s); trying again", error)
                time.sleep(RETRY_SECONDS)

    def stop(self) -> None:
        """Stop taking jobs and cancel the running ones."""
        self._stop.set()
        for cancel in self._running.values():
            cancel.set()
        with contextlib.suppress(Exception):
            self.client.close()
