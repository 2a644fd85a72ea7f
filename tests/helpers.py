"""Test helpers shared by the suite: real external clients are required under CI, optional locally."""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """Path of the executable ``name``; skip the test locally when missing, fail it under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (.ci/run installs it)"
    if in_ci():
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)
