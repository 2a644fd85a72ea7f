"""The arXiv resolver behind ``bibx export --resolve`` (resolver.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bibx.hookspecs import hookimpl
from bibx.specs import ResolverSpec
from bibx_plugins.arxiv import resolver


@hookimpl
def bibx_register_resolvers(register: Callable[[ResolverSpec], None]) -> None:
    resolver.register_resolvers(register)
