"""Choice sets of the runs area: kinds and states of runs, executors, connections, checklist items."""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_


class RunKind(StrEnum):
    """What a run does to the machines on the bench."""

    SCAN = "scan"
    WIPE = "wipe"
    PROVISION = "provision"


RUN_KIND_LABELS = {
    RunKind.SCAN: N_("Hardware scan"),
    RunKind.WIPE: N_("Wipe"),
    RunKind.PROVISION: N_("Installation"),
}


class RunState(StrEnum):
    """Where a run is: waiting, going, or how it ended."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    CANCELED = "canceled"
    TIMEOUT = "timeout"
    ERROR = "error"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        """True for the states that end a run."""
        return self not in (RunState.QUEUED, RunState.RUNNING)


ACTIVE_RUN_STATES = (RunState.QUEUED.value, RunState.RUNNING.value)

RUN_STATE_LABELS = {
    RunState.QUEUED: N_("waiting"),
    RunState.RUNNING: N_("running"),
    RunState.SUCCESSFUL: N_("done"),
    RunState.FAILED: N_("failed"),
    RunState.CANCELED: N_("canceled"),
    RunState.TIMEOUT: N_("timed out"),
    RunState.ERROR: N_("broken off"),
    RunState.INTERRUPTED: N_("interrupted"),
}


class TargetState(StrEnum):
    """How a run is going, or went, for one device."""

    PENDING = "pending"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        """True once the run is over for the device."""
        return self not in (TargetState.PENDING, TargetState.RUNNING)


TARGET_STATE_LABELS = {
    TargetState.PENDING: N_("waiting"),
    TargetState.RUNNING: N_("running"),
    TargetState.PASSED: N_("passed"),
    TargetState.FAILED: N_("failed"),
    TargetState.INTERRUPTED: N_("interrupted"),
}


class Executor(StrEnum):
    """Where a site's runs go: this server's own process, or the site's bench worker."""

    LOCAL = "local"
    WORKER = "worker"


class Connection(StrEnum):
    """How Ansible reaches a machine: SSH on the bench network, or (tests, images) a chroot or this machine."""

    SSH = "ssh"
    CHROOT = "chroot"
    LOCAL = "local"


class Pairing(StrEnum):
    """How a checked-in machine was paired with its device."""

    SERIAL = "serial"
    TAG = "tag"
    MANUAL = "manual"


class CheckResult(StrEnum):
    """The outcome of one item of the hardware checklist."""

    OK = "ok"
    FAULTY = "faulty"
    ABSENT = "absent"


CHECK_ITEMS: dict[str, str] = {
    "keyboard": N_("Keyboard"),
    "screen": N_("Screen"),
    "webcam": N_("Webcam"),
    "microphone": N_("Microphone"),
    "wifi": N_("Wi-Fi"),
    "usb_ports": N_("USB ports"),
}
CHECK_RESULT_LABELS = {
    CheckResult.OK: N_("works"),
    CheckResult.FAULTY: N_("faulty"),
    CheckResult.ABSENT: N_("not present"),
}
ESSENTIAL_ITEMS = frozenset({"keyboard", "screen", "wifi", "usb_ports"})


class ProfileStatus(StrEnum):
    """Whether a profile can be chosen for new installations."""

    ACTIVE = "active"
    RETIRED = "retired"


class ReverificationResult(StrEnum):
    """What an independent re-verification found."""

    PASSED = "passed"
    FAILED = "failed"
