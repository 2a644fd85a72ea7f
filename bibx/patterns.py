"""Regular expressions compiled on first use, for the few whose compiling costs every start of bibx.

A character class over the CJK blocks (tens of thousands of code points) takes ``re`` 2–4 ms to
compile, in every process, while most runs never read a character of those blocks.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split")


class LazyPattern:
    """``re.compile(source)`` on the first use of its methods, which then stand on the instance (no indirection after that)."""

    def __init__(self, source: str) -> None:
        self.pattern = source

    def __getattr__(self, name: str) -> Any:
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = re.compile(self.pattern)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
