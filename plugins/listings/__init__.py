"""The listing pages people copy: author profiles, compact listings, Hugging Face Daily Papers.

One reader per layout (profile.py, compact.py, daily.py) over the grammar they share (grammar.py),
each imported on first use (:class:`bibx.specs.Deferred`).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, ReaderSpec

# Each layout's name (that of its module too) and description, in the order they are registered.
LAYOUTS = (
    ("profile", "author-profile page: header with h-index, then category/date, title, authors · orgs, abstract"),
    ("compact", "compact listing: optional score + category/date line, title glued to the authors, abstract"),
    ("daily", "Hugging Face Daily Papers page: listing date, then title/abstract pairs (no authors)"),
)


def layout_reader(name: str, description: str) -> ReaderSpec:
    module = f"bibx_plugins.listings.{name}"
    functions = {function: Deferred(f"{module}:{function}") for function in ("read", "sniff", "records", "interpret")}
    return ReaderSpec(name=name, description=description, extensions=("txt",), **functions)


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    for name, description in LAYOUTS:
        register(layout_reader(name, description))
