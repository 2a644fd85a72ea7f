"""The listing readers on real paper records they were not written from (see tests/listing_corpus.py).

Figures: ``python -m tests.listing_corpus`` (add ``-v`` to list every record that is not exact).
"""

from __future__ import annotations

import pytest

from tests.listing_corpus import Figures, load, measure

TARGET = 0.995
# The held-out part (measure2) is measured, never tuned to, and below the target: 1962 of its 1977
# records read exactly (99.24%) before and after the last round of reader changes. This floor and the
# count of silently wrong records below only guard against regressions.
MEASURE_FLOOR = 0.992
MEASURE_SILENT = 2
# Records where no reader could warn: the first author's name begins in lower case ("actAVA AI"),
# so the title runs into it with no case change that marks where the name starts.
UNWARNABLE = {"Cura 1T: Specialized Model for Agentic Healthcare"}


@pytest.fixture(scope="module", params=["dev", "measure2"])
def figures(request: pytest.FixtureRequest) -> tuple[str, dict[str, Figures]]:
    return request.param, measure(request.param)


def total(results: dict[str, Figures]) -> Figures:
    combined = Figures()
    for figures in results.values():
        combined.add(figures)
    return combined


def test_the_corpus_holds_at_least_500_real_records_with_non_arxiv_and_east_asian_ones() -> None:
    records = load("dev") + load("measure2")
    assert len(records) >= 500 and len({record["title"] for record in records}) == len(records)
    assert sum(record["arxiv"] is None for record in records) >= 50
    assert any("高瀬" in name or "村田" in name for record in records for name in record["authors"])
    assert any(0xAC00 <= ord(name[0]) <= 0xD7A3 for record in records for name in record["authors"])


def test_no_record_is_lost_every_one_is_read_or_reported_with_its_line(figures) -> None:
    _, results = figures
    assert total(results).lost == 0, total(results).failures


def test_records_read_exactly(figures) -> None:
    part, results = figures
    combined = total(results)
    assert combined.exact_share >= (TARGET if part == "dev" else MEASURE_FLOOR), "\n".join(combined.failures)


def test_no_record_is_silently_wrong_where_a_warning_was_possible(figures) -> None:
    part, results = figures
    silent = [failure for failure in total(results).failures if ": SILENT: " in failure and not any(title in failure for title in UNWARNABLE)]
    if part == "dev":
        assert silent == []
    else:
        assert len(silent) <= MEASURE_SILENT, silent
