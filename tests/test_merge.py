"""Papers read from several listings become one, combining what each listing knew."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bibx.merge import contradiction, merge_papers, merge_readings, title_key
from bibx.model import Organization, Paper, PartialDate, Person, Provenance
from bibx.testing import collect_papers, seed_files

MERGED_TITLES = {
    "ROAM: memory-efficient large DNN training via optimized operator ordering and memory layout": {"000", "002"},
    "AquilaMoE: Efficient Training for MoE Models with Scale-Up and Scale-Out Strategies": {"000", "004"},
    "Wan: Open and Advanced Large-Scale Video Generative Models": {"002", "004"},
    "HunyuanVideo: A Systematic Framework For Large Video Generative Models": {"001", "004"},
    "Every FLOP Counts: Scaling a 300B Mixture-of-Experts LING LLM without Premium GPUs": {"003", "004"},
}


def test_seeds_merge_205_records_into_200_papers_with_exactly_five_merges(seeds: list[Paper]) -> None:
    assert len(seeds) == 200
    merged = {paper.title: {source.path.rsplit("/", 1)[-1][:3] for source in paper.sources} for paper in seeds if len(paper.sources) > 1}
    assert merged == MERGED_TITLES


def test_merge_combines_authors_from_a_profile_with_the_feed_listing_date(seeds: list[Paper]) -> None:
    (paper,) = [paper for paper in seeds if paper.title.startswith("Wan: Open")]
    assert paper.creators[0] == Organization("Team Wan") and paper.authors_known and paper.authors_truncated
    assert paper.date == PartialDate(2025, 3, 26)
    assert paper.listing_date == PartialDate(2026, 7, 29, year_inferred=True)
    assert paper.has_code and paper.category == "cs.CV"
    assert [source.reader for source in paper.sources] == ["compact", "daily"]


def test_no_merge_keeps_all_205_records() -> None:
    papers, reports = collect_papers(seed_files(), merge=False)
    assert len(papers) == 205 and reports == []
    assert len({paper.key for paper in papers}) == 205


def test_title_key_ignores_case_punctuation_accents_and_spacing() -> None:
    assert title_key("Café: A  Study-of Things!") == title_key("cafe a study of things")
    assert title_key("A Study") != title_key("A Study 2")


def test_merge_prefers_printed_years_longest_abstract_and_keeps_every_source() -> None:
    profile = Paper(
        "T", (Person("Doe", "Jane"),), True, organizations=("lab",), abstract="short",
        date=PartialDate(2025, 5, 1, year_inferred=True), sources=(Provenance("a.txt", 3, "profile"),),
    )
    compact = Paper(
        "t", (Person("Doe", "Jane"), Person("Roe", "Rick")), True, abstract="a longer abstract",
        date=PartialDate(2024, 5, 1), score=88.5, has_code=True, sources=(Provenance("b.txt", 1, "compact"),),
    )
    merged = merge_papers([profile, compact])
    assert merged.creators == compact.creators
    assert merged.date == PartialDate(2024, 5, 1)
    assert merged.abstract == "a longer abstract"
    assert merged.organizations == ("lab",) and merged.score == 88.5 and merged.has_code
    assert merged.sources == profile.sources + compact.sources


# --- merged only when nothing contradicts it -------------------------------------------------------

INTRO = Paper("Introduction", (Person("Doe", "Jane"), Person("Roe", "Rick")), date=PartialDate(2019), doi="10.1000/a", arxiv_id="1901.00001")


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        (replace(INTRO, doi="10.1000/B"), "different DOIs"),
        (replace(INTRO, arxiv_id="1901.00002v2"), "different arXiv ids"),
        (replace(INTRO, creators=(Person("Smith", "Ann"),)), "no author in common"),
        (replace(INTRO, date=PartialDate(2015)), "years far apart"),
    ],
)
def test_readings_that_contradict_each_other_are_not_merged(other: Paper, reason: str) -> None:
    assert contradiction(INTRO, other) == reason
    assert merge_readings([INTRO, other]) == [INTRO, other]


def test_two_entries_with_keys_of_their_own_stay_two() -> None:
    first, second = replace(INTRO, key="doe2019intro"), replace(INTRO, key="doe2019introduction")
    assert contradiction(first, second) == "each has a citation key of its own"


@pytest.mark.parametrize(
    "other",
    [
        replace(INTRO, title="INTRODUCTION", doi="10.1000/A", arxiv_id="1901.00001v3"),  # case, versions
        replace(INTRO, doi=None, arxiv_id=None, creators=(Person("Doe", "J."),), authors_truncated=True),  # a listing's "et al."
        replace(INTRO, creators=(), authors_known=False, date=PartialDate(2026, year_inferred=True)),  # a feed: no authors, guessed year
        replace(INTRO, date=PartialDate(2021)),  # preprint and journal version
        replace(INTRO, creators=(Person("Müller", "Jörg"),) + INTRO.creators[:1]),  # one author in common is enough
    ],
)
def test_readings_that_nothing_contradicts_are_merged(other: Paper) -> None:
    assert contradiction(INTRO, other) is None
    assert len(merge_readings([INTRO, other])) == 1


def test_three_readings_of_two_papers_with_one_title_become_two() -> None:
    same_as_first = replace(INTRO, doi=None, arxiv_id=None)
    different = replace(INTRO, creators=(Person("Smith", "Ann"),), doi="10.1000/other", arxiv_id=None)
    papers = merge_readings([INTRO, different, same_as_first])
    assert len(papers) == 2
    assert papers[1].creators == different.creators
