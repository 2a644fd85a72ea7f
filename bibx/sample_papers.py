"""Real papers for tests: the seed dumps packaged with bibx, read as ``bibx export`` reads them.

Installed from a wheel, the dumps are package data (``bibx/samples/``); in a source checkout
(an editable install) they are the repository's ``seeds/`` folder, the one the README's commands use.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bibx.model import Paper, Report
from bibx.pipeline import Accounting, ReadRequest, read_papers
from bibx.plugins import PluginHost, load_host

_PACKAGE = Path(__file__).resolve().parent
SAMPLE_FOLDERS = (_PACKAGE / "samples", _PACKAGE.parent / "seeds")  # installed, then the source tree
SEED_AS_OF = dt.date(2026, 11, 25)  # the day the dumps were copied: dates without a year are completed from it


def host_with(*plugins: object, builtins: bool = True) -> PluginHost:
    """A new host with bibx's installed plugins (unless ``builtins=False``) plus ``plugins`` inline."""
    return load_host(entry_points=None if builtins else (), extra_plugins=plugins)


def collect_papers(
    files: Sequence[str | Path], as_of: dt.date = SEED_AS_OF, merge: bool = True, host: PluginHost | None = None, reader: str | None = None
) -> tuple[list[Paper], list[Report]]:
    """Read files as ``bibx export`` would (keys assigned; ``reader`` is ``--from``) and return the papers and every report."""
    reports: list[Report] = []
    request = ReadRequest([str(file) for file in files], reader=reader, as_of=as_of, merge=merge)
    with tempfile.TemporaryDirectory(prefix="bibx-") as spool:
        papers = list(read_papers(request, host or load_host(), Accounting(reports.append), Path(spool)))
    return papers, reports


def seed_files() -> list[Path]:
    """The five seed dumps (author profiles, compact listings, a Daily Papers feed), in name order.

    Raises :class:`FileNotFoundError` when neither the installed nor the source copy is there, so
    that a test over the samples can never pass on nothing.
    """
    for folder in SAMPLE_FOLDERS:
        if files := sorted(folder.glob("*.txt")):
            return files
    raise FileNotFoundError(f"bibx's sample dumps are missing (looked in {', '.join(map(str, SAMPLE_FOLDERS))}): reinstall bibx-export")


def seed_papers() -> list[Paper]:
    """All papers of the seed dumps (200 after merging), with citation keys, as of 2026-11-25."""
    papers, _ = collect_papers(seed_files())
    return papers
