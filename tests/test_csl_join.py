"""bibx's linear ``join`` gives exactly what citeproc-py's quadratic one gives."""

from __future__ import annotations

from typing import Any

from citeproc.string import MixedString, NoCase, String, join
from hypothesis import given
from hypothesis import strategies as st

from bibx_plugins.refs.citeproc_overrides.join import seam_join

# Short texts over the characters the seam check looks at, so that seams collide often.
_TEXT = st.text(alphabet=" .,;:!?ab<", max_size=4)
_SIMPLE = st.one_of(_TEXT, _TEXT.map(String), _TEXT.map(NoCase))
_PIECE = st.one_of(_SIMPLE, st.lists(st.one_of(_TEXT.map(String), _TEXT.map(NoCase)), max_size=3).map(MixedString))


def _shape(value: Any) -> Any:
    """Text, type and segment structure: everything a later element can observe."""
    if isinstance(value, MixedString):
        return "MixedString", [_shape(segment) for segment in value]
    return type(value).__name__, str(value)


@given(st.lists(_PIECE, max_size=7), st.one_of(_SIMPLE, st.sampled_from(["", " ", ". ", ", ", "."])))
def test_seam_join_equals_citeproc_py_join(items: list[Any], delimiter: Any) -> None:
    assert _shape(seam_join(items, delimiter)) == _shape(join(items, delimiter))


def test_seam_join_returns_the_only_item_itself_and_an_empty_string_for_none() -> None:
    only = MixedString([String("a")])
    assert seam_join([only], ", ") is only
    assert _shape(seam_join([], ", ")) == ("String", "")
