from __future__ import annotations

import pytest

from bibx.model import Paper
from bibx.testing import seed_papers
from tests.helpers import require_node_packages


@pytest.fixture(scope="session")
def seeds() -> list[Paper]:
    """The 200 merged seed papers with keys (as of 2026-11-25); read once per test session."""
    return seed_papers()


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary with the interop packages of tests/node installed."""
    return require_node_packages()
