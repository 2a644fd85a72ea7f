from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from bibx.model import Paper
from bibx.testing import seed_papers
from tests.helpers import in_ci, require_node_packages

# CI runs the same examples every time (a failure there is reproducible, not a lucky seed); a
# developer's run keeps exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if in_ci():
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def seeds() -> list[Paper]:
    """The 200 merged seed papers with keys (as of 2026-11-25); read once per test session."""
    return seed_papers()


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary with the interop packages of tests/node installed."""
    return require_node_packages()


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """Finds a file of the project's ``shared`` folder (beside or above the repository).

    A plain clone has no such folder: the test skips with the reason; under CI=true it fails.
    """

    def find(relative: str) -> Path:
        for folder in Path(__file__).resolve().parents:
            candidate = folder / "shared" / relative
            if candidate.is_file():
                return candidate
        message = f"shared/{relative} not found beside or above the repository (a plain clone has no ../shared)"
        if in_ci():
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)

    return find
