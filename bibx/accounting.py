"""The accounting of one run: every record read is written, merged, skipped or rejected, and every report counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bibx.model import Report

ReportSink = Callable[[Report], None]
NO_PAPERS = "no papers found"


@dataclass
class Summary:
    """The accounting of one run: read = written + merged + skipped + rejected."""

    read: int = 0
    merged: int = 0
    written: int = 0
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0
    unselected: int = 0  # left out by --select/--key
    dry_run: str = ""  # with --dry-run: what the export would have written or replaced

    def __str__(self) -> str:
        return (
            f"read {self.read}, merged {self.merged}, written {self.written}, skipped {self.skipped}, "
            f"rejected {self.rejected}, warnings {self.warnings}" + (f", not selected {self.unselected}" if self.unselected else "")
        )

    @property
    def clean(self) -> bool:
        return not (self.skipped or self.rejected)


class Accounting:
    """Counts every report and passes it on to the user's sink."""

    def __init__(self, sink: ReportSink) -> None:
        self.summary = Summary()
        self._sink = sink
        # Inputs not read to their end (missing, unreadable, a reader that stopped): name → the first report why.
        self.incomplete: dict[str, Report] = {}

    def input_incomplete(self, report: Report) -> None:
        self.incomplete.setdefault(report.path, report)
        self.reader_report(report)

    def reader_report(self, report: Report) -> None:
        if report.rejected:
            self.summary.read += 1
            self.summary.rejected += 1
        else:
            self.summary.warnings += 1
        self._sink(report)

    def writer_report(self, report: Report) -> None:
        if report.raw and "\n" not in report.raw and report.raw not in report.message:
            # A writer's report is about one paper (``raw`` is its title): name it, its line alone may not say which.
            report = replace(report, message=f'"{report.raw}": {report.message}')
        if report.rejected:
            self.summary.skipped += 1
        else:
            self.summary.warnings += 1
        self._sink(report)


def ignore(report: Report) -> None:
    """The report sink of a first pass: the second pass makes every report again and counts it."""
