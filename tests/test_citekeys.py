from __future__ import annotations

import pytest

from bibx.citekeys import KeyAssigner, KeyPatternError, ascii_fold, compile_pattern
from bibx.model import Organization, PartialDate, Paper, Person
from bibx.testing import seed_papers


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


def test_collisions_get_letter_suffixes_in_order() -> None:
    assigner = KeyAssigner()
    assert [assigner.assign(paper()) for _ in range(4)] == ["yuan2022roadmap", "yuan2022roadmapa", "yuan2022roadmapb", "yuan2022roadmapc"]


def test_kept_keys_are_reserved_against_generated_ones() -> None:
    assigner = KeyAssigner(reserved={"yuan2022roadmap"})
    assert assigner.assign(paper()) == "yuan2022roadmapa"
    assert assigner.keep("yuan2022roadmap") == "yuan2022roadmap"


def test_patterns_fields_and_literals() -> None:
    p = paper("Every FLOP Counts: Scaling", Person("Team", "Ling"), year=None)
    assert KeyAssigner("{Auth}_{year}:{shorttitle}").assign(p) == "Team_nd:EveryFlopCounts"


def test_unknown_field_is_a_clear_error() -> None:
    with pytest.raises(KeyPatternError, match=r"unknown field \{journal\}"):
        compile_pattern("{auth}{journal}")


def test_seed_keys_are_unique_ascii_and_stable_across_runs(seeds: list[Paper]) -> None:
    keys = [p.key for p in seeds]
    assert len(set(keys)) == 200 and all(key and key.isascii() for key in keys)
    assert keys == [p.key for p in seed_papers()]
