from __future__ import annotations

import pytest

from bibx.model import Paper
from bibx.testing import seed_papers


@pytest.fixture(scope="session")
def seeds() -> list[Paper]:
    """The 200 merged seed papers with keys (as of 2026-11-25); read once per test session."""
    return seed_papers()
