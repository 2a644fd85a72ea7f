"""The listing readers on real paper records they were not written from (see tests/listing_corpus.py).

Parts: ``dev``, ``measure2`` and ``measure3`` have been looked at record by record and the readers
tuned on them: they must meet the target. ``measure4`` is the held-out part, only ever measured in
aggregate: its floors are the figures it reached, and they only guard against regressions; a reader
change is judged on the other parts, never by listing measure4's failures.

Figures: ``python -m tests.listing_corpus`` (``-v`` lists every record that is not exact, except for
the held-out part).
"""

from __future__ import annotations

import pytest

from tests.listing_corpus import HELD_OUT, Figures, load, measure

TARGET = 0.995
# measure4, held out: 3831 of its 3840 record layouts read exactly (99.77%, 0 silently wrong, 6 reported)
# at commit 8cc56bb, before the reader changes made after it was drawn; 3837 (99.92%, 0 silently
# wrong, 0 reported) after them. These are regression floors.
HELD_OUT_FLOOR = 0.9992
HELD_OUT_SILENT = 0
# Records where no reader could warn: the first author's name begins in lower case ("actAVA AI"),
# so the title runs into it with no case change that marks where the name starts.
UNWARNABLE = {"Cura 1T: Specialized Model for Agentic Healthcare"}


@pytest.fixture(scope="module", params=["dev", "measure2", "measure3", HELD_OUT])
def figures(request: pytest.FixtureRequest) -> tuple[str, dict[str, Figures]]:
    return request.param, measure(request.param)


def total(results: dict[str, Figures]) -> Figures:
    combined = Figures()
    for figures in results.values():
        combined.add(figures)
    return combined


def test_the_corpus_holds_at_least_500_real_records_with_non_arxiv_and_east_asian_ones() -> None:
    records = load("dev") + load("measure2") + load("measure3") + load(HELD_OUT)
    assert len(records) >= 500 and len({record["title"] for record in records}) == len(records)
    assert sum(record["arxiv"] is None for record in records) >= 50
    assert any("高瀬" in name or "村田" in name for record in records for name in record["authors"])
    assert any(0xAC00 <= ord(name[0]) <= 0xD7A3 for record in records for name in record["authors"])


def test_the_held_out_part_is_large_and_comes_from_repositories_the_others_do_not() -> None:
    held_out = load(HELD_OUT)
    assert len(held_out) >= 600
    looked_at = load("dev") + load("measure2") + load("measure3")
    assert not {record["source"] for record in held_out} & {record["source"] for record in looked_at}
    assert not {record["title"] for record in held_out} & {record["title"] for record in looked_at}


def test_no_record_is_lost_every_one_is_read_or_reported_with_its_line(figures) -> None:
    part, results = figures
    combined = total(results)
    assert combined.lost == 0, str(combined) if part == HELD_OUT else combined.failures


def test_records_read_exactly(figures) -> None:
    part, results = figures
    combined = total(results)
    if part == HELD_OUT:
        assert combined.exact_share >= HELD_OUT_FLOOR, str(combined)  # held out: figures only, no records listed
    else:
        assert combined.exact_share >= TARGET, "\n".join(combined.failures)


def test_no_record_is_silently_wrong_where_a_warning_was_possible(figures) -> None:
    part, results = figures
    combined = total(results)
    if part == HELD_OUT:
        assert combined.silently_wrong <= HELD_OUT_SILENT, str(combined)
        return
    silent = [failure for failure in combined.failures if ": SILENT: " in failure and not any(title in failure for title in UNWARNABLE)]
    assert silent == []
