"""One process reads each input once: the first pass's papers and reports are replayed by the second."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibx import ReaderSpec, hookimpl
from bibx.accounting import Accounting
from bibx.model import Paper, Report
from bibx.pipeline import ExportRequest, ReadRequest, export
from bibx.plugins import PluginHost
from bibx.reading import Reading, open_inputs
from bibx.sample_papers import SEED_AS_OF, host_with, seed_files

BROKEN_LISTING = "Daily Papers\nDec 3\nA title that is long enough to be one\n\xff broken bytes line\nAn abstract. " * 3


class _CountingDaily:
    """The Daily Papers reader under another name, counting how often an input is read."""

    reads = 0

    @hookimpl
    def bibx_register_readers(self, register) -> None:  # noqa: ANN001
        from bibx_plugins.listings import daily

        def read(lines, context):  # noqa: ANN001, ANN202
            _CountingDaily.reads += 1
            yield from daily.read(lines, context)

        register(ReaderSpec("counting", "Daily Papers, counted", read))


def test_an_export_reads_each_input_once(tmp_path: Path) -> None:
    page = next(path for path in seed_files() if "Daily Papers" in path.read_text(encoding="utf-8"))
    _CountingDaily.reads = 0
    request = ExportRequest(ReadRequest([str(page)], reader="counting", as_of=SEED_AS_OF), "bibtex", str(tmp_path / "out.bib"), jobs=1)
    summary = export(request, host_with(_CountingDaily()), lambda _report: None)
    assert summary.written > 0
    assert _CountingDaily.reads == 1


def _second_pass(host: PluginHost, inputs: list[Path], spool: Path | None) -> tuple[list[Paper], list[Report], str, dict[str, Report]]:
    reports: list[Report] = []
    accounting = Accounting(reports.append)
    request = ReadRequest([str(path) for path in inputs], as_of=SEED_AS_OF)
    opened = open_inputs(request.inputs, None, host, accounting, spool or Path(inputs[0]).parent)
    papers = list(Reading.prepare(request, host, opened, accounting, spool=spool).papers())
    return papers, reports, str(accounting.summary), accounting.incomplete


@pytest.mark.parametrize("case", ["seeds", "broken"])
def test_the_replayed_pass_gives_what_reading_again_gives(case: str, tmp_path: Path) -> None:
    host = host_with()
    inputs = seed_files()
    if case == "broken":  # a line that is not UTF-8, and an input with no papers: reports in their places
        broken = tmp_path / "broken.txt"
        broken.write_bytes(BROKEN_LISTING.encode("utf-8").replace("\xff".encode(), b"\xff"))
        empty = tmp_path / "nothing.txt"
        empty.write_text("Daily Papers\nno listing here\n", encoding="utf-8")
        inputs = [broken, *inputs[:3], empty]
    spool = tmp_path / "spool"
    spool.mkdir()
    assert _second_pass(host, inputs, spool) == _second_pass(host, inputs, None)
    assert (spool / "first-pass").exists()
