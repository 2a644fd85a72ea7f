"""The example plugin's own tests, written as a plugin author writes them: with ``bibx.testing``.

They run against the installed package (``pip install -e .`` while developing), so the plugin is
found through its entry point exactly as users' bibx finds it. bibx's checklist comes first: it
writes bibx's sample papers (packaged with bibx) and hostile text through each format.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from bibx_plugin_example import csv_reader, markdown_writer
from bibx_plugin_example.markdown_writer import MarkdownWriter

from bibx import Paper
from bibx.testing import check_reader, check_writer, recording_context, run_cli, seed_papers, write_papers

CSV = """title,authors,year,arxiv,key
Attention Is All You Need,"Vaswani, Ashish; Shazeer, Noam",2017,1706.03762,vaswani2017
"Hunyuan-Large: [MoE] *at* scale",Tencent Hunyuan Team,2024,,
,"Nobody, No",2020,,
"""


def test_the_markdown_writer_passes_bibx_checklist() -> None:
    check_writer(markdown_writer.SPEC)
    check_writer(markdown_writer.SPEC, options={"heading": "<h1> & \x1b[2J"})


def test_the_csv_reader_passes_bibx_checklist() -> None:
    check_reader(csv_reader.SPEC, sample=CSV.replace(',"Nobody, No",2020,,\n', ""))


def test_every_sample_paper_is_one_list_item() -> None:
    written = write_papers(markdown_writer.SPEC, seed_papers())
    assert written.text.count("\n- [ ] **") == 200 and written.reports == []


def write_csv(folder: Path) -> Path:
    path = folder / "papers.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_csv_rows_become_a_markdown_reading_list(tmp_path: Path) -> None:
    result = run_cli(["export", str(write_csv(tmp_path)), "--format", "markdown"])
    assert result.stdout == (
        "# Reading list\n\n"
        "- [ ] **Attention Is All You Need** — Ashish Vaswani, Noam Shazeer (2017). "
        "[arXiv:1706.03762](<https://arxiv.org/abs/1706.03762>)\n"
        "- [ ] **Hunyuan-Large: \\[MoE\\] \\*at\\* scale** — Tencent Hunyuan Team (2024).\n"
    )


def test_a_row_without_title_is_reported_with_its_line(tmp_path: Path) -> None:
    result = run_cli(["export", str(write_csv(tmp_path)), "--format", "markdown"])
    assert result.exit_code == 1
    assert "papers.csv:4: error: a row without a title" in result.stderr


def test_the_heading_option(tmp_path: Path) -> None:
    result = run_cli(["export", str(write_csv(tmp_path)), "--format", "markdown", "-O", "heading=To read"])
    assert result.stdout.startswith("# To read\n\n- [ ] **Attention")


def test_csv_keys_are_kept_in_other_formats(tmp_path: Path) -> None:
    result = run_cli(["export", str(write_csv(tmp_path)), "--format", "csljson"])
    assert '"id": "vaswani2017"' in result.stdout


def test_the_plugin_and_its_formats_are_listed() -> None:
    plugins = run_cli(["plugins"]).stdout
    assert any(line.split()[:3] == ["example", "bibx-plugin-example", "0.1.0"] for line in plugins.splitlines())
    formats = run_cli(["formats"]).stdout
    assert "csv" in formats and "markdown" in formats


def test_the_writer_writes_each_paper_as_it_arrives() -> None:
    out = io.StringIO()

    def papers() -> Iterator[Paper]:
        yield Paper("First", key="first")
        assert out.getvalue().endswith("**First** — anonymous.\n"), "the first paper is still held back"
        yield Paper("Second", key="second")

    context, reports = recording_context()
    MarkdownWriter(context).write(papers(), out)
    assert out.getvalue().count("- [ ] **") == 2 and reports == []
