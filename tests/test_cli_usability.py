"""The command line's manners (issue 19): pandoc's habits, names that say what to do next, picking
papers, dry runs, completion, and text that survives any locale or a closed standard stream.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bibx import Report
from bibx.pipeline import Accounting
from bibx.suggest import closest_names
from bibx.testing import run_cli, seed_files
from tests.helpers import require_tool
from tests.test_cli import AS_OF, export, seeds, summary_line

# --- Issue 19: pandoc's habits, names that say what to do next, picking papers, completion --------------

COMPACT_SEED = 2  # seeds/002_…: a compact listing


def compact_seed() -> str:
    return str(seed_files()[COMPACT_SEED])


def installed_bibx() -> str:
    """The console script of the environment running the tests, else the one on PATH (skipped locally when absent)."""
    beside = Path(sys.executable).with_name("bibx")
    return str(beside) if beside.is_file() else require_tool("bibx")


def test_from_and_to_are_pandocs_short_options_and_format_stays_the_long_name_of_to() -> None:
    pandoc_style = export(compact_seed(), "-f", "compact", "-t", "ris")
    assert pandoc_style.exit_code == 0, pandoc_style.stderr
    assert pandoc_style.stdout.count("ER  - ") == 11
    assert export(compact_seed(), "--from", "compact", "--format", "ris").stdout == pandoc_style.stdout
    assert export(compact_seed(), "--to", "ris").stdout == pandoc_style.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-t", "compact"], "compact is an input format, not an output format; use --from compact"),
        (["--format", "profile"], "profile is an input format, not an output format; use --from profile"),
        (["-f", "refs"], "refs is an output format, not an input format; use --to refs"),
        (["--from", "ndjson"], "ndjson is an output format, not an input format; use --to ndjson"),
    ],
)
def test_a_format_name_used_on_the_wrong_side_says_which_side_it_belongs_to(args: list[str], message: str) -> None:
    result = export(compact_seed(), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("target", ["refs.pdf", "refs.yaml"])
def test_an_unknown_output_extension_is_named_with_the_known_ones(target: str, tmp_path: Path) -> None:
    result = export(compact_seed(), "-o", str(tmp_path / target))
    assert result.exit_code == 2
    extension = target.split(".")[1]
    assert f"no output format writes '.{extension}' files" in result.stderr
    assert ".bib (bibtex)" in result.stderr and ".csl.json (csljson)" in result.stderr and ".ris (ris)" in result.stderr
    assert "name a format with --to (biblatex, bibtex, csljson" in result.stderr
    assert not (tmp_path / target).exists()


@pytest.mark.parametrize(("spelling", "canonical"), [("BibTeX", "bibtex"), ("RIS", "ris"), ("CslJson", "csljson")])
def test_format_names_ignore_case(spelling: str, canonical: str) -> None:
    result = export(compact_seed(), "--from", "Compact", "--to", spelling)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == export(compact_seed(), "--to", canonical).stdout


def test_an_unknown_format_suggests_the_closest_names() -> None:
    result = export(compact_seed(), "--to", "bibtx")
    assert result.exit_code == 2
    assert "unknown output format 'bibtx'; did you mean: bibtex, biblatex?" in result.stderr


def test_suggestions_come_by_prefix_then_substring_then_edit_distance() -> None:
    names = ["chaos", "chimia", "chicago-notes", "chicago-author-date", "apa", "harvard-cite-them-right"]
    assert closest_names("chicago", names)[:3] == ["chicago-notes", "chicago-author-date", "chaos"]
    assert closest_names("author-date", names) == ["chicago-author-date"]
    assert closest_names("Harvard", names) == ["harvard-cite-them-right"]
    assert closest_names("apq", names) == ["apa"]


def test_style_chicago_suggests_the_chicago_styles_before_look_alikes() -> None:
    result = export(compact_seed(), "--to", "refs", "--style", "chicago")
    assert result.exit_code == 2
    suggested = re.search(r"did you mean: ([^?]*)\?", result.stderr).group(1).split(", ")
    assert "chicago-author-date" in suggested
    assert all(name.startswith("chicago") for name in suggested), suggested


def test_without_to_or_an_output_extension_bibx_writes_bibtex_to_stdout(tmp_path: Path) -> None:
    result = run_cli(["export", compact_seed(), "--from", "compact", "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("@misc{") and result.stdout == export(compact_seed(), "--to", "bibtex").stdout
    no_extension = tmp_path / "refs"
    assert export(compact_seed(), "-o", str(no_extension)).exit_code == 0
    assert no_extension.read_text(encoding="utf-8") == result.stdout


def test_reading_a_terminal_says_how_to_end_the_input() -> None:
    """A real process whose stdin is a pseudo-terminal: the hint comes first, then the export of what was typed."""
    pty = pytest.importorskip("pty")
    import os

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [installed_bibx(), "export", "--to", "ris", "-q", *AS_OF], stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    os.close(terminal)
    # Short lines: a terminal's line editor holds at most 4095 characters a line.
    for line in ("@misc{roadmap,", "  title = {A Roadmap for Big Model},", "  author = {Yuan, Sha},", "  year = {2022}}"):
        os.write(controller, line.encode() + b"\n")
    os.write(controller, b"\x04")  # Ctrl-D at the start of a line: end of input
    out, err = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0, err
    assert err.decode().startswith("bibx: reading from standard input (Ctrl-D to end)\n")
    assert "TI  - A Roadmap for Big Model" in out.decode()


def test_piped_standard_input_gets_no_terminal_hint() -> None:
    result = export("--to", "ris", input=seed_files()[COMPACT_SEED].read_text(encoding="utf-8"))
    assert result.exit_code == 0
    assert "reading from standard input" not in result.stderr


def test_the_built_in_writer_options_are_real_flags_listed_in_help() -> None:
    help_text = run_cli(["export", "--help"]).stdout
    for flag in ("--style", "--locale", "--output-format [text|html|markdown]", "-O, --option KEY=VALUE", "-f, --from", "-t, --to, --format"):
        assert flag in help_text
    html = export(compact_seed(), "--to", "refs", "--output-format", "HTML")
    assert html.exit_code == 0 and html.stdout.startswith('<div class="csl-bib-body">')
    assert export(compact_seed(), "--to", "refs", "-O", "output-format=html").stdout == html.stdout


def test_the_output_extension_chooses_html_or_markdown_for_formatted_references(tmp_path: Path) -> None:
    html, markdown, text = tmp_path / "refs.html", tmp_path / "refs.md", tmp_path / "refs.txt"
    assert export(compact_seed(), "-o", str(html)).exit_code == 0
    assert html.read_text(encoding="utf-8").startswith('<div class="csl-bib-body">')
    assert export(compact_seed(), "--to", "refs", "-o", str(markdown)).exit_code == 0
    assert markdown.read_text(encoding="utf-8") == export(compact_seed(), "--to", "refs", "--output-format", "markdown").stdout
    assert export(compact_seed(), "-o", str(text), "--output-format", "html").exit_code == 0  # a flag wins over the extension
    assert text.read_text(encoding="utf-8") == html.read_text(encoding="utf-8")


def test_truncated_author_warnings_of_formatted_references_name_their_own_paper(tmp_path: Path) -> None:
    """Each warning is at the line of the paper it names (it was one count pinned to the first paper's line).

    A list ending in a person prints "et al." (the CSL name suffix), so only one ending in an
    organisation, which takes no suffix, is warned about."""
    page = tmp_path / "page.txt"
    page.write_text(
        "CLMar 26, 2024\nA Complete List\nAda Lovelace, Alan Turing\nPlaceholder abstract one.\n\n"
        "CLMar 27, 2024\nA Team Paper\nAda Lovelace, Tencent Hunyuan Team et al.\nPlaceholder abstract two.\n\n"
        "CLMar 28, 2024\nA Person Paper\nAda Lovelace, Alan Turing et al.\nPlaceholder abstract three.\n",
        encoding="utf-8",
    )
    result = export(str(page), "--from", "profile", "--to", "refs")
    assert result.exit_code == 0, result.stderr
    warned = re.findall(r'^bibx: (\S+):(\d+): warning: "(.*)": the listing cut its author list short', result.stderr, re.MULTILINE)
    assert warned == [(str(page), "6", "A Team Paper")]


def test_formatted_references_of_the_seeds_pass_strict() -> None:
    result = export(*seeds(), "--to", "refs", "--strict")
    assert result.exit_code == 0, result.stderr


def test_a_writer_warning_names_the_paper_it_is_about() -> None:
    shown: list[Report] = []
    accounting = Accounting(shown.append)
    accounting.writer_report(Report("no LaTeX spelling for '☃'", "a.txt", 7, raw="Snow in July"))
    accounting.writer_report(Report('"Snow in July": already named', "a.txt", 7, raw="Snow in July"))
    assert [report.message for report in shown] == ['"Snow in July": no LaTeX spelling for \'☃\'', '"Snow in July": already named']


def test_select_by_title_author_or_key_substring_and_by_key() -> None:
    by_title = export(*seeds(), "--select", "ROADMAP")
    assert by_title.exit_code == 0, by_title.stderr
    assert re.findall(r"@misc\{(\S+),", by_title.stdout) == ["yuan2022roadmap"]
    assert summary_line(by_title.stderr) == "bibx: read 205, merged 5, written 1, skipped 0, rejected 0, warnings 0, not selected 199"
    by_author = export(*seeds(), "--select", "Yuze Zhao")
    assert "zhao2024swift" in by_author.stdout
    by_family_first = export(*seeds(), "--select", "zhao, yuze")
    assert by_family_first.stdout == by_author.stdout
    by_key = export(*seeds(), "--key", "zhao2024swift", "--key", "yuan2022roadmap")
    assert sorted(re.findall(r"@misc\{(\S+),", by_key.stdout)) == ["yuan2022roadmap", "zhao2024swift"]
    # A selected paper keeps the key it has in the full export.
    full = export(*seeds()).stdout
    for entry in by_key.stdout.split("\n\n"):
        assert entry.strip() in full


def test_select_a_regular_expression_between_slashes() -> None:
    result = export(*seeds(), "--select", "/^scal(ing|able) /")
    titles = re.findall(r"^  title = \{(.*)\},$", result.stdout, re.MULTILINE)
    assert titles and all(re.match(r"\{?scal(ing|able) ", title, re.IGNORECASE) for title in titles)
    assert export(*seeds(), "--select", "scal(ing").stdout == ""  # no slashes: a plain substring
    broken = export(*seeds(), "--select", "/scal(ing/")
    assert broken.exit_code == 2 and "not a regular expression" in broken.stderr


def test_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    fresh = export(*seeds(), "-o", str(target), "--dry-run")
    assert fresh.exit_code == 0 and not target.exists()
    assert summary_line(fresh.stderr).startswith(f"bibx: dry run: would create {target} (")
    assert export(*seeds(), "-o", str(target)).exit_code == 0
    before = target.read_bytes()
    replaced = export(compact_seed(), "-o", str(target), "--dry-run")
    assert re.search(rf"would replace {re.escape(str(target))} \([\d,]+ bytes now, [\d,]+ after\); nothing was written", replaced.stderr)
    merged = export(str(target), *seeds(), "-o", str(target), "--dry-run")
    assert f"would leave {target} as it is" in merged.stderr
    small = tmp_path / "small.bib"
    assert export(compact_seed(), "-o", str(small)).exit_code == 0
    grown = export(str(small), *seeds(), "-o", str(small), "--dry-run")
    assert f"would replace {small} (0 entries updated, 189 appended; " in grown.stderr
    small.unlink()
    to_stdout = export(*seeds(), "--dry-run")
    assert to_stdout.stdout == "" and "would write " in to_stdout.stderr
    assert target.read_bytes() == before
    assert list(tmp_path.iterdir()) == [target]


def test_dry_run_and_select_through_the_console_script(tmp_path: Path) -> None:
    target = tmp_path / "some.bib"
    command = [installed_bibx(), "export", *seeds(), "-t", "BibTeX", "--select", "roadmap", "-o", str(target), "--dry-run", *AS_OF]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "not selected 199" in done.stderr and "would create" in done.stderr and not target.exists()


def completions(*words: str) -> list[str]:
    from click.shell_completion import ShellComplete

    from bibx.cli import main

    *args, incomplete = words
    return [item.value for item in ShellComplete(main, {}, "bibx", "_BIBX_COMPLETE").get_completions(args, incomplete)]


def test_shell_completion_offers_format_style_and_locale_names() -> None:
    assert completions("export", "--to", "bib") == ["biblatex", "bibtex"]
    assert "compact" in completions("export", "--from", "") and "refs" not in completions("export", "--from", "")
    assert "chicago-author-date" in completions("export", "--style", "chicago-a")
    assert {"de-AT", "de-CH", "de-DE"} <= set(completions("export", "--locale", "de"))


def test_bash_completion_of_the_installed_script() -> None:
    environment = {**os.environ, "_BIBX_COMPLETE": "bash_complete", "COMP_WORDS": "bibx export --to cs", "COMP_CWORD": "3"}
    done = subprocess.run([installed_bibx()], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["plain,csljson"]


def test_bibx_plugins_prints_aligned_columns() -> None:
    rows = run_cli(["plugins"]).stdout.splitlines()
    header = rows[0]
    starts = [header.index(title) for title in ("DISTRIBUTION", "MODULE", "HOOKS")]
    assert len(rows) >= 8  # header + the seven built-in plugins
    for row in rows[1:]:
        assert all(row[start - 1] == " " and row[start] != " " for start in starts), row


def test_a_writer_option_given_to_a_format_without_it_names_the_format_that_takes_it() -> None:
    result = export(compact_seed(), "--style", "apa")  # BibTeX by default: no styles
    assert result.exit_code == 2
    assert "the bibtex format takes no option style (accepted: none); --to refs takes it" in result.stderr


def test_a_markdown_file_without_a_named_format_says_which_format_writes_markdown(tmp_path: Path) -> None:
    result = export(compact_seed(), "-o", str(tmp_path / "refs.md"))
    assert result.exit_code == 2
    assert "no output format writes '.md' files" in result.stderr and "; --to refs writes it as markdown" in result.stderr


CJK_PAGE = "CLMar 26, 2024\n高瀬 翔の論文\n高瀬 翔, 岡崎 直観\nPlaceholder abstract.\n"


def test_output_is_utf8_whatever_the_locale_says(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(CJK_PAGE, encoding="utf-8")
    environment = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([require_tool("bibx"), "export", str(page), "--to", "csljson", "-q"], env=environment, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "高瀬 翔の論文" in done.stdout.decode("utf-8")


def test_a_closed_standard_input_is_an_input_error_not_a_traceback() -> None:
    done = subprocess.run(
        [require_tool("bibx"), "export", "--to", "bibtex"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, close_fds=True
    )
    assert done.returncode == 1  # an empty input: nothing to read
    closed = subprocess.run(f"{require_tool('bibx')} export --to bibtex <&-", shell=True, capture_output=True, text=True, timeout=120)
    assert closed.returncode == 1 and "<stdin>: error: standard input is closed" in closed.stderr
    assert "Traceback" not in closed.stderr


def test_a_closed_standard_output_is_said_before_anything_is_read() -> None:
    closed = subprocess.run(
        f"{require_tool('bibx')} export {' '.join(seeds())} --to bibtex >&-", shell=True, capture_output=True, text=True, timeout=120
    )
    assert closed.returncode == 2 and "standard output is closed: give -o FILE" in closed.stderr
    assert "Traceback" not in closed.stderr and "plugin" not in closed.stderr
