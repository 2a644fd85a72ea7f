"""Test helpers shared by the suite: real external clients are required under CI, optional locally."""

from __future__ import annotations

import functools
import io
import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bibx import Paper, Writer


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """Path of the executable ``name``; skip the test locally when missing, fail it under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (.ci/run installs it)"
    if in_ci():
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


def require_shared_file(relative: str) -> Path:
    """A file of the project's ``shared`` folder (beside or above the repository); a plain clone has
    none: skip the test locally with the reason, fail it under CI=true."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / relative
        if candidate.is_file():
            return candidate
    message = f"shared/{relative} not found beside or above the repository (a plain clone has no ../shared)"
    if in_ci():
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


NODE_DIR = Path(__file__).resolve().parent / "node"
NODE_PACKAGES = ("citeproc", "@citation-js/core", "@citation-js/plugin-ris", "@citation-js/plugin-csl")


def require_node_packages() -> str:
    """The node binary, once the packages of tests/node/package.json resolve; skip or fail as require_tool."""
    executable = require_tool("node")
    probe = ";".join(f"require.resolve({json.dumps(package)})" for package in NODE_PACKAGES)
    found = subprocess.run([executable, "-e", probe], cwd=NODE_DIR, capture_output=True, text=True)
    if found.returncode != 0:
        message = f"node packages missing: run `npm install` in {NODE_DIR} (.ci/run does)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return executable


def output_before_each(writer: Writer, papers: Sequence[Paper]) -> tuple[list[str], str]:
    """What ``writer`` had written before it asked for each paper, and its whole output: a streaming
    writer has written paper n-1 by the time it asks for paper n."""
    out = io.StringIO()
    seen: list[str] = []

    def arriving() -> Iterator[Paper]:
        for paper in papers:
            seen.append(out.getvalue())
            yield paper

    writer.write(arriving(), out)
    return seen, out.getvalue()


@functools.cache
def corpus_page_lines() -> tuple[str, ...]:
    """Every non-blank line of the listing corpus's tuned parts rendered as compact and profile pages
    (glued lines, opening lines, titles, author lines, abstracts): made once for the whole test run."""
    from tests.listing_corpus import RENDERERS, load

    lines: list[str] = []
    for part in ("dev", "measure2", "measure3"):
        records = load(part)
        for layout in ("compact", "profile"):
            text, _ = RENDERERS[layout](records, random.Random(f"{part}-{layout}-fast-paths"), f"{part}-{layout}.txt")
            lines += [line.strip() for line in text.splitlines() if line.strip()]
    return tuple(lines)
