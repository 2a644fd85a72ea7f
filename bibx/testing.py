"""The plugin author's kit: what bibx's own tests use, for a plugin's test-suite.

Everything works from an installed bibx (the sample papers are packaged with it)::

    from bibx.testing import check_writer, run_cli, recording_context
    from my_plugin import SPEC

    def test_the_checklist():
        check_writer(SPEC)                      # every sample paper, hostile text, streaming

    def test_the_cli(tmp_path):
        result = run_cli(["export", "in.txt", "--format", "myformat"])
        assert result.exit_code == 0, result.stderr

* :func:`run_cli` runs ``bibx`` in-process (stdout and stderr apart, on every click bibx allows);
* :func:`host_with` is a fresh plugin host, :func:`collect_papers` reads files as ``bibx export`` does;
* :func:`seed_files` and :func:`seed_papers` are real listings and their 200 papers;
* :func:`recording_context` is a :class:`~bibx.specs.WriteContext` whose reports a test can read,
  :func:`write_papers` runs a writer on papers and returns its text and reports;
* :func:`check_writer`, :func:`check_reader` and :func:`hostile_papers` are bibx's checklist.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import click.testing

from bibx.model import Paper, Report
from bibx.plugin_checks import HOSTILE_TEXTS, check_reader, check_writer, hostile_papers, read_text
from bibx.sample_papers import SEED_AS_OF, collect_papers, host_with, seed_files, seed_papers
from bibx.specs import WriteContext, WriterSpec

__all__ = [
    "HOSTILE_TEXTS",
    "SEED_AS_OF",
    "Written",
    "check_reader",
    "check_writer",
    "collect_papers",
    "host_with",
    "hostile_papers",
    "read_text",
    "recording_context",
    "run_cli",
    "seed_files",
    "seed_papers",
    "write_papers",
]


def run_cli(args: Iterable[str], input: str | bytes | None = None, plugins: Iterable[object] = ()) -> click.testing.Result:
    """Run ``bibx ARGS`` in-process; ``plugins`` are registered inline beside the installed ones.

    The result's ``stdout`` and ``stderr`` are kept apart, and ``output`` holds both, on every click
    bibx allows (8.1 mixes them unless told not to, and its ``output`` is then stdout alone; 8.2
    removed the switch and always keeps all three).
    """
    from bibx import cli

    click_8_1 = "mix_stderr" in inspect.signature(click.testing.CliRunner.__init__).parameters
    keep_stderr_apart: dict[str, Any] = {"mix_stderr": False} if click_8_1 else {}
    runner = click.testing.CliRunner(**keep_stderr_apart)
    result = runner.invoke(cli.main, list(args), input=input, obj={"plugins": list(plugins)}, catch_exceptions=False)
    if click_8_1:
        result.__class__ = _Click81Result
    return result


class _Click81Result(click.testing.Result):
    """click 8.1's result with ``output`` as 8.2 defines it, everything printed (here stdout, then stderr)."""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def recording_context(options: Mapping[str, str] | None = None) -> tuple[WriteContext, list[Report]]:
    """A writer context with ``options`` whose ``report`` calls land in the returned list."""
    reports: list[Report] = []
    return WriteContext(options=dict(options or {}), report=reports.append), reports


@dataclass(frozen=True)
class Written:
    """What a writer wrote for some papers, and what it reported about them."""

    text: str
    reports: list[Report]

    @property
    def rejected(self) -> list[Report]:
        return [report for report in self.reports if report.rejected]


def write_papers(spec: WriterSpec, papers: Iterable[Paper], options: Mapping[str, str] | None = None) -> Written:
    """Build ``spec``'s writer with ``options`` and write ``papers`` as an export would (errors propagate)."""
    context, reports = recording_context(options)
    out = io.StringIO()
    spec.factory(context).write(papers, out)
    return Written(out.getvalue(), reports)
