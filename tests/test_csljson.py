"""The CSL-JSON writers: schema validity, the field mapping, and streaming output.

Edge cases come from ``tests/corpus.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import bibx_plugins.csl
from bibx import Paper, PartialDate, WriteContext, WriterSpec
from bibx.csl_items import csl_item
from bibx.specs import ReadContext
from bibx.testing import host_with, run_cli, seed_files
from bibx_plugins.csl.writer import CslJsonWriter, NdjsonWriter
from tests.corpus import EDGE_PAPERS, HOSTILE
from tests.helpers import output_before_each, require_shared_file


def schema_path() -> Path:
    """The shared CSL-JSON schema; the test skips without ../shared, and fails so under CI=true."""
    return require_shared_file("schemas/csl-data.json")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def write(writer: CslJsonWriter | NdjsonWriter, papers: Iterator[Paper] | tuple[Paper, ...] | list[Paper]) -> str:
    out = io.StringIO()
    writer.write(papers, out)
    return out.getvalue()


def empty_values(value: Any, path: str = "") -> list[str]:
    """Paths of every None, empty string, empty list or empty object inside ``value``."""
    if value is None or value in ("", [], {}):
        return [path or "<root>"]
    if isinstance(value, dict):
        return [found for key, inner in value.items() for found in empty_values(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, inner in enumerate(value) for found in empty_values(inner, f"{path}[{index}]")]
    return []


def assert_valid_export(papers: list[Paper] | tuple[Paper, ...], validator: jsonschema.Draft7Validator) -> list[dict]:
    items = json.loads(write(CslJsonWriter(), papers))
    errors = [f"{error.json_path}: {error.message}" for error in validator.iter_errors(items)]
    assert errors == []
    assert [item["id"] for item in items] == [paper.key for paper in papers]
    assert [path for item in items for path in empty_values(item, item["id"])] == []
    return items


def test_hand_made_edge_cases_are_valid_csl_json(validator: jsonschema.Draft7Validator) -> None:
    assert_valid_export(EDGE_PAPERS, validator)


def test_every_seed_paper_is_valid_csl_json(seeds: list[Paper], validator: jsonschema.Draft7Validator) -> None:
    items = assert_valid_export(seeds, validator)
    assert len(items) == len(seeds) == 200


def test_an_arxiv_preprint_maps_to_every_field() -> None:
    assert csl_item(EDGE_PAPERS[0]) == {
        "id": "vaswani2024attention",
        "type": "article",
        "citation-key": "vaswani2024attention",
        "title": "Attention Is All You Need, Again",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "van der Berg", "given": "Zoë"},
            {"family": "Ñúñez", "given": "José"},
        ],
        "issued": {"date-parts": [[2024, 11, 4]]},
        "publisher": "arXiv",
        "number": "arXiv:2411.02265",
        "DOI": "10.48550/arXiv.2411.02265",
        "URL": "https://arxiv.org/abs/2411.02265",
        "abstract": "We revisit $O(n^2)$ attention & 100% of its costs_.",
        "keyword": "cs.CL",
        "custom": {"bibx-link": ["https://github.com/example/again"]},
    }


def test_a_papers_own_doi_and_first_link_win_over_arxiv_defaults() -> None:
    item = csl_item(EDGE_PAPERS[6])
    assert item["DOI"] == "10.1145/3292500.3330701"
    assert "URL" not in item and "number" not in item and "publisher" not in item
    assert item["author"] == [{"family": "Plato"}]
    assert csl_item(Paper(title="T", urls=("https://a.example", "https://b.example")))["URL"] == "https://a.example"


@pytest.mark.parametrize(
    ("date", "parts"),
    [(PartialDate(2022), [[2022]]), (PartialDate(2022, 3), [[2022, 3]]), (PartialDate(2022, 3, 26), [[2022, 3, 26]])],
)
def test_issued_has_only_the_known_date_parts(date: PartialDate, parts: list[list[int]]) -> None:
    assert csl_item(Paper(title="T", date=date))["issued"] == {"date-parts": parts}


def test_corporate_author_is_one_literal_name() -> None:
    assert csl_item(EDGE_PAPERS[1])["author"] == [{"literal": "Tencent Hunyuan Team"}]


def test_truncated_author_list_is_a_custom_fact_not_a_fake_author() -> None:
    item = csl_item(EDGE_PAPERS[2])
    assert item["author"] == [{"family": "Yuan", "given": "Sha"}, {"family": "Zhao", "given": "Hanyu", "suffix": "et al."}]
    assert item["custom"] == {"bibx-authors": "truncated", "bibx-affiliation": ["bytedance", "pku"]}
    assert "note" not in item


def test_unknown_authors_listing_date_and_inferred_year_are_custom_facts_not_notes() -> None:
    item = csl_item(EDGE_PAPERS[3])
    assert "author" not in item and "note" not in item
    assert item["issued"] == {"date-parts": [[2026, 5, 26]]}
    assert item["custom"] == {"bibx-authors": "none", "bibx-year": "inferred", "bibx-listed": "2026-11-20"}


def test_a_paper_without_key_gets_a_stable_id() -> None:
    first, again = csl_item(Paper(title="No Key")), csl_item(Paper(title="No Key"))
    assert first["id"] == again["id"] == first["citation-key"]
    assert first["id"] != csl_item(Paper(title="Other"))["id"]
    assert csl_item(Paper(title="No Key", arxiv_id="2401.00001"))["id"] == "arXiv:2401.00001"


def test_hostile_strings_survive_exactly() -> None:
    output = write(CslJsonWriter(), EDGE_PAPERS)
    item = json.loads(output)[4]
    assert item["title"] == HOSTILE
    assert item["author"][0] == {"family": 'O"Brien\\', "given": "Ann\u2028Marie"}
    assert item["author"][1] == {"literal": "Acme, Research \u202eLab"}


def test_csljson_array_is_written_while_papers_arrive() -> None:
    seen_before_each, output = output_before_each(CslJsonWriter(), EDGE_PAPERS[:3])
    assert seen_before_each[0] == ""
    assert '"id": "vaswani2024attention"' in seen_before_each[1]
    assert '"id": "team2024hunyuan"' in seen_before_each[2]
    assert [item["id"] for item in json.loads(output)] == [paper.key for paper in EDGE_PAPERS[:3]]


def test_no_papers_give_an_empty_array_and_empty_ndjson() -> None:
    assert json.loads(write(CslJsonWriter(), [])) == []
    assert write(NdjsonWriter(), []) == ""


def test_ndjson_is_one_item_per_line_even_with_unicode_line_separators() -> None:
    output = write(NdjsonWriter(), EDGE_PAPERS)
    # str.splitlines also breaks at U+2028, U+2029 and NEL, which the hostile title contains.
    lines = output.splitlines()
    assert len(lines) == len(EDGE_PAPERS)
    assert [json.loads(line) for line in lines] == [csl_item(paper) for paper in EDGE_PAPERS]


def test_csljson_array_holds_the_same_items_as_ndjson() -> None:
    array = json.loads(write(CslJsonWriter(), EDGE_PAPERS))
    assert array == [json.loads(line) for line in write(NdjsonWriter(), EDGE_PAPERS).splitlines()]


def test_the_plugin_registers_both_writers() -> None:
    specs: list[WriterSpec] = []
    bibx_plugins.csl.bibx_register_writers(specs.append)
    by_name = {spec.name: spec for spec in specs}
    assert set(by_name) == {"csljson", "ndjson"}
    assert by_name["csljson"].media_type == "application/vnd.citationstyles.csl+json"
    assert isinstance(by_name["csljson"].factory(WriteContext()), CslJsonWriter)
    assert isinstance(by_name["ndjson"].factory(WriteContext()), NdjsonWriter)


def test_no_provenance_leaves_the_listing_facts_out_but_keeps_et_al() -> None:
    args = ["export", *map(str, seed_files()), "--format", "csljson", "--as-of", "2026-11-25", "-q"]
    kept = json.loads(run_cli(args).stdout)
    left_out = json.loads(run_cli([*args, "--no-provenance"]).stdout)
    assert any("bibx-listed" in item.get("custom", {}) for item in kept)
    assert [item["id"] for item in left_out] == [item["id"] for item in kept]
    assert all(set(item.get("custom", {})) <= {"bibx-authors", "bibx-link"} for item in left_out)
    assert all(item.get("custom", {}).get("bibx-authors", "truncated") == "truncated" for item in left_out)
    et_al = [item["author"][-1].get("suffix") for item in left_out if item.get("author")]
    assert et_al.count("et al.") == sum(1 for item in kept if item.get("custom", {}).get("bibx-authors") == "truncated")


def test_the_reader_takes_the_facts_from_custom_and_reports_other_custom_pairs() -> None:
    item = {
        "id": "k", "type": "article", "title": "T",
        "author": [{"family": "Yuan", "given": "Sha", "suffix": "et al."}],
        "custom": {"bibx-listed": "2026-07-29", "bibx-affiliation": ["a; b", "c"], "short_id": "xyz"},
    }
    reader = host_with().readers.get("csljson")
    results = list(reader.read(iter([json.dumps([item])]), ReadContext("in.json", dt.date(2026, 11, 25), "csljson")))
    (paper,) = [result for result in results if isinstance(result, Paper)]
    assert paper.listing_date == PartialDate(2026, 7, 29) and paper.organizations == ("a; b", "c")
    assert paper.authors_truncated and paper.creators[0].family == "Yuan"
    assert [report.message for report in results if not isinstance(report, Paper)] == [
        "fields bibx has no place for were not carried over (records per field): custom.short_id (1)"
    ]
