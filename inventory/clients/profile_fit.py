"""Which client accommodations a device's provisioning profile serves, for choosing a device to reserve.

A device's profile is the `profile` (slug) in the details of its latest `start_provisioning` or
`provisioned` event; what a profile offers comes from its role variables (provisioning/default_profiles.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inventory.clients.choices import Accommodation
from inventory.devices.tables import DeviceEvent
from inventory.lifecycle import Action
from provisioning.default_profiles import DEFAULT_PROFILES

# The profile variable that must be true for each accommodation; None: no profile needed.
REQUIRED_VARIABLE: dict[Accommodation, str | None] = {
    Accommodation.LARGE_TEXT: "accessibility_large_text",
    Accommodation.SCREEN_READER: "accessibility_screen_reader",
    Accommodation.HEARING_IMPAIRMENT: None,
}
PROFILE_EVENTS = (Action.START_PROVISIONING.value, Action.PROVISIONED.value)


def profile_variables(slug: str | None) -> dict[str, Any]:
    """The role variables of a known profile, or nothing."""
    for profile in DEFAULT_PROFILES:
        if profile.slug == slug:
            return dict(profile.variables)
    return {}


def missing_accommodations(needs: Iterable[Accommodation], slug: str | None) -> tuple[Accommodation, ...]:
    """The accommodations the profile does not serve."""
    variables = profile_variables(slug)
    missing = []
    for need in needs:
        variable = REQUIRED_VARIABLE[need]
        if variable is not None and not variables.get(variable):
            missing.append(need)
    return tuple(missing)


async def device_profiles(device_ids: list[int]) -> dict[int, str]:
    """The latest provisioning profile recorded for each device that has one."""
    if not device_ids:
        return {}
    events = (
        await DeviceEvent.select(DeviceEvent.device, DeviceEvent.details)
        .where(DeviceEvent.device.is_in(device_ids) & DeviceEvent.action.is_in(list(PROFILE_EVENTS)))
        .order_by(DeviceEvent.id)
        .output(load_json=True)
    )
    found: dict[int, str] = {}
    for event in events:
        slug = (event["details"] or {}).get("profile")
        if isinstance(slug, str) and slug:
            found[event["device"]] = slug
    return found
