"""The rules across a request body's fields, and those the installation sets, stated in the OpenAPI description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inventory.runs.provisioning_profiles import RESERVED_VARIABLES, provision_variable_types
from labels import STOCKS
from provisioning.playbook_job import default_playbooks_dir

Statement = Callable[[dict[str, Any]], None]

# JSON Schema's names for the types the roles' argument specs declare (provisioning_profiles._TYPES).
_JSON_TYPES: dict[str, Any] = {
    "str": "string",
    "bool": "boolean",
    "int": "integer",
    "float": "number",
    "list": "array",
    "dict": "object",
}


def _component(described: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(described["components"]["schemas"][name])


def handover_due_date(described: dict[str, Any]) -> None:
    """A loan has a due date, a gift none (clients/handovers.py)."""
    component = _component(described, "HandoverCreate")
    component["oneOf"] = [
        {"properties": {"kind": {"const": "loan"}, "due_on": {"type": "string"}}, "required": ["due_on"]},
        {"properties": {"kind": {"const": "gift"}, "due_on": {"type": "null"}}},
    ]
    described["components"]["schemas"]["HandoverCreate"] = component


def labels_need_devices(described: dict[str, Any]) -> None:
    """Labels are made for tags, a donation or both, not for neither; the first free label is one of the
    named stock's (documents/labelling.py). Without a stock, the site's applies: that one is in the database."""
    component = _component(described, "LabelsIn")
    per_stock = [
        {
            "properties": {
                "stock": {"const": name},
                "start_position": {"maximum": stock.labels_per_page - 1},
            },
            "required": ["stock"],
        }
        for name, stock in sorted(STOCKS.items())
    ]
    component["allOf"] = [
        {
            "anyOf": [
                {"properties": {"tags": {"minItems": 1}}, "required": ["tags"]},
                {"properties": {"donation_id": {"type": "integer"}}, "required": ["donation_id"]},
            ]
        },
        {"anyOf": [*per_stock, {"properties": {"stock": {"type": "null"}}}]},
    ]
    described["components"]["schemas"]["LabelsIn"] = component


def profile_variables(described: dict[str, Any]) -> None:
    """A profile's variables are those the installation's roles document, of their types, less the ones
    Kierto sets for each device (runs/provisioning_profiles.check_variables)."""
    component = _component(described, "ProfileIn")
    known = provision_variable_types(default_playbooks_dir())
    component["properties"] = {
        **component["properties"],
        "variables": {
            "type": "object",
            "properties": {
                name: {"type": _JSON_TYPES[kind]} if kind in _JSON_TYPES else {}
                for name, kind in sorted(known.items())
                if name not in RESERVED_VARIABLES
            },
            "additionalProperties": False,
            "default": {},
        },
    }
    described["components"]["schemas"]["ProfileIn"] = component


def connection_address(local_connections: bool) -> Statement:
    """An SSH connection's address is an IP address, a chroot's an absolute path; chroot and local
    connections only where the setting allows them (runs/connections.py)."""

    def state(described: dict[str, Any]) -> None:
        component = _component(described, "ConnectionIn")
        ssh = {
            "properties": {
                "connection": {"const": "ssh"},
                "address": {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
            },
            "required": ["address"],
        }
        chroot = {
            "properties": {"connection": {"const": "chroot"}, "address": {"pattern": "^/"}},
            "required": ["address"],
        }
        local = {"properties": {"connection": {"const": "local"}}}
        component["oneOf"] = [ssh, chroot, local] if local_connections else [ssh]
        described["components"]["schemas"]["ConnectionIn"] = component

    return state


def cross_field_rules(*, local_connections: bool) -> list[Statement]:
    """Every statement above, for this server's settings."""
    return [handover_due_date, labels_need_devices, profile_variables, connection_address(local_connections)]
