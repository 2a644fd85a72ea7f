"""The command line as a user meets it: the installed console script, the summary, exit codes, JSON.

Exit codes (README): 0 everything read was written, 1 a data problem was reported, 2 usage error,
3 a writer plugin failed. Data goes to stdout or ``-o FILE``; reports and the summary to stderr.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bibx import WriterSpec, hookimpl
from bibx.testing import SEED_AS_OF, collect_papers, run_cli, seed_files
from tests.helpers import require_tool

AS_OF = ["--as-of", SEED_AS_OF.isoformat()]
SEED_SUMMARY = "bibx: read 205, merged 5, written 200, skipped 0, rejected 0, warnings 0"
SUMMARY = re.compile(r"^bibx: read (\d+), merged (\d+), written (\d+), skipped (\d+), rejected (\d+), warnings (\d+)$")
# The formats issue #7 names; each has a writer plugin of its own.
WRITERS = ("bibtex", "biblatex", "csljson", "ndjson", "ris", "refs", "json")


def seeds() -> list[str]:
    return [str(path) for path in seed_files()]


def export(*args: str, input: str | None = None, plugins: tuple[object, ...] = ()):
    return run_cli(["export", *args, *AS_OF, "-q"], input=input, plugins=plugins)


def registered_writers() -> set[str]:
    listing = run_cli(["formats"]).stdout.split("Output formats")[1]
    return {line.split()[0] for line in listing.splitlines()[1:] if line.strip()}


def summary_line(stderr: str) -> str:
    return stderr.rstrip("\n").splitlines()[-1]


class FailingWriter:
    """A writer plugin that breaks after its first paper, as a buggy third-party plugin would."""

    def __init__(self, context: object) -> None:
        self.context = context

    def write(self, papers, out) -> None:
        for paper in papers:
            out.write(f"{paper.key}\n")
            raise RuntimeError("disk on fire")


class FailingWriterPlugin:
    @hookimpl
    def bibx_register_writers(self, register) -> None:
        register(WriterSpec("failing", "breaks after one paper", ("fail",), "text/plain", FailingWriter))


@pytest.mark.parametrize("writer", WRITERS)
def test_every_issue_format_is_registered(writer: str) -> None:
    assert writer in registered_writers()


def test_the_installed_console_script_exports_the_seeds(tmp_path: Path) -> None:
    bibx = require_tool("bibx")
    target = tmp_path / "refs.json"
    done = subprocess.run([bibx, "export", *seeds(), "-o", str(target), *AS_OF], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert summary_line(done.stderr) == SEED_SUMMARY
    assert target.read_text(encoding="utf-8").count('"title"') == 200


def test_the_console_script_pipes_stdin_to_stdout_with_reports_apart() -> None:
    bibx = require_tool("bibx")
    listing = seed_files()[2].read_text(encoding="utf-8")
    done = subprocess.run([bibx, "export", "--format", "ris", *AS_OF], input=listing, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\nER  - ") == 11
    assert "TY  - " not in done.stderr
    assert summary_line(done.stderr) == "bibx: read 11, merged 0, written 11, skipped 0, rejected 0, warnings 0"


def test_the_console_script_exits_with_the_documented_code_for_a_usage_error() -> None:
    done = subprocess.run([require_tool("bibx"), "export", *seeds(), "--format", "nonesuch"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "unknown output format 'nonesuch'" in done.stderr


@pytest.mark.parametrize("writer", sorted({"bibtex", "biblatex", "csljson", "ndjson", "ris", "json"}))
def test_every_export_ends_with_a_summary_that_accounts_for_every_record(writer: str) -> None:
    result = export(*seeds(), "--format", writer)
    assert result.exit_code == 0, result.stderr
    read, merged, written, skipped, rejected, warnings = map(int, SUMMARY.match(summary_line(result.stderr)).groups())
    assert (read, merged, written, skipped, rejected) == (205, 5, 200, 0, 0)
    assert read == merged + written + skipped + rejected
    # Every warning counted was also shown, with its file and line.
    shown = [line for line in result.stderr.splitlines() if re.match(r"^bibx: \S+:\d+: warning: ", line)]
    assert len(shown) == warnings


def test_json_round_trip_of_the_seeds_is_lossless(tmp_path: Path) -> None:
    first = tmp_path / "seeds.json"
    assert export(*seeds(), "-o", str(first)).exit_code == 0
    again = export(str(first), "--from", "json", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.read_text(encoding="utf-8")
    original, _ = collect_papers(seed_files())
    read_back, reports = collect_papers([first])
    assert reports == []
    assert read_back == original  # every field, provenance and keys included


@pytest.mark.parametrize("writer", sorted({"bibtex", "biblatex", "csljson", "ndjson", "ris"}))
def test_exporting_the_json_archive_equals_exporting_the_listings(writer: str, tmp_path: Path) -> None:
    archive = tmp_path / "seeds.json"
    assert export(*seeds(), "-o", str(archive)).exit_code == 0
    assert export(str(archive), "--format", writer).stdout == export(*seeds(), "--format", writer).stdout


def test_exit_0_when_everything_read_was_written() -> None:
    assert export(*seeds(), "--format", "json").exit_code == 0


def test_exit_1_for_a_rejected_record_with_the_good_papers_still_written(tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(seed_files()[2].read_text(encoding="utf-8") + "\nCSJan 2, 2024\n", encoding="utf-8")
    result = export(str(listing), "--format", "json")
    assert result.exit_code == 1
    assert f"{listing}:34: error: a category/date line with no title after it" in result.stderr
    assert result.stdout.count('"title"') == 11


def test_exit_1_with_strict_for_a_mere_warning_and_nothing_written(tmp_path: Path) -> None:
    profile = tmp_path / "profile.txt"
    profile.write_text(seed_files()[0].read_text(encoding="utf-8").replace("21 Papers", "22 Papers"), encoding="utf-8")
    target = tmp_path / "refs.json"
    lenient = export(str(profile), "-o", str(target))
    assert lenient.exit_code == 0 and "warning: the header announces 22 papers" in lenient.stderr
    target.unlink()
    strict = export(str(profile), "-o", str(target), "--strict")
    assert strict.exit_code == 1
    assert "--strict" in strict.stderr
    assert not target.exists()


def test_exit_1_for_a_missing_input() -> None:
    result = export("no-such-listing.txt", "--format", "json")
    assert result.exit_code == 1
    assert "no-such-listing.txt: error: no such file" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "nonesuch"], "unknown output format 'nonesuch'"),
        (["--from", "nonesuch", "--format", "json"], "unknown input format 'nonesuch'"),
        (["--format", "json", "-O", "colour=red"], "takes no option colour"),
        (["--format", "json", "-O", "novalue"], "is not KEY=VALUE"),
        (["--format", "json", "--as-of", "25/11/2026"], "is not a date"),
        (["--format", "json", "--key-pattern", "{nonesuch}"], "nonesuch"),
        (["-o", "refs.unknown-extension"], "no output format writes '.unknown-extension' files"),
        (["-o", "/no-such-folder-for-bibx/refs.json"], "cannot write /no-such-folder-for-bibx/refs.json: No such file or directory"),
    ],
)
def test_exit_2_for_usage_errors(args: list[str], message: str) -> None:
    result = run_cli(["export", *seeds(), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_exit_3_names_the_writer_plugin_that_failed(tmp_path: Path) -> None:
    target = tmp_path / "out.fail"
    result = export(*seeds(), "-o", str(target), plugins=(FailingWriterPlugin(),))
    assert result.exit_code == 3
    assert "the failing writer (plugin 'FailingWriterPlugin') failed: RuntimeError: disk on fire" in result.stderr
    assert not target.exists()
