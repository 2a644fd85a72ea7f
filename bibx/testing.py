"""Helpers for testing bibx and bibx plugins: a fresh plugin host, inline plugins, the CLI in-process.

Plugin authors can use these from their own test-suites::

    from bibx.testing import host_with, run_cli
    host = host_with(my_plugin_module)
    result = run_cli(["export", "in.txt", "--format", "myformat"], plugins=[my_plugin_module])
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import click.testing

from bibx.model import Paper, Report
from bibx.pipeline import Accounting, ReadRequest, read_papers
from bibx.plugins import PluginHost, load_host

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_AS_OF = dt.date(2026, 11, 25)


def host_with(*plugins: object, builtins: bool = True) -> PluginHost:
    """A new host with bibx's installed plugins (unless ``builtins=False``) plus ``plugins`` inline."""
    return load_host(entry_points=None if builtins else (), extra_plugins=plugins)


def collect_papers(files: Sequence[str | Path], as_of: dt.date = SEED_AS_OF, merge: bool = True, host: PluginHost | None = None) -> tuple[list[Paper], list[Report]]:
    """Read files as ``bibx export`` would (keys assigned) and return the papers and every report."""
    reports: list[Report] = []
    request = ReadRequest([str(file) for file in files], as_of=as_of, merge=merge)
    with tempfile.TemporaryDirectory(prefix="bibx-") as spool:
        papers = list(read_papers(request, host or load_host(), Accounting(reports.append), Path(spool)))
    return papers, reports


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed_papers() -> list[Paper]:
    """All papers of the bundled seed dumps, merged, with citation keys, as of 2026-11-25."""
    papers, _ = collect_papers(seed_files())
    return papers


def run_cli(args: Iterable[str], input: str | bytes | None = None, plugins: Iterable[object] = ()) -> click.testing.Result:
    """Run ``bibx ARGS`` in-process; ``plugins`` are registered inline beside the installed ones."""
    from bibx import cli

    runner = click.testing.CliRunner()
    return runner.invoke(cli.main, list(args), input=input, obj={"plugins": list(plugins)}, catch_exceptions=False)
