"""bibx.patterns: a lazily compiled pattern answers as the compiled one, and compiles only when used."""

from __future__ import annotations

import re

import pytest

from bibx.names import EAST_ASIAN_CHAR
from bibx.patterns import LazyPattern


def test_a_lazy_pattern_compiles_on_first_use_and_answers_as_re_does() -> None:
    source = "(?:[\u3040-\u30ff][\u3400-\u9fff])$"
    lazy, compiled = LazyPattern(source), re.compile(source)
    assert "search" not in vars(lazy)
    for text in ("", "abc", "の研究", "研究の", "テスト語"):
        assert bool(lazy.search(text)) == bool(compiled.search(text))
        assert bool(lazy.search(text, 1)) == bool(compiled.search(text, 1))
    assert "search" in vars(lazy) and lazy.pattern == source
    with pytest.raises(AttributeError):
        lazy.no_such_method  # noqa: B018


def test_the_east_asian_class_is_the_ranges_it_names() -> None:
    assert EAST_ASIAN_CHAR.search("Nguyen 王 Wei") and EAST_ASIAN_CHAR.search("김민수") and not EAST_ASIAN_CHAR.search("Ødegaard")
