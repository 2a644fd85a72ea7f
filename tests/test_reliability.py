"""Every paper accounted for, failures isolated, writes atomic.

Each record read is written, merged, skipped by the writer or rejected by its reader, and every
skip and rejection is on stderr with file and line. A broken input, a crashing reader plugin or a
failing writer costs only what it touches: the other inputs are still exported, and ``-o FILE``
never leaves half a bibliography or a temporary file behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bibx import Paper, Provenance, ReaderSpec, Report, WriterSpec, hookimpl
from bibx.testing import SEED_AS_OF, run_cli, seed_files
from bibx_plugins.listings.grammar import is_meta_line
from tests.helpers import require_tool
from tests.test_cli import SUMMARY, summary_line

COMPACT_SEED = seed_files()[2]  # 11 papers, compact listing
PROFILE_SEED = seed_files()[3]  # 11 papers, author-profile page
GOOD_PAPERS = 11


def export(*args: str, plugins: Iterable[object] = (), input: str | None = None):
    return run_cli(["export", *args, "--as-of", SEED_AS_OF.isoformat(), "-q"], plugins=plugins, input=input)


def counts(stderr: str) -> dict[str, int]:
    match = SUMMARY.match(summary_line(stderr))
    assert match, stderr
    return dict(zip(("read", "merged", "written", "skipped", "rejected", "warnings"), map(int, match.groups()), strict=True))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def titles_written(json_text: str) -> int:
    return json_text.count('"title"')


# --- malformed input ------------------------------------------------------------------------------


def truncated_record(folder: Path) -> tuple[Path, str]:
    """A profile page cut off in the middle of its second record's title."""
    lines = PROFILE_SEED.read_text(encoding="utf-8").split("\n")
    second = [number for number, line in enumerate(lines) if is_meta_line(line)][1]
    path = folder / "truncated.txt"
    path.write_text("\n".join(lines[: second + 2])[:-10], encoding="utf-8")
    return path, f":{second + 1}: error: no author line after the title"


def date_line_without_title(folder: Path) -> tuple[Path, str]:
    """A compact listing whose first record is only its category/date line."""
    path = folder / "date-only.txt"
    path.write_text("CSJan 2, 2024\n" + COMPACT_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return path, ":1: error: a category/date line with no title after it"


def title_without_authors(folder: Path) -> tuple[Path, str]:
    path = folder / "no-authors.txt"
    path.write_text(
        "Ann Author\n\n2 Papers\n\nLGMar 2, 2024\nA Title With No Authors\n\nThe abstract comes straight after the title.\n\n"
        "LGMar 1, 2024\nA Complete Paper\n\nAnn Author, Ben Writer\n\nIts abstract.\n",
        encoding="utf-8",
    )
    return path, ":5: error: no author line after the title 'A Title With No Authors'"


def binary_file(folder: Path) -> tuple[Path, str]:
    path = folder / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return path, r":1: error: binary data \(NUL bytes\)"


def empty_file(folder: Path) -> tuple[Path, str]:
    path = folder / "empty.txt"
    path.write_text("", encoding="utf-8")
    return path, ":1: error: empty input, no papers"


def directory(folder: Path) -> tuple[Path, str]:
    path = folder / "a-folder.txt"
    path.mkdir()
    return path, ": error: is a directory, not a file"


MALFORMED = (truncated_record, date_line_without_title, title_without_authors, binary_file, empty_file, directory)


@pytest.mark.parametrize("make", MALFORMED, ids=lambda make: make.__name__)
def test_malformed_input_is_named_with_file_and_line_and_the_good_papers_are_exported(make, tmp_path: Path) -> None:
    bad, message = make(tmp_path)
    result = export(str(COMPACT_SEED), str(bad), "--format", "json")
    assert result.exit_code == 1
    assert any(re.match(rf"^bibx: {re.escape(str(bad))}{message}", line) for line in error_lines(result.stderr)), result.stderr
    assert titles_written(result.stdout) >= GOOD_PAPERS
    summary = counts(result.stderr)
    assert summary["read"] == summary["merged"] + summary["written"] + summary["skipped"] + summary["rejected"]
    assert summary["rejected"] == len(error_lines(result.stderr))


@pytest.mark.parametrize("make", MALFORMED, ids=lambda make: make.__name__)
def test_strict_mode_writes_nothing_for_malformed_input(make, tmp_path: Path) -> None:
    bad, _ = make(tmp_path)
    target = tmp_path / "refs.json"
    result = export(str(COMPACT_SEED), str(bad), "-o", str(target), "--strict")
    assert result.exit_code == 1
    assert not target.exists()
    assert not list(tmp_path.glob(".bibx-*"))


def ten_megabyte_line_listing(folder: Path) -> Path:
    """A profile page whose second record has a 10 MB title line between two good records."""
    path = folder / "huge-line.txt"
    record = "LGMar {day}, 2024\n{title}\n\nAnn Author, Ben Writer\n\nAn abstract.\n\n"
    with path.open("w", encoding="utf-8") as out:
        out.write("Ann Author\n\n3 Papers\n\n")
        out.write(record.format(day=1, title="A Good Paper"))
        out.write(record.format(day=2, title="word " * 2_000_000))
        out.write(record.format(day=3, title="Another Good Paper"))
    return path


def test_a_ten_megabyte_line_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    bad = ten_megabyte_line_listing(tmp_path)
    result = export(str(COMPACT_SEED), str(bad), "--format", "json")
    assert result.exit_code == 1
    assert any(line.startswith(f"bibx: {bad}:12: error: ") for line in error_lines(result.stderr)), result.stderr
    assert titles_written(result.stdout) == GOOD_PAPERS + 2


def test_a_named_reader_meeting_a_binary_file_costs_only_that_file(tmp_path: Path) -> None:
    bad, _ = binary_file(tmp_path)
    result = export(str(bad), str(COMPACT_SEED), "--from", "compact", "--format", "json")
    assert result.exit_code == 1
    assert f"bibx: {bad}:1: error: binary data (NUL bytes), not a text listing" in result.stderr
    assert titles_written(result.stdout) == GOOD_PAPERS


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc/self/mem, a file whose read fails")
def test_a_file_that_fails_to_read_is_reported_not_a_traceback() -> None:
    result = export("/proc/self/mem", str(COMPACT_SEED), "--format", "json")
    assert result.exit_code == 1
    assert "bibx: /proc/self/mem: error: cannot be read: Input/output error" in result.stderr
    assert titles_written(result.stdout) == GOOD_PAPERS


@pytest.mark.parametrize(("seed", "opening", "line"), [(COMPACT_SEED, "CLAug 10, 2024Code", 1), (seed_files()[0], "IRMar 20, 2022", 19)])
def test_a_record_with_a_mistyped_opening_line_is_reported_at_that_line(seed: Path, opening: str, line: int, tmp_path: Path) -> None:
    listing = tmp_path / seed.name
    listing.write_text(seed.read_text(encoding="utf-8").replace(opening, opening.replace(" ", "  ", 1), 1), encoding="utf-8")
    result = export(str(listing), "--format", "json")
    assert re.search(rf"^bibx: {re.escape(str(listing))}:{line}: (error|warning): ", result.stderr, re.M), result.stderr


def test_every_record_of_a_mixed_batch_is_accounted_for(tmp_path: Path) -> None:
    bad = [make(tmp_path)[0] for make in MALFORMED]
    result = export(*map(str, seed_files()), *map(str, bad), "--format", "json")
    assert result.exit_code == 1
    summary = counts(result.stderr)
    assert summary["read"] == summary["merged"] + summary["written"] + summary["skipped"] + summary["rejected"]
    assert summary["written"] == titles_written(result.stdout) >= 200
    errors = error_lines(result.stderr)
    assert summary["rejected"] == len(errors) >= len(MALFORMED)
    assert all(re.match(r"^bibx: \S+(:\d+)?: error: ", line) for line in errors)


# --- failures isolated ----------------------------------------------------------------------------

EXPLOSIVE_MARK = "EXPLOSIVE LISTING"


class ExplosiveReaderPlugin:
    """A reader plugin with a bug: it reads one paper, then raises on the third line."""

    @staticmethod
    def read(lines: Iterable[str], context) -> Iterator[Paper | Report]:
        for number, line in enumerate(lines, start=1):
            if number == 2:
                yield Paper(title=line, sources=(Provenance(context.path, number, context.reader),))
            if number == 3:
                raise ValueError("unexpected third line")

    @hookimpl
    def bibx_register_readers(self, register) -> None:
        register(ReaderSpec("explosive", "crashes", self.read, lambda head: 1.0 if head[:1] == [EXPLOSIVE_MARK] else 0.0))


class BadSnifferPlugin:
    @hookimpl
    def bibx_register_readers(self, register) -> None:
        register(ReaderSpec("badsniff", "sniff raises", lambda lines, context: iter(()), lambda head: 1 / 0))


def test_a_crashing_reader_costs_only_the_rest_of_its_own_input(tmp_path: Path) -> None:
    explosive = tmp_path / "explosive.txt"
    explosive.write_text(f"{EXPLOSIVE_MARK}\nThe One Paper Read Before The Crash\nboom\nnever read\n", encoding="utf-8")
    result = export(str(explosive), str(COMPACT_SEED), "--format", "json", plugins=[ExplosiveReaderPlugin()])
    assert result.exit_code == 1
    message = f"bibx: {explosive}:3: error: the explosive reader (plugin 'ExplosiveReaderPlugin') failed: ValueError: unexpected third line"
    assert message in result.stderr
    assert "The One Paper Read Before The Crash" in result.stdout
    assert titles_written(result.stdout) == GOOD_PAPERS + 1


def test_a_reader_whose_sniff_raises_is_named_and_detection_goes_on() -> None:
    result = export(str(COMPACT_SEED), "--format", "json", plugins=[BadSnifferPlugin()])
    assert result.exit_code == 0
    assert "the badsniff reader (plugin 'BadSnifferPlugin') failed to sniff an input: ZeroDivisionError" in result.stderr
    assert titles_written(result.stdout) == GOOD_PAPERS


def test_an_author_list_ending_in_a_comma_is_read_not_a_reader_crash(tmp_path: Path) -> None:
    listing = tmp_path / "compact.txt"
    listing.write_text("CLAug 10, 2024\nA Title For TestingYuze Zhao, Jintao Huang,\nThe abstract.\n", encoding="utf-8")
    result = export(str(listing), "--format", "json")
    assert "reader (plugin" not in result.stderr
    assert counts(result.stderr)["read"] == 1


def test_a_long_comma_separated_line_is_read_in_linear_time(tmp_path: Path) -> None:
    listing = tmp_path / "compact.txt"
    # Every part looks like a name and none holds the title's end: the split is tried at every comma.
    listing.write_text("CLAug 10, 2024\n" + "Ab Cd, " * 6000 + "Ab Cd\nThe abstract.\n", encoding="utf-8")
    command = [require_tool("bibx"), "export", str(listing), "--from", "compact", "--format", "json", "-q"]
    try:
        subprocess.run(command, capture_output=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("a 42 kB line took more than 10 s")


# --- writer reports and atomic output -------------------------------------------------------------


class HalfWriter:
    """Writes the first half of the papers, then fails: a writer plugin with a bug."""

    def __init__(self, context) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out) -> None:
        for number, paper in enumerate(papers, start=1):
            out.write(f"{paper.key}: {paper.title}\n")
            out.flush()
            if number == GOOD_PAPERS // 2:
                raise OSError("the plugin lost its connection")


class SkippingWriter:
    """Skips every paper without a date, reporting each, as the writer contract asks."""

    def __init__(self, context) -> None:
        self.context = context

    def write(self, papers: Iterable[Paper], out) -> None:
        for paper in papers:
            if paper.date is None:
                origin = paper.origin
                self.context.report(Report("no date, not written", origin.path, origin.line, rejected=True))
                continue
            out.write(f"{paper.key}\n")


class ThrowawayWriters:
    @hookimpl
    def bibx_register_writers(self, register) -> None:
        register(WriterSpec("half", "fails half-way", ("half",), "text/plain", HalfWriter))
        register(WriterSpec("skipping", "skips undated papers", ("skip",), "text/plain", SkippingWriter))


def test_a_writer_failing_half_way_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "refs.half"
    target.write_text("the good bibliography of yesterday\n", encoding="utf-8")
    result = export(str(COMPACT_SEED), "-o", str(target), plugins=[ThrowawayWriters()])
    assert result.exit_code == 3
    assert "the half writer (plugin 'ThrowawayWriters') failed: OSError: the plugin lost its connection" in result.stderr
    assert target.read_text(encoding="utf-8") == "the good bibliography of yesterday\n"
    assert sorted(os.listdir(tmp_path)) == ["refs.half"]


def test_a_writer_failing_half_way_creates_no_file(tmp_path: Path) -> None:
    result = export(str(COMPACT_SEED), "-o", str(tmp_path / "new.half"), plugins=[ThrowawayWriters()])
    assert result.exit_code == 3
    assert os.listdir(tmp_path) == []


def test_papers_a_writer_skips_are_reported_and_counted(tmp_path: Path) -> None:
    daily = seed_files()[4]  # a feed: no paper has a publication date
    result = export(str(COMPACT_SEED), str(daily), "--format", "skipping", "--no-merge", plugins=[ThrowawayWriters()])
    assert result.exit_code == 1
    summary = counts(result.stderr)
    assert (summary["read"], summary["written"], summary["skipped"]) == (GOOD_PAPERS + 137, GOOD_PAPERS, 137)
    assert len(re.findall(rf"^bibx: {re.escape(str(daily))}:\d+: error: no date, not written$", result.stderr, re.M)) == 137
    assert len(result.stdout.splitlines()) == GOOD_PAPERS


def test_strict_mode_keeps_the_previous_file_when_a_writer_skips(tmp_path: Path) -> None:
    target = tmp_path / "refs.skip"
    target.write_text("previous\n", encoding="utf-8")
    result = export(str(seed_files()[4]), "-o", str(target), "--strict", plugins=[ThrowawayWriters()])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["refs.skip"]


def test_a_successful_export_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old", encoding="utf-8")
    assert export(str(COMPACT_SEED), "-o", str(target)).exit_code == 0
    assert titles_written(target.read_text(encoding="utf-8")) == GOOD_PAPERS
    assert os.listdir(tmp_path) == ["refs.json"]


# --- inputs that are not plain files --------------------------------------------------------------


def test_standard_input_is_read_twice_for_merging() -> None:
    listing = COMPACT_SEED.read_text(encoding="utf-8")
    result = export("-", str(COMPACT_SEED), "--format", "json", input=listing)
    assert result.exit_code == 0
    assert counts(result.stderr) == {"read": 22, "merged": 11, "written": 11, "skipped": 0, "rejected": 0, "warnings": 0}


def test_a_pipe_such_as_process_substitution_is_read_like_stdin(tmp_path: Path) -> None:
    pipe = tmp_path / "listing-pipe"
    os.mkfifo(pipe)
    feeder = threading.Thread(target=lambda: pipe.write_bytes(COMPACT_SEED.read_bytes()), daemon=True)
    feeder.start()
    result = export(str(pipe), "--format", "json")
    feeder.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert titles_written(result.stdout) == GOOD_PAPERS
    assert f'"path": "{pipe}"' in result.stdout


# --- a replace is a decision: an incomplete export keeps the -o file byte for byte ----------------

LIBRARY = b"% kept by hand\n@article{kept2020,\n  title = {The Old Library},\n  author = {Ann Keeper},\n  journal = {J},\n  year = {2020},\n}\n"


def garbage_input(folder: Path) -> Path:
    path = folder / "garbage.bin"
    path.write_bytes(b"\x00\x01\x02 not a listing \xff")
    return path


def unrecognised_text(folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("shopping list\n- milk\n- bread\n", encoding="utf-8")
    return path


def missing_input(folder: Path) -> Path:
    return folder / "nope.txt"


def explosive_input(folder: Path) -> Path:
    path = folder / "explosive.txt"
    path.write_text(f"{EXPLOSIVE_MARK}\nThe One Paper Read Before The Crash\nboom\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", [missing_input, garbage_input, unrecognised_text, explosive_input], ids=lambda make: make.__name__)
@pytest.mark.parametrize("merge", [[], ["--no-merge"]], ids=["merge", "no-merge"])
def test_an_input_that_cannot_be_read_leaves_the_output_file_byte_identical(bad, merge: list[str], tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_bytes(LIBRARY)
    bad_input = bad(tmp_path)
    result = export(str(COMPACT_SEED), str(bad_input), "-o", str(target), "--format", "bibtex", *merge, plugins=[ExplosiveReaderPlugin()])
    assert result.exit_code == 1
    assert f"Error: {target} not replaced: not every input could be read ({bad_input}" in result.stderr
    assert "--force writes the papers that were read" in result.stderr
    assert target.read_bytes() == LIBRARY
    assert not list(tmp_path.glob(".bibx-*"))


def test_force_writes_the_papers_that_were_read(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old", encoding="utf-8")
    result = export(str(COMPACT_SEED), str(tmp_path / "nope.txt"), "-o", str(target), "--force")
    assert result.exit_code == 1
    assert titles_written(target.read_text(encoding="utf-8")) == GOOD_PAPERS


def test_a_typo_in_the_name_of_the_library_merged_into_keeps_it(tmp_path: Path) -> None:
    library = tmp_path / "mylib.bib"
    library.write_bytes(LIBRARY)
    result = export(str(tmp_path / "mylb.bib"), str(COMPACT_SEED), "--format", "bibtex", "-o", str(library))
    assert result.exit_code == 1
    assert f"{tmp_path / 'mylb.bib'}: error: no such file" in result.stderr
    assert library.read_bytes() == LIBRARY


def test_an_input_the_writer_cannot_keep_verbatim_is_not_rewritten_without_force(tmp_path: Path) -> None:
    library = tmp_path / "refs.csl.json"
    library.write_text('[{"id": "kept2020", "type": "book", "title": "The Old Library", "publisher": "P", "custom": {"x": 1}}]\n', encoding="utf-8")
    before = library.read_bytes()
    result = export(str(library), str(COMPACT_SEED), "-o", str(library))
    assert result.exit_code == 1
    assert f"{library} not replaced: it is also an input" in result.stderr
    assert library.read_bytes() == before
    forced = export(str(library), str(COMPACT_SEED), "-o", str(library), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert library.read_text(encoding="utf-8").count('"title"') == GOOD_PAPERS + 1
