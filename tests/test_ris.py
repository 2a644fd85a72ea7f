"""The RIS writer: rispy reads every field back as the model says, one record per paper."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import rispy

import bibx_plugins.ris
from bibx import (
    Organization,
    Paper,
    PartialDate,
    Person,
    Report,
    WriteContext,
    WriterSpec,
)
from bibx.facts import fact_lines
from bibx.richtext import to_plain
from bibx_plugins.ris.writer import RisWriter, single_line
from tests.corpus import EDGE_PAPERS
from tests.helpers import output_before_each

# A line of a RIS record: a tag, two spaces, a hyphen, then a space and the value (or nothing).
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  -( .*)?$")


def write_ris(papers: Iterator[Paper] | tuple[Paper, ...] | list[Paper], reports: list[Report] | None = None) -> str:
    out = io.StringIO()
    RisWriter(WriteContext(report=(reports if reports is not None else []).append)).write(papers, out)
    return out.getvalue()


def expected_record(paper: Paper) -> dict[str, object]:
    """What rispy should read back for ``paper``, built from the model field by field."""
    record: dict[str, object] = {"type_of_reference": "JOUR", "id": paper.key, "title": single_line(to_plain(paper.title))}
    names = [f"{c.family}, {c.given}" if isinstance(c, Person) and c.given else c.display for c in paper.creators]
    if names:
        record["authors"] = [single_line(name) for name in names]
    if paper.date:
        record["year"] = str(paper.date.year)
        month = f"{paper.date.month:02d}" if paper.date.month else ""
        day = f"{paper.date.day:02d}" if paper.date.day else ""
        record["date"] = f"{paper.date.year}/{month}/{day}/"
    if paper.arxiv_id:
        record |= {"secondary_title": "arXiv", "name_of_database": "arXiv", "accession_number": paper.arxiv_id}
        record["urls"] = [f"https://arxiv.org/abs/{paper.arxiv_id}"]
    elif paper.urls:
        record["urls"] = [paper.urls[0]]
    if paper.doi or paper.arxiv_id:
        record["doi"] = paper.doi or f"10.48550/arXiv.{paper.arxiv_id}"
    if paper.abstract:
        record["abstract"] = single_line(to_plain(paper.abstract))
    if paper.category:
        record["keywords"] = [paper.category]
    if notes := fact_lines(paper):
        record["notes"] = [single_line(note) for note in notes]
    return record


def test_rispy_reads_back_every_field_of_the_edge_cases() -> None:
    assert rispy.loads(write_ris(EDGE_PAPERS)) == [expected_record(paper) for paper in EDGE_PAPERS]


def test_rispy_reads_back_every_seed_paper(seeds: list[Paper]) -> None:
    records = rispy.loads(write_ris(seeds))
    assert len(records) == len(seeds) == 200
    assert records == [expected_record(paper) for paper in seeds]


def test_a_title_that_injects_tags_stays_inside_one_record() -> None:
    paper = Paper(title="Before\nER  - \nTY  - JOUR\nTI  - Forged", abstract="x\r\nER  - ", key="k")
    output = write_ris([paper, EDGE_PAPERS[0]])
    records = rispy.loads(output)
    assert len(records) == 2
    assert records[0]["title"] == "Before ER - TY - JOUR TI - Forged"
    assert records[0]["abstract"] == "x ER -"
    # Every line is a tag line or the blank line between records: nothing a reader could misparse.
    assert all(RIS_LINE.match(line) or line == "" for line in output.split("\n"))
    assert output.count("TY  - ") == 2 and output.count("\nER  - ") == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a\nb", "a b"),
        ("a\r\n\r\nb", "a b"),
        ("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\x1fj", "a b c d e f g h i j"),
        ("tab\there", "tab here"),
        ("nul\x00esc\x1bdel\x7fc1\x9a", "nulescdelc1"),
        ("value  - cut here", "value - cut here"),
        ("  padded  ", "padded"),
        # Bidi controls, non-breaking and other non-ASCII text are content, kept as they are.
        ("\u202eevil\u202c \u2066iso\u2069 Zoë\u00a0Ñ 中文", "\u202eevil\u202c \u2066iso\u2069 Zoë\u00a0Ñ 中文"),
    ],
)
def test_single_line_leaves_nothing_that_ends_a_line(text: str, line: str) -> None:
    assert single_line(text) == line
    assert line.splitlines() == [line]


@pytest.mark.parametrize(
    ("date", "ris_date"),
    [(PartialDate(2022), "2022///"), (PartialDate(2022, 3), "2022/03//"), (PartialDate(2022, 3, 26), "2022/03/26/")],
)
def test_dates_leave_unknown_parts_empty(date: PartialDate, ris_date: str) -> None:
    output = write_ris([Paper(title="T", date=date, key="k")])
    assert f"DA  - {ris_date}\n" in output
    assert f"PY  - {date.year}\n" in output


def test_persons_are_family_comma_given_and_organisations_one_field() -> None:
    paper = Paper(title="T", creators=(Person("van der Berg", "Zoë"), Organization("Tencent Hunyuan Team"), Person("Plato")), key="k")
    assert rispy.loads(write_ris([paper]))[0]["authors"] == ["van der Berg, Zoë", "Tencent Hunyuan Team", "Plato"]


def test_a_comma_in_a_corporate_name_is_reported() -> None:
    reports: list[Report] = []
    write_ris(EDGE_PAPERS, reports)
    assert [report.message for report in reports] == [
        "RIS: corporate author 'Acme, Research \\u202eLab' contains a comma; RIS readers split it into family and given name"
    ]
    assert not reports[0].rejected


def test_truncated_and_unknown_author_lists_have_no_fake_author() -> None:
    records = rispy.loads(write_ris(EDGE_PAPERS[2:4]))
    assert records[0]["authors"] == ["Yuan, Sha", "Zhao, Hanyu"]
    assert records[0]["notes"] == ["bibx-authors: truncated", "bibx-affiliation: bytedance", "bibx-affiliation: pku"]
    assert "authors" not in records[1]
    assert "bibx-authors: none" in records[1]["notes"]


def test_records_are_written_while_papers_arrive() -> None:
    seen_before_each, _ = output_before_each(RisWriter(WriteContext()), EDGE_PAPERS[:2])
    assert seen_before_each[0] == ""
    assert seen_before_each[1].startswith("TY  - JOUR\nID  - vaswani2024attention\n")
    assert seen_before_each[1].endswith("ER  - \n")


def test_no_papers_give_an_empty_file() -> None:
    assert write_ris([]) == ""


def test_the_plugin_registers_the_ris_writer() -> None:
    specs: list[WriterSpec] = []
    bibx_plugins.ris.bibx_register_writers(specs.append)
    assert [(spec.name, spec.extensions) for spec in specs] == [("ris", ("ris",))]
    assert isinstance(specs[0].factory(WriteContext()), RisWriter)
