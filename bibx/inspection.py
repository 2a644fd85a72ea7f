"""Plain-text descriptions for ``bibx formats``, ``bibx plugins`` and ``bibx inspect``."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bibx.model import Report
from bibx.pipeline import Accounting, ReadRequest, read_papers
from bibx.plugins import PluginHost


def describe_formats(host: PluginHost) -> str:
    lines = ["Input formats (--from):"]
    for name, spec in sorted(host.readers.specs.items()):
        detect = "auto-detected" if spec.sniff else "only with --from"
        lines.append(f"  {name:<10} {spec.description} [{host.readers.owners[name]}; {detect}]")
    lines.append("Output formats (--format):")
    for name, spec in sorted(host.writers.specs.items()):
        extensions = ", ".join(f".{ext}" for ext in spec.extensions) or "no extension"
        lines.append(f"  {name:<10} {spec.description} [{host.writers.owners[name]}; {extensions}; {spec.media_type}]")
        lines.extend(f"  {'':<10}   -O {option}=…  {text}" for option, text in spec.options.items())
    return "\n".join(lines)


def describe_plugins(host: PluginHost, requirements: bool = False) -> str:
    if requirements:
        pins = {f"{info.distribution}=={info.version}" for info in host.plugins.values() if info.distribution}
        return "\n".join(sorted(pins))
    lines = []
    for info in host.plugins.values():
        origin = f"{info.distribution} {info.version}".strip() or "(registered in-process)"
        state = f"FAILED: {info.error}" if info.error else ", ".join(info.hooks)
        lines.append(f"{info.name:<10} {origin:<16} {info.module:<28} {state}")
    return "\n".join(lines)


def inspect_inputs(files: Sequence[str], reader: str | None, as_of: dt.date, host: PluginHost) -> tuple[str, bool]:
    """What each file yields on its own (no merging): format, paper count, and every report."""
    lines, clean = [], True
    for file in files:
        reports: list[Report] = []
        accounting = Accounting(reports.append)
        with tempfile.TemporaryDirectory(prefix="bibx-") as spool:
            papers = list(read_papers(ReadRequest([file], reader, as_of, merge=False), host, accounting, Path(spool)))
        formats = sorted({source.reader for paper in papers for source in paper.sources})
        summary = accounting.summary
        lines.append(f"{file}: {', '.join(formats) or 'unreadable'}: {len(papers)} papers, {summary.rejected} rejected, {summary.warnings} warnings")
        lines.extend(f"  {report}" for report in reports)
        clean = clean and summary.clean
    return "\n".join(lines), clean
