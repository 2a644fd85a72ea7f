from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bibx.citekeys import KeyAssigner, KeyBases, KeyCollisions, KeyPatternError, ascii_fold, compile_pattern
from bibx.merge import title_key
from bibx.model import Organization, Paper, PartialDate, Person
from bibx.testing import SEED_AS_OF, collect_papers, seed_files, seed_papers


def paper(title: str = "A Roadmap for Big Model", *creators, year: int | None = 2022) -> Paper:
    return Paper(title, tuple(creators) or (Person("Yuan", "Sha"),), date=PartialDate(year) if year else None)


def test_default_pattern_is_author_year_first_significant_title_word() -> None:
    assert KeyAssigner().assign(paper()) == "yuan2022roadmap"


def test_accents_are_folded_to_ascii() -> None:
    assert KeyAssigner().assign(paper("Économie de l'IA", Person("Rodríguez", "José"))) == "rodriguez2022economie"
    assert ascii_fold("Müller-Łukasz Ørsted Straße") == "Muller-LukaszOrstedStrasse"


def test_organisations_are_keyed_by_their_name_word_not_team() -> None:
    assigner = KeyAssigner()
    assert assigner.assign(paper("Wan", Organization("Team Wan"))) == "wan2022wan"
    assert assigner.assign(paper("Hunyuan", Organization("Tencent Hunyuan Team"))) == "tencent2022hunyuan"


def test_an_organisation_without_a_name_gives_no_name_part_instead_of_a_crash() -> None:
    # A bibx JSON file may hold {"name": ""}: the key falls back as for a paper without authors.
    assert KeyAssigner().assign(paper("Roadmap", Organization(""))) == KeyAssigner().assign(Paper("Roadmap", (), date=PartialDate(2022)))


def test_collisions_get_letter_suffixes_in_order() -> None:
    assigner = KeyAssigner()
    assert [assigner.assign(paper()) for _ in range(4)] == ["yuan2022roadmap", "yuan2022roadmapa", "yuan2022roadmapb", "yuan2022roadmapc"]


def test_kept_keys_are_reserved_against_generated_ones() -> None:
    assigner = KeyAssigner(reserved={"yuan2022roadmap"})
    assert assigner.assign(paper()) == "yuan2022roadmapa"
    assert assigner.keep("yuan2022roadmap") == "yuan2022roadmap"


def test_patterns_fields_and_literals() -> None:
    p = paper("Every FLOP Counts: Scaling", Person("Team", "Ling"), year=None)
    assert KeyAssigner("{Auth}_{year}:{shorttitle}").assign(p) == "Team_:EveryFlopCounts"


def test_unknown_field_is_a_clear_error() -> None:
    with pytest.raises(KeyPatternError, match=r"unknown field \{journal\}"):
        compile_pattern("{auth}{journal}")


def test_seed_keys_are_unique_ascii_and_stable_across_runs(seeds: list[Paper]) -> None:
    keys = [p.key for p in seeds]
    assert len(set(keys)) == 200 and all(key and key.isascii() for key in keys)
    assert keys == [p.key for p in seed_papers()]


def keys_in_one_export(papers: list[Paper], pattern: str = "{auth}{year}{title}") -> dict[str, str]:
    """Title → key, with the first pass over the papers that an export makes."""
    collisions = KeyCollisions(KeyBases(pattern))
    for p in papers:
        collisions.observe(p, title_key(p.title))
    collisions.finish()
    assigner = KeyAssigner(pattern, collisions=collisions)
    return {p.title: assigner.assign(p) for p in papers}


def test_a_paper_without_a_publication_year_has_no_year_in_its_key() -> None:
    assert KeyAssigner().assign(paper(year=None)) == "yuanroadmap"
    inferred = Paper("A Roadmap for Big Model", (Person("Yuan", "Sha"),), date=PartialDate(2026, 5, year_inferred=True))
    assert KeyAssigner().assign(inferred) == "yuanroadmap"
    listed = Paper("A Roadmap for Big Model", authors_known=False, listing_date=PartialDate(2026, 7, 29))
    assert KeyAssigner().assign(listed) == "anonroadmap"


def test_colliding_keys_are_told_apart_by_content_in_any_order() -> None:
    papers = [
        paper("Every FLOP Counts: Scaling a 300B Model", Person("Ling", "Team")),
        paper("Every Token Matters", Person("Ling", "Team")),
        paper("Every FLOP Counts: Scaling a 300B Model Again", Person("Ling", "Team")),
        paper("Unrelated Title", Person("Other", "Ann")),
    ]
    expected = {
        "Every FLOP Counts: Scaling a 300B Model": "ling2022everyflopcounts-" + title_key("Every FLOP Counts: Scaling a 300B Model")[:2].hex(),
        "Every Token Matters": "ling2022everytokenmatters",
        "Every FLOP Counts: Scaling a 300B Model Again": "ling2022everyflopcounts-"
        + title_key("Every FLOP Counts: Scaling a 300B Model Again")[:2].hex(),
        "Unrelated Title": "other2022unrelated",
    }
    for order in itertools.permutations(papers):
        assert keys_in_one_export(list(order)) == expected


def test_extension_follows_the_pattern_s_title_words() -> None:
    papers = [paper("Every FLOP Counts Scaling Up"), paper("Every FLOP Counts Twice Over")]
    assert set(keys_in_one_export(papers, "{auth}:{shorttitle}").values()) == {
        "yuan:EveryFlopCountsScalingUp",
        "yuan:EveryFlopCountsTwice",
    }  # "over" is a function word


def test_the_same_title_read_twice_is_not_a_collision() -> None:
    same = [paper(), paper("A roadmap for big model!")]
    collisions = KeyCollisions(KeyBases())
    for p in same:
        collisions.observe(p, title_key(p.title))
    collisions.finish()
    assert not collisions.base_collides("yuan2022roadmap")


def test_seed_keys_do_not_depend_on_the_order_of_the_inputs(seeds: list[Paper]) -> None:
    reversed_papers, _ = collect_papers(list(reversed(seed_files())))
    assert {p.title: p.key for p in reversed_papers} == {p.title: p.key for p in seeds}
    unmerged, _ = collect_papers(list(reversed(seed_files())), merge=False)
    again, _ = collect_papers(seed_files(), merge=False)
    assert sorted((p.title, p.key) for p in unmerged) == sorted((p.title, p.key) for p in again)


def test_seed_keys_do_not_depend_on_the_run_date(seeds: list[Paper]) -> None:
    a_year_later, _ = collect_papers(seed_files(), as_of=SEED_AS_OF + dt.timedelta(days=365))
    assert [p.key for p in a_year_later] == [p.key for p in seeds]
    assert not any(p.key and "2026" in p.key for p in seeds if p.date is None or p.date.year_inferred)
