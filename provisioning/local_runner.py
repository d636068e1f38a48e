"""Run a job in this process with ansible-runner, as an async stream of typed events with cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import ansible_runner

from provisioning.datadir import ansible_environment, private_data_dir, runner_arguments
from provisioning.events import RunStatus
from provisioning.handle import RunHandle, start_thread
from provisioning.leftovers import stop_leftovers
from provisioning.playbook_job import Job


def _status_of(value: Any) -> RunStatus:
    try:
        return RunStatus(str(value))
    except ValueError:
        return RunStatus.ERROR


def start_local_run(
    job: Job, *, ssh_private_key: str | None = None, work_dir: Path | None = None
) -> RunHandle:
    """Start the job on a runner thread and return its handle; call it from the running event loop.

    `ssh_private_key` is key material for SSH hosts that name no key path: ansible-runner hands it to
    ssh-agent through a FIFO, so it is never written to a file. The private data dir (under
    `work_dir` or the system temporary directory) is removed, secrets and all, when the run ends.
    """
    handle = RunHandle(job.ident, asyncio.get_running_loop())

    def run() -> None:
        status, rc, explanation = RunStatus.ERROR, None, None
        try:
            with private_data_dir(job, work_dir) as root:
                arguments = runner_arguments(job, root)
                arguments["envvars"] = ansible_environment()
                if ssh_private_key:
                    arguments.update(ssh_key=ssh_private_key, suppress_env_files=True)
                try:
                    runner = ansible_runner.run(
                        **arguments,
                        event_handler=handle.on_event,
                        status_handler=handle.on_status,
                        cancel_callback=handle.cancel_requested,
                    )
                finally:
                    stop_leftovers(root)
                status, rc = _status_of(runner.status), runner.rc
        except Exception as error:  # any failure must end the run visibly, not hang it
            explanation = f"The run could not be started: {error}"
        finally:
            handle.finish(status, rc, explanation)

    start_thread(f"kierto-run-{job.ident[:12]}", run)
    return handle
