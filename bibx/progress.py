"""What a terminal shows while a long export or a lookup runs: a running count on stderr, nothing elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import click

PROGRESS_AFTER_SECONDS = 2.0


def progress_display() -> Callable[[int], None] | None:
    """A running count on a terminal's stderr once an export takes more than a moment; None elsewhere."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def show(written: int) -> None:
        if time.monotonic() - started > PROGRESS_AFTER_SECONDS:
            click.echo(f"\rbibx: {written:,} papers…", err=True, nl=False)

    return show


def resolve_progress_display() -> Callable[[int], None] | None:
    """A count of the papers looked up so far, on a terminal's stderr; None elsewhere."""
    if not sys.stderr.isatty():
        return None
    return lambda done: click.echo(f"\rbibx: resolving: {done:,} papers looked up…", err=True, nl=False)
