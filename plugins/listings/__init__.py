"""The listing pages people copy: author profiles, compact listings, Hugging Face Daily Papers.

One reader per layout (profile.py, compact.py, daily.py) over the grammar they share (grammar.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import hookimpl
from bibx.specs import ReaderSpec
from bibx_plugins.listings import compact, daily, profile


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    profile.register_readers(register)
    compact.register_readers(register)
    daily.register_readers(register)
