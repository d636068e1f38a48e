"""When a device has waited too long at a step: the one rule the dashboard and the coordinators' reminders share."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Mapping
from typing import Any

from inventory.devices.tables import Device
from inventory.lifecycle import State


def thresholds_by_step(stuck_days: Mapping[str, int]) -> dict[State, int]:
    """The configured days per step (KIERTO_STUCK_DAYS), keyed by step, in the lifecycle's order."""
    return {state: stuck_days[state.value] for state in State if state.value in stuck_days}


def waiting_too_long(
    thresholds: Mapping[State, int],
    moment: dt.datetime,
    *,
    step: State | None = None,
    site_id: int | None = None,
) -> list[tuple[State, Any]]:
    """One condition per watched step: devices at that step since before its threshold, at `moment`
    (of one step or one site if asked). Each condition is answered along the (state, state_changed_at)
    index, longest waiting first."""
    conditions = []
    for state, days in thresholds.items():
        if step is not None and state is not step:
            continue
        condition = (Device.state == state.value) & (
            Device.state_changed_at < moment - dt.timedelta(days=days)
        )
        conditions.append((state, condition if site_id is None else (Device.site == site_id) & condition))
    return conditions


def any_of(conditions: list[tuple[State, Any]]) -> Any:
    """The conditions of `waiting_too_long` as one (there must be at least one)."""
    return functools.reduce(operator.or_, (condition for _, condition in conditions))
