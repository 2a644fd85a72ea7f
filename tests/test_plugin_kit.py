"""The plugin author's kit (bibx.testing): bibx's own formats pass its checklist, and it catches what it promises to.

The kit's use from an installed bibx (packaged samples, a third-party test-suite) is in
tests/test_plugin_ecosystem.py.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import click.testing
import pytest

from bibx import Paper, Provenance, ReadContext, ReaderSpec, Report, WriteContext, WriterSpec
from bibx import sample_papers as samples
from bibx.plugins import PluginHost
from bibx.sources import clean_line
from bibx.testing import (
    HOSTILE_TEXTS,
    check_reader,
    check_writer,
    host_with,
    hostile_papers,
    read_text,
    recording_context,
    run_cli,
    seed_files,
    seed_papers,
    write_papers,
)
from bibx.validation import paper_problems

REPO = Path(__file__).resolve().parent.parent
# Each built-in writer and the reader of what it writes; the formatted references have none, and
# need every paper before writing the first (disambiguation), so they do not stream.
READER_OF = {"bibtex": "bibtex", "biblatex": "bibtex", "csljson": "csljson", "ndjson": "csljson", "ris": "ris", "json": "json", "refs": None}


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return host_with()


def test_the_samples_are_the_seed_dumps_of_the_source_tree_here() -> None:
    assert seed_files() == sorted((REPO / "seeds").glob("*.txt")) and len(seed_files()) == 5
    assert len(seed_papers()) == 200


def test_an_installed_copy_of_the_samples_comes_first_and_none_at_all_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = tmp_path / "samples"
    installed.mkdir()
    (installed / "000.txt").write_text("copy", encoding="utf-8")
    monkeypatch.setattr(samples, "SAMPLE_FOLDERS", (installed, REPO / "seeds"))
    assert seed_files() == [installed / "000.txt"]
    monkeypatch.setattr(samples, "SAMPLE_FOLDERS", (tmp_path / "absent", tmp_path / "gone"))
    with pytest.raises(FileNotFoundError, match="sample dumps are missing"):
        seed_files()


def test_the_wheel_carries_the_samples_as_package_data() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"bibx.samples" = "seeds"' in pyproject and '"bibx.samples" = ["*.txt"]' in pyproject


def test_every_hostile_paper_is_one_a_reader_may_yield() -> None:
    papers = hostile_papers()
    assert len(papers) == len(HOSTILE_TEXTS) + 2 and len({paper.key for paper in papers}) == len(papers)
    assert all(list(paper_problems(paper)) == [] for paper in papers)


@pytest.mark.parametrize("writer", list(READER_OF))
def test_every_builtin_writer_passes_the_checklist(host: PluginHost, writer: str) -> None:
    reader = READER_OF[writer]
    spec = host.writers.get(writer)
    assert spec is not None
    check_writer(spec, reader=host.readers.get(reader) if reader else None, streams=writer != "refs")


def test_the_builtin_writers_are_all_checked(host: PluginHost) -> None:
    assert set(host.writers.specs) == set(READER_OF)


@pytest.mark.parametrize("reader", ["profile", "compact", "daily", "bibtex", "csljson", "ris", "json"])
def test_every_builtin_reader_passes_the_checklist_with_a_sample(host: PluginHost, reader: str) -> None:
    spec = host.readers.get(reader)
    assert spec is not None
    check_reader(spec, sample=builtin_sample(reader, host))


def builtin_sample(reader: str, host: PluginHost) -> str:
    """A text in the reader's format: a seed dump for the listings, else a writer's output of a few seed papers."""
    dumps = {"profile": 0, "compact": 2, "daily": 4}
    if reader in dumps:
        return seed_files()[dumps[reader]].read_text(encoding="utf-8")
    writer = host.writers.get(reader)
    assert writer is not None
    return write_papers(writer, seed_papers()[:5]).text


# --- what the checklist catches ----------------------------------------------------------------


class LineWriter:
    """One title per line: the simplest writer, and easy to get wrong in the ways the checklist looks for."""

    def __init__(self, context: WriteContext, line: Callable[[Paper], str], hold: bool = False, reject: bool = False) -> None:
        self.context, self.line, self.hold, self.reject = context, line, hold, reject

    def write(self, papers: Iterable[Paper], out: TextIO) -> None:
        lines = []
        for paper in papers:
            if self.reject:  # rejected: reported, not written
                origin = paper.origin
                self.context.report(Report("cannot", origin.path if origin else "?", origin.line if origin else None, rejected=True))
                continue
            lines.append(self.line(paper))
            if not self.hold:
                out.write(lines.pop())
        out.writelines(lines)


def line_writer(line: Callable[[Paper], str], **behaviour: bool) -> WriterSpec:
    return WriterSpec("lines", "one title per line", ("txt",), "text/plain", lambda context: LineWriter(context, line, **behaviour))


def read_lines(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield Paper(line.strip(), sources=(Provenance(context.path, number, context.reader),))


LINES = ReaderSpec("lines", "one title per line", read_lines)


def one_line(paper: Paper) -> str:
    """The title on one line, without control characters (bibx reads a text with a NUL as binary)."""
    return " ".join(clean_line(paper.title).split()) + "\n"


def failures(check: Callable[[], None]) -> str:
    with pytest.raises(AssertionError) as failed:
        check()
    return str(failed.value)


def test_a_careful_line_writer_passes() -> None:
    check_writer(line_writer(one_line), reader=LINES)


def test_a_writer_that_raises_on_hostile_text_fails() -> None:
    def fussy(paper: Paper) -> str:
        if "\x00" in paper.title:
            raise ValueError("NUL in a title")
        return one_line(paper)

    assert "raised ValueError: NUL in a title while writing the hostile papers" in failures(lambda: check_writer(line_writer(fussy)))


def test_a_writer_whose_line_breaks_split_a_paper_fails_the_read_back() -> None:
    message = failures(lambda: check_writer(line_writer(lambda paper: paper.title + "\n"), reader=LINES))
    assert re.search(r"wrote 9 hostile papers; 'lines' read back \d+ papers", message)


def test_a_writer_holding_papers_back_fails_unless_it_says_it_does_not_stream() -> None:
    assert "held back paper 1" in failures(lambda: check_writer(line_writer(one_line, hold=True)))
    check_writer(line_writer(one_line, hold=True), streams=False)


def test_a_writer_rejecting_sample_papers_fails() -> None:
    message = failures(lambda: check_writer(line_writer(one_line, reject=True), reader=LINES, papers=seed_papers()[:2]))
    assert "rejected a sample paper: " in message and "wrote nothing for the sample papers" in message
    assert "held back" not in message  # a paper rejected is a paper dealt with


def test_a_writer_whose_titles_change_on_the_way_back_fails() -> None:
    message = failures(lambda: check_writer(line_writer(lambda paper: one_line(paper).upper()[::-1] + "\n"), reader=LINES, papers=seed_papers()[:1]))
    assert "read back with title" in message


def test_a_writer_of_text_no_file_can_hold_fails() -> None:
    assert "a UTF-8 file cannot hold" in failures(lambda: check_writer(line_writer(lambda paper: "\ud800\n")))


def reader_of(read: Callable[[Iterable[str], ReadContext], Iterator[Any]], sniff: Callable[[Sequence[str]], float] | None = None) -> ReaderSpec:
    return ReaderSpec("broken", "a reader with a flaw", read, sniff)


def test_a_careful_reader_passes() -> None:
    check_reader(LINES, sample="A title\nAnother\n")


def test_a_reader_raising_on_hostile_text_fails() -> None:
    def strict(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
        for line in lines:
            if not line.isascii():
                raise ValueError("not ASCII")
            yield from read_lines([line], context)

    message = failures(lambda: check_reader(reader_of(strict)))
    assert "on emoji: read raised ValueError: not ASCII" in message and "on right-to-left: read raised ValueError" in message


def test_a_reader_sees_lines_as_bibx_hands_them_over() -> None:
    """Control characters and tabs are gone before a reader sees a line (the guide promises it), so a reader may rely on that."""

    def trusting(lines: Iterable[str], context: ReadContext) -> Iterator[Paper | Report]:
        for line in lines:
            if any(char < " " for char in line):
                raise ValueError("a control character reached the reader")
            yield from read_lines([line], context)

    check_reader(reader_of(trusting))


def test_a_reader_yielding_malformed_or_unplaced_papers_fails() -> None:
    def careless(lines: Iterable[str], context: ReadContext) -> Iterator[Any]:
        yield {"title": "a dict"}
        yield Paper("nowhere")

    message = failures(lambda: check_reader(reader_of(careless)))
    assert "read yielded a dict, not a Paper or Report" in message and "does not say where it was read from" in message


def test_a_reader_with_state_between_readings_fails() -> None:
    count = iter(range(1_000_000))

    def counting(lines: Iterable[str], context: ReadContext) -> Iterator[Paper]:
        yield Paper(f"Paper {next(count)}", sources=(Provenance(context.path, 1, context.reader),))

    assert "read yielded something else the second time" in failures(lambda: check_reader(reader_of(counting)))


def test_a_sniffer_out_of_range_or_raising_fails() -> None:
    message = failures(lambda: check_reader(reader_of(read_lines, sniff=lambda head: 2.0)))
    assert "sniff answered 2.0, not a number from 0 to 1" in message
    assert "sniff raised IndexError" in failures(lambda: check_reader(reader_of(read_lines, sniff=lambda head: float(len(head[0]) > 1e9))))


def test_a_sample_the_reader_does_not_claim_or_read_fails() -> None:
    message = failures(lambda: check_reader(reader_of(read_lines, sniff=lambda head: 0.0), sample="\n\n"))
    assert "read no paper from the sample" in message and "does not claim the sample" in message


# --- the other tools ---------------------------------------------------------------------------


def test_a_recording_context_shows_the_writers_reports_and_options() -> None:
    context, reports = recording_context({"heading": "Mine"})
    context.report(Report("lost a field", "in.txt", 3))
    assert context.options == {"heading": "Mine"} and [str(report) for report in reports] == ["in.txt:3: warning: lost a field"]
    written = write_papers(line_writer(one_line, reject=True), [Paper("A", key="a", sources=(Provenance("in.txt", 7, "lines"),))])
    assert written.text == "" and [str(report) for report in written.rejected] == ["in.txt:7: error: cannot"]


def test_read_text_reads_with_the_given_reader_alone() -> None:
    papers, reports = read_text(LINES, "One\n\nTwo\n")
    assert [paper.title for paper in papers] == ["One", "Two"] and reports == []


def test_run_cli_keeps_stderr_apart() -> None:
    result = run_cli(["export", str(seed_files()[0]), "--format", "json", "--as-of", "2026-11-25"])
    assert result.exit_code == 0 and result.stdout.startswith("[") and "read 21" in result.stderr and "read 21" not in result.stdout


def test_run_cli_asks_click_8_1_to_keep_stderr_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """click 8.1's CliRunner mixes stderr into stdout unless ``mix_stderr=False`` (8.2 removed the parameter)."""
    made: list[dict[str, object]] = []
    real_mixes = "mix_stderr" in inspect.signature(click.testing.CliRunner.__init__).parameters  # running on click 8.1 itself

    class Click81Runner(click.testing.CliRunner):
        def __init__(self, mix_stderr: bool = True, **rest: Any) -> None:
            made.append({"mix_stderr": mix_stderr})
            super().__init__(**({"mix_stderr": mix_stderr} if real_mixes else {}), **rest)

    monkeypatch.setattr(click.testing, "CliRunner", Click81Runner)
    result = run_cli(["export", "--format", "no-such-format", str(seed_files()[0])])
    assert made == [{"mix_stderr": False}]
    assert result.exit_code == 2 and "no-such-format" in result.stderr and "no-such-format" in result.output and result.stdout == ""



def test_a_writer_passing_control_characters_on_fails() -> None:
    message = failures(lambda: check_writer(line_writer(lambda paper: " ".join(paper.title.split()) + "\n"), reader=LINES))
    assert "wrote the control character '\\x00' (from the hostile papers)" in message
    assert "read back 0 papers and 1 rejected records (binary data (NUL bytes), not a text listing)" in message


def test_a_report_about_a_paper_is_placed_where_the_paper_was_read() -> None:
    read = Paper("Read", sources=(Provenance("dump.txt", 12, "profile"),), key="k1")
    assert Report.about(read, "odd", rejected=True) == Report("odd", "dump.txt", 12, rejected=True, raw="Read")
    assert str(Report.about(Paper("Made", key="k2"), "odd")) == "k2: warning: odd"

