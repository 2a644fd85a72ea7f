from __future__ import annotations

import pytest
from hypothesis import settings

from bibx.model import Paper
from bibx.plugins import PluginHost
from bibx.testing import host_with, seed_papers
from tests.helpers import in_ci, require_node_packages

# CI runs the same examples every time (a failure there is reproducible, not a lucky seed); a
# developer's run keeps exploring new ones. Neither times examples: speed is the benchmarks' job,
# and a loaded machine must not fail a correct property.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("dev")
if in_ci():
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def seeds() -> list[Paper]:
    """The 200 merged seed papers with keys (as of 2026-11-25); read once per test session."""
    return seed_papers()


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return host_with()


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary with the interop packages of tests/node installed."""
    return require_node_packages()
