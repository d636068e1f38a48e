"""The bench's batch buttons as data: each posts the selected devices (`tag=…`, repeated) to its own address.

An area that adds a batch operation (e.g. starting wipe runs on several machines) adds one entry
here; the bench shows a button only where its route exists in the app and the user may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.bench.queries import QueueStep
from inventory.i18n import N_
from inventory.permissions import Permission


@dataclass(frozen=True)
class BatchButton:
    """One button under a queue step: its words, the address its form posts to and who may use it."""

    label: str
    path: str
    permission: Permission
    steps: frozenset[QueueStep]


BATCH_BUTTONS: tuple[BatchButton, ...] = (
    BatchButton(
        N_("Mark labels attached"), "/bench/labelled", Permission.DEVICE_WORK, frozenset({QueueStep.TO_LABEL})
    ),
    BatchButton(
        N_("Start wipe"),
        "/bench/steps/start_wipe",
        Permission.DEVICE_WORK,
        frozenset({QueueStep.TO_WIPE, QueueStep.FAILED}),
    ),
    BatchButton(
        N_("Start installation"),
        "/bench/steps/start_provisioning",
        Permission.DEVICE_WORK,
        frozenset({QueueStep.TO_PROVISION, QueueStep.FAILED}),
    ),
    BatchButton(
        N_("Mark installed"),
        "/bench/steps/provisioned",
        Permission.DEVICE_WORK,
        frozenset({QueueStep.PROVISIONING}),
    ),
)
