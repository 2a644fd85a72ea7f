"""Broken records and misbehaving readers cost themselves only, end to end through ``bibx export``.

A generated corpus of broken records and misbehaving reader plugins: each bad record costs itself
only, named at its file:line with the documented exit code, the records around it written. Then
option values a user can get wrong (``--jobs``).
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from bibx import Paper, PartialDate, Person, ReaderSpec, hookimpl
from bibx.model import Provenance
from bibx.specs import ReadContext
from bibx.testing import run_cli
from bibx_plugins.bibx_json.codec import paper_to_json

# --- broken records: one bad record costs that record, reported at its file:line (issues 15, 16) ---

GOOD_BIB = "@misc{good%d, title={Good paper %d}, author={Doe, Jane}, year={2020}}"
GOOD_CSL = '{"id": "good%d", "type": "article", "title": "Good paper %d"}'
GOOD_RIS = "TY  - JOUR\nTI  - Good paper %d\nER  - \n"


def bib_around(bad: str) -> str:
    return "\n".join([GOOD_BIB % (1, 1), bad, GOOD_BIB % (2, 2)]) + "\n"


def csl_around(bad: str) -> str:
    return "[\n" + ",\n".join([GOOD_CSL % (1, 1), bad, GOOD_CSL % (2, 2)]) + "\n]\n"


def export_file(tmp_path: Path, name: str, text: str, *args: str) -> tuple[int, list[dict], str]:
    """Export one generated file to CSL-JSON: exit code, items written, stderr."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli(["export", str(path), "--format", "csljson", "-q", *args])
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout or "[]"), result.stderr


def titles(items: list[dict]) -> list[str]:
    return [item["title"] for item in items]


BROKEN_RECORDS = {
    # name: (file name, text, exit code, message expected at file:line)
    "superscript year": ("year.bib", bib_around("@misc{bad, title={Bad}, year={²³}}"), 0, "year.bib:2: warning: year '²³' not understood"),
    "5000-digit year": ("long-year.bib", bib_around("@misc{bad, title={Bad}, year={" + "1" * 5000 + "}}"), 0, "long-year.bib:2: warning: year '111"),
    "Infinity in CSL-JSON": (
        "inf.json",
        csl_around('{"id": "b", "type": "article", "title": "Bad", "issued": {"date-parts": [[Infinity]]}}'),
        1,
        "inf.json:3: error: invalid JSON: Infinity is not a JSON value",
    ),
    "NaN title": (
        "nan.json",
        csl_around('{"id": "b", "type": "article", "title": NaN}'),
        1,
        "nan.json:3: error: invalid JSON: NaN is not a JSON value",
    ),
    "5000-digit number": (
        "digits.json",
        csl_around('{"id": "b", "type": "article", "title": "Bad", "issued": {"date-parts": [[' + "9" * 5000 + "]]}}"),
        1,
        "digits.json:3: error: invalid JSON: a number has thousands of digits",
    ),
    "100k-deep nesting": (
        "deep.json",
        csl_around('{"id": "b", "type": "article", "title": "Bad", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        1,
        "deep.json:3: error: invalid JSON: nested too deeply",
    ),
    "ER  -x in RIS": (
        "er.ris",
        GOOD_RIS % 1 + "TY  - JOUR\nTI  - Bad\nER  -x\n" + GOOD_RIS % 2,
        1,
        "er.ris:4: error: RIS record without its closing 'ER  - ' line",
    ),
    "unbalanced brace": ("brace.bib", bib_around("@misc{bad, title={Bad}"), 1, "brace.bib:2: error: unparseable BibTeX block"),
    "oversized entry": (
        "huge.bib",
        bib_around("@misc{bad, title={" + "x\n" * 600_000 + "}}"),
        1,
        "huge.bib:2: error: unparseable BibTeX block: the entry is longer than 1,000,000 characters",
    ),
    "oversized line": (
        "line.json",
        csl_around('{"id": "b", "type": "article", "title": "' + "x" * 10_000_001 + '"}'),
        1,
        "line.json:3: error: line longer than 10,000,000 characters; skipped",
    ),
}


@pytest.mark.parametrize("case", BROKEN_RECORDS, ids=list(BROKEN_RECORDS))
def test_a_broken_record_costs_only_itself(tmp_path: Path, case: str) -> None:
    name, text, exit_code, message = BROKEN_RECORDS[case]
    code, items, stderr = export_file(tmp_path, name, text)
    assert code == exit_code
    assert message in stderr
    assert "Good paper 1" in titles(items) and "Good paper 2" in titles(items)


def test_bibtex_concatenation_and_string_macros_are_resolved(tmp_path: Path) -> None:
    text = (
        '@string{pre = "Deep"}\n@STRING{ml = pre # " Learning"}\n'
        '@misc{a, title = ml # { for } # "All", author = {Doe, Jane}, year = 2020, month = mar}\n'
        '@misc{b, title = {Undefined } # nope, year = "2021", month = jan # "~1"}\n'
    )
    code, items, stderr = export_file(tmp_path, "macros.bib", text)
    assert code == 0
    assert titles(items) == ["Deep Learning for All", "Undefined nope"]
    assert items[0]["issued"] == {"date-parts": [[2020, 3]]} and items[1]["issued"] == {"date-parts": [[2021, 1]]}
    assert "macros.bib:4: warning: undefined @string macro nope kept as written" in stderr


def test_a_string_author_in_csl_json_is_read_and_reported(tmp_path: Path) -> None:
    code, items, stderr = export_file(tmp_path, "author.json", csl_around('{"id": "b", "type": "article", "title": "Bad", "author": "Doe, John"}'))
    assert code == 0 and items[1]["author"] == [{"family": "Doe", "given": "John"}]
    assert "author.json:3: warning: author 'Doe, John' is a string, not a list of CSL names; read as one name" in stderr


def test_scalar_author_items_in_csl_json_are_counted(tmp_path: Path) -> None:
    bad = '{"id": "b", "type": "article", "title": "Bad", "author": [{"family": "Doe"}, "Roe, R", 5]}'
    code, items, stderr = export_file(tmp_path, "scalars.json", csl_around(bad))
    assert code == 0 and items[1]["author"] == [{"family": "Doe"}]
    assert "scalars.json:3: warning: 2 of 3 author entries are not CSL names and are left out" in stderr


@pytest.fixture
def bibx_json(tmp_path: Path) -> list[dict]:
    """Eight papers as bibx's own JSON data."""
    return [paper_to_json(Paper(title=f"Paper {n}", creators=(Person("Doe", "Jane"),), date=PartialDate(2020 + n), key=f"doe{n}")) for n in range(8)]


def test_bibx_json_re_indented_by_jq_reads_back(tmp_path: Path, bibx_json: list[dict]) -> None:
    code, items, _ = export_file(tmp_path, "indented.json", json.dumps(bibx_json, indent=2), "--from", "json")
    assert code == 0 and titles(items) == [f"Paper {n}" for n in range(8)]


def test_a_corrupt_line_of_bibx_json_costs_one_paper(tmp_path: Path, bibx_json: list[dict]) -> None:
    lines = [json.dumps(item) for item in bibx_json]
    lines[3] = lines[3][:30]
    code, items, stderr = export_file(tmp_path, "corrupt.json", "[\n" + ",\n".join(lines) + "\n]\n", "--from", "json")
    assert code == 1 and "corrupt.json:5: error:" in stderr
    assert titles(items) == [f"Paper {n}" for n in range(8) if n != 3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda item: item["creators"][0].update(family=5), "author 1's family and given names must be strings"),
        (lambda item: item.update(date={"year": "2020"}), "date must hold whole numbers"),
        (lambda item: item.update(key=12), "key must be a string or None, not int"),
        (lambda item: item.update(urls="http://x"), "urls must be a list, not str"),
        (lambda item: item.update(title=["a list"]), "a paper needs a non-empty title"),
    ],
    ids=["family 5", "year '2020'", "key 12", "urls a string", "title a list"],
)
def test_wrong_types_in_bibx_json_are_rejected_at_their_line(tmp_path: Path, bibx_json: list[dict], change: object, message: str) -> None:
    change(bibx_json[2])  # type: ignore[operator]
    text = "[\n" + ",\n".join(json.dumps(item) for item in bibx_json) + "\n]\n"
    code, items, stderr = export_file(tmp_path, "typed.json", text, "--from", "json")
    assert code == 1 and f"typed.json:4: error: not a bibx paper: {message}" in stderr
    assert len(items) == 7 and "http://x" not in json.dumps(items) and '"h"' not in json.dumps(items)


# --- reader plugins that yield nonsense or exit: blamed on the input, not on the writer ----------


def reader_plugin(name: str, results: list[object]) -> types.ModuleType:
    """An inline plugin whose reader ``name`` yields ``results`` between two good papers, one per line."""
    module = types.ModuleType(name)

    def read(lines: Iterable[str], context: ReadContext) -> Iterator[object]:
        numbered = enumerate(lines, start=1)
        for result, _ in zip(
            [Paper("Good paper 1", sources=(Provenance(context.path, 1, name),)), *results, Paper("Good paper 2")], numbered, strict=False
        ):
            if isinstance(result, BaseException):
                raise result
            yield result

    @hookimpl
    def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
        register(ReaderSpec(name, "yields what the test says", read))

    module.bibx_register_readers = bibx_register_readers  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize(
    ("yielded", "message"),
    [
        ({"title": "a dict"}, "yielded a dict, not a Paper or Report"),
        (Paper(title="Year as text", date=PartialDate("2020")), "yielded a malformed Paper (date must hold whole numbers)"),  # type: ignore[arg-type]
        (Paper(title="Key as number", key=12), "yielded a malformed Paper (key must be a string or None, not int)"),  # type: ignore[arg-type]
        (Paper(title="Family as number", creators=(Person(5),)), "yielded a malformed Paper (author 1's family and given names must be strings)"),  # type: ignore[arg-type]
        (Paper(title="x" * 100_001), "yielded a malformed Paper (title is 100,001 characters long (at most 100,000))"),
    ],
    ids=["dict", "year a string", "key a number", "family a number", "title too long"],
)
def test_a_reader_yielding_a_malformed_result_is_blamed_at_the_inputs_line(tmp_path: Path, yielded: object, message: str) -> None:
    path = tmp_path / "three.txt"
    path.write_text("one\ntwo\nthree\n", encoding="utf-8")
    result = run_cli(["export", str(path), "--from", "sloppy", "--format", "csljson", "-q"], plugins=[reader_plugin("sloppy", [yielded])])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"three.txt:2: error: the sloppy reader (plugin 'sloppy') {message}; the record is rejected" in result.stderr
    assert titles(json.loads(result.stdout)) == ["Good paper 1", "Good paper 2"]
    assert "writer" not in result.stderr


def test_a_reader_calling_sys_exit_costs_its_input_only(tmp_path: Path) -> None:
    exiting, other = tmp_path / "exiting.txt", tmp_path / "other.bib"
    exiting.write_text("one\ntwo\nthree\n", encoding="utf-8")
    other.write_text(GOOD_BIB % (3, 3) + "\n", encoding="utf-8")
    plugin = reader_plugin("quitter", [SystemExit(0)])
    result = run_cli(["export", str(exiting), "--from", "quitter", "--format", "csljson", "-q"], plugins=[plugin])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "exiting.txt:2: error: the quitter reader (plugin 'quitter') failed: ReaderExit: the reader called sys.exit(0)" in result.stderr
    assert titles(json.loads(result.stdout)) == ["Good paper 1"]
    both = run_cli(["export", str(other), "--format", "csljson", "-q"], plugins=[plugin])
    assert both.exit_code == 0 and titles(json.loads(both.stdout)) == ["Good paper 3"]


# --- option values ------------------------------------------------------------------------------


def test_a_non_ascii_jobs_value_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "one.bib"
    path.write_text(GOOD_BIB % (1, 1), encoding="utf-8")
    result = run_cli(["export", str(path), "--format", "refs", "-O", "jobs=²"])
    assert result.exit_code == 2 and "jobs must be a whole number of at least 1, not '²'" in result.stderr and result.stdout == ""


def test_jobs_are_capped_at_the_core_count() -> None:
    from bibx_plugins.refs.writer import _jobs, available_cores

    assert _jobs("1000") == available_cores() and _jobs("1") == 1
