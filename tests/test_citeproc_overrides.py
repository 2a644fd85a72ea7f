"""Every citeproc-py method bibx replaces says which one, and the pin it was written against holds."""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

import citeproc
import pytest
from citeproc import model as csl

import bibx_plugins.refs.citeproc_overrides as overrides
from bibx_plugins.refs.citeproc_overrides import cite, element_base, elements, join, names

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
MODULES = (cite, element_base, elements, join, names)


def _replaced(cls: type, name: str) -> type | None:
    """The citeproc-py class whose ``name`` bibx's ``cls`` replaces: the next in its method order, or
    for a mixin (which citeproc-py classes take in front of their own), the first that defines it."""
    for base in cls.__mro__[1:]:
        if base.__module__.startswith("citeproc.") and name in vars(base):
            return base
    mixin = not any(base.__module__.startswith("citeproc.") for base in cls.__mro__)
    candidates = (base for base in vars(csl).values() if isinstance(base, type) and base.__module__ == csl.__name__ and name in vars(base))
    return next(candidates, None) if mixin else None


def _overriding_methods() -> list[tuple[type, str, type]]:
    """(bibx class, method name, the citeproc-py class whose method it replaces)."""
    found = []
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, value in vars(cls).items():
                if (inspect.isfunction(value) or isinstance(value, property)) and not name.startswith("__"):
                    replaced = _replaced(cls, name)
                    if replaced is not None:
                        found.append((cls, name, replaced))
    return found


OVERRIDES = _overriding_methods()


def test_the_overrides_are_found() -> None:
    replaced = {f"{base.__name__}.{name}" for _, name, base in OVERRIDES}
    assert {"Group.process", "Name.initialize", "Substitute.render", "TextCased.case", "Delimited.join", "CitationItem.number"} <= replaced


@pytest.mark.parametrize(("cls", "name", "base"), OVERRIDES, ids=[f"{cls.__name__}.{name}" for cls, name, _ in OVERRIDES])
def test_each_override_names_the_citeproc_py_behaviour_it_replaces(cls: type, name: str, base: type) -> None:
    member = vars(cls)[name]
    function = member.fget if isinstance(member, property) else member
    # The method's own docstring or comment, or its class's docstring, names the method it replaces.
    text = inspect.getsource(function) + (cls.__doc__ or "")
    assert f"{base.__name__}.{name}" in text, f"{cls.__name__}.{name} does not say which citeproc-py behaviour it replaces"


def test_citeproc_py_is_the_version_the_overrides_were_written_for() -> None:
    pinned = re.search(r'"citeproc-py==([^"]+)"', PYPROJECT.read_text(encoding="utf-8"))
    assert pinned is not None, "pyproject.toml pins citeproc-py: the overrides rely on its internals"
    assert version("citeproc-py") == pinned.group(1) == "0.11.1"
    assert citeproc.__version__ == "0.11.1"
    assert "0.11.1" in (overrides.__doc__ or "")
