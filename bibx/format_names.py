"""From what a user typed to a format: ``--from``/``--to`` names, ``-o`` extensions, the default.

Names are matched without regard to case (``--to BibTeX``); a name of the other side says so
(``compact`` is an input format: ``--from compact``); an unknown name or extension lists what is
known and suggests the closest names. With no ``--to`` and no ``-o`` extension, the output is BibTeX.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain
from pathlib import PurePath
from typing import Any, TypeVar

from bibx.plugins import PluginHost, Registry, spec_by_extension
from bibx.specs import ReaderSpec, WriterSpec
from bibx.suggest import closest_names

DEFAULT_WRITER = "bibtex"
# An ``-o`` file's extension also says which markup a writer with an ``output-format`` option writes.
OUTPUT_FORMAT_OPTION = "output-format"
OUTPUT_FORMAT_BY_EXTENSION = {"txt": "text", "html": "html", "htm": "html", "md": "markdown", "markdown": "markdown"}
Spec = TypeVar("Spec", ReaderSpec, WriterSpec)


class UnknownFormat(ValueError):
    """A format name or extension bibx does not know; the message says what to type instead."""


def lookup(registry: Registry[Spec], name: str) -> Spec | None:
    """The format of that name, bare or ``plugin:name``, case ignored when the exact spelling is unknown."""
    exact = registry.get(name)
    if exact is not None:
        return exact
    lowered = name.strip().lower()
    folded: dict[str, Spec] = {key.lower(): spec for key, spec in chain(registry.qualified.items(), registry.specs.items())}
    return folded.get(lowered)


def reader_named(name: str, host: PluginHost) -> ReaderSpec:
    return _named(name, host.readers, host.writers, ("input", "--from"), ("output", "--to"))


def writer_named(name: str, host: PluginHost) -> WriterSpec:
    return _named(name, host.writers, host.readers, ("output", "--to"), ("input", "--from"))


def _named(name: str, registry: Registry[Spec], other: Registry[Any], side: tuple[str, str], other_side: tuple[str, str]) -> Spec:
    """The format of that name on one side; a name of the other side says so, an unknown one suggests names."""
    spec = lookup(registry, name)
    if spec is not None:
        return spec
    if lookup(other, name) is not None:
        raise UnknownFormat(f"{name} is an {other_side[0]} format, not an {side[0]} format; use {other_side[1]} {name}")
    raise UnknownFormat(_unknown(side[0], name, registry.specs))


def writer_for(name: str | None, output: str | None, host: PluginHost) -> WriterSpec:
    """The writer named, else the one the ``-o`` extension names, else BibTeX (no ``-o``, or one without an extension)."""
    if name:
        return writer_named(name, host)
    extension = PurePath(output).suffix if output else ""
    if not extension:
        return writer_named(DEFAULT_WRITER, host)
    spec = spec_by_extension(host.writers.specs, output or "")
    if spec is None:
        raise UnknownFormat(
            f"no output format writes {extension!r} files ({output}); known extensions: {_extensions(host.writers.specs)}; "
            f"or name a format with --to ({', '.join(sorted(host.writers.specs))}){_markup_hint(extension, host)}"
        )
    return spec


def _markup_hint(extension: str, host: PluginHost) -> str:
    """For ``-o refs.md``: the formats that write that markup when named."""
    markup = OUTPUT_FORMAT_BY_EXTENSION.get(extension.lstrip(".").lower())
    takers = sorted(name for name, spec in host.writers.specs.items() if OUTPUT_FORMAT_OPTION in spec.options)
    return f"; {' or '.join(f'--to {name}' for name in takers)} writes it as {markup}" if markup and takers else ""


def options_for(spec: WriterSpec, output: str | None, options: Mapping[str, str]) -> dict[str, str]:
    """The user's writer options, with ``output-format`` taken from the ``-o`` extension when not given."""
    chosen = dict(options)
    extension = PurePath(output).suffix.lstrip(".").lower() if output else ""
    inferred = OUTPUT_FORMAT_BY_EXTENSION.get(extension)
    if OUTPUT_FORMAT_OPTION in spec.options and OUTPUT_FORMAT_OPTION not in chosen and inferred:
        chosen[OUTPUT_FORMAT_OPTION] = inferred
    return chosen


def format_names(host: PluginHost, side: str) -> list[str]:
    """The names ``--from`` (``side="input"``) or ``--to`` (``"output"``) accepts, for completion and help."""
    registry = host.readers if side == "input" else host.writers
    return sorted(registry.specs)


def _unknown(side: str, name: str, specs: Mapping[str, ReaderSpec] | Mapping[str, WriterSpec]) -> str:
    message = f"unknown {side} format {name!r}"
    close = closest_names(name, specs)
    if close:
        message += f"; did you mean: {', '.join(close)}?"
    return f"{message} (known: {', '.join(sorted(specs))}; see `bibx formats`)"


def _extensions(specs: Mapping[str, WriterSpec]) -> str:
    return ", ".join(f".{ext} ({name})" for name, spec in sorted(specs.items()) for ext in spec.extensions)
