"""Every paper accounted for, failures isolated.

Each record read is written, merged, skipped by the writer or rejected by its reader, and every
skip and rejection is on stderr with file and line. A broken input, a crashing reader plugin or a
failing writer costs only what it touches: the other inputs are still exported. Atomic writes of
``-o FILE`` are in tests/test_reliability_output.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bibx import Paper, Provenance, ReaderSpec, Report, hookimpl
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
