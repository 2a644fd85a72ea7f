"""Plain-text descriptions for ``bibx formats``, ``bibx plugins`` and ``bibx inspect``."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bibx.model import Organization, Paper, Person, Report
from bibx.plugins import PluginHost
from bibx.richtext import to_plain

if TYPE_CHECKING:
    from bibx.resolve import ResolveOptions


def describe_formats(host: PluginHost) -> str:
    lines = ["Input formats (-f/--from):"]
    for name, spec in sorted(host.readers.specs.items()):
        detect = "auto-detected" if spec.sniff else "only with --from"
        lines.append(f"  {name:<10} {spec.description} [{host.readers.owners[name]}; {detect}]")
    lines.append("Output formats (-t/--to):")
    for name, writer in sorted(host.writers.specs.items()):
        extensions = ", ".join(f".{ext}" for ext in writer.extensions) or "no extension"
        lines.append(f"  {name:<10} {writer.description} [{host.writers.owners[name]}; {extensions}; {writer.media_type}]")
        lines.extend(f"  {'':<10}   -O {option}=…  {text}" for option, text in writer.options.items())
    return "\n".join(lines)


def describe_plugins(host: PluginHost, requirements: bool = False) -> str:
    if requirements:
        pins = {f"{info.distribution}=={info.version}" for info in host.plugins.values() if info.distribution}
        return "\n".join(sorted(pins))
    rows = [
        (info.name, f"{info.distribution} {info.version}".strip() or "(registered in-process)", info.module,
         f"FAILED: {info.error}" if info.error else ", ".join(info.hooks))
        for info in host.plugins.values()
    ]
    return aligned([("PLUGIN", "DISTRIBUTION", "MODULE", "HOOKS"), *rows]) if rows else ""


def aligned(rows: Sequence[tuple[str, ...]]) -> str:
    """Rows as columns padded to their widest cell (the last column is not padded)."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return "\n".join("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]) for row in rows)


def inspect_inputs(
    files: Sequence[str], reader: str | None, as_of: dt.date, host: PluginHost, papers: bool = False, resolve: ResolveOptions | None = None
) -> tuple[str, bool]:
    """What each file yields on its own (no merging): format, paper count, and every report.

    With ``papers``, every paper read is listed too, one line each (title | authors | date |
    warnings), so a person can check a copied page before exporting it; with ``resolve``, papers
    are completed first and each field a resolver supplied is listed under its paper.
    """
    from bibx.pipeline import Accounting, ReadRequest, read_papers  # `bibx formats` and `bibx plugins` need no stage

    lines, clean = [], True
    for file in files:
        reports: list[Report] = []
        accounting = Accounting(reports.append)
        with tempfile.TemporaryDirectory(prefix="bibx-") as spool:
            read = list(read_papers(ReadRequest([file], reader, as_of, merge=False, resolve=resolve), host, accounting, Path(spool)))
        formats = sorted({source.reader for paper in read for source in paper.sources})
        summary = accounting.summary
        lines.append(f"{file}: {', '.join(formats) or 'unreadable'}: {len(read)} papers, {summary.rejected} rejected, {summary.warnings} warnings")
        if papers:
            lines.extend(describe_papers(read, reports))
        else:
            lines.extend(f"  {report}" for report in reports)
        clean = clean and summary.clean
    return "\n".join(lines), clean


def describe_papers(papers: Sequence[Paper], reports: Sequence[Report]) -> list[str]:
    """One line per paper, its warnings after it, and the reports that belong to no paper at the end."""
    by_line: dict[int | None, list[Report]] = {}
    for report in reports:
        by_line.setdefault(report.line, []).append(report)
    lines = []
    for paper in papers:
        origin = paper.origin
        own = by_line.pop(origin.line, []) if origin else []
        warned = f" | {len(own)} warning(s)" if own else ""
        lines.append(f"  {origin.line if origin else '?':>5}  {to_plain(paper.title)} | {paper_authors(paper)} | {paper_date(paper)}{warned}")
        lines.extend(f"         ! {report.message}" for report in own)
        lines.extend(f"         ← {source}" for source in paper.field_sources)
    lines.extend(f"  {report}" for line_reports in by_line.values() for report in line_reports)
    return lines


def paper_authors(paper: Paper) -> str:
    if not paper.authors_known:
        return "(no authors listed)"
    names = [creator_name(creator) for creator in paper.creators]
    return "; ".join(names) + ("; et al." if paper.authors_truncated else "") if names else "(none)"


def creator_name(creator: Person | Organization) -> str:
    """ "Family, Given" so that the split is visible; organisations as they are."""
    if isinstance(creator, Organization):
        return f"{creator.name} [org]"
    return f"{creator.family}, {creator.given}" if creator.given else creator.family


def paper_date(paper: Paper) -> str:
    if paper.date:
        return paper.date.isoformat() + (" (year inferred)" if paper.date.year_inferred else "")
    if paper.listing_date:
        return f"listed {paper.listing_date.isoformat()}"
    return "no date"
