"""Helpers the whole suite shares: finding the external tools that tests drive for real, checking row shapes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any

import msgspec
import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(name: str, hint: str = "") -> str:
    """Return the path of an executable the test needs; missing fails under CI, else skips loudly."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed{': ' + hint if hint else ''} (make test installs it as root)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")


def require(condition: bool, message: str) -> None:
    """Fail under CI, skip elsewhere, when a capability of this machine is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def assert_row_shape(row: Mapping[str, Any], shape: Any) -> None:
    """The row holds exactly the keys its TypedDict names, each value of the type it gives (msgspec checks)."""
    assert set(row) == shape.__required_keys__ | shape.__optional_keys__, (shape.__name__, sorted(row))
    msgspec.convert(row, shape, strict=False)
