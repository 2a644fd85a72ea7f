"""The first pass's reading kept on disk, so that the second pass replays it instead of reading again.

Reading an input (the listing grammar, LaTeX to rich text, names) costs several times what pickling
its papers and unpickling them does, so an export reads each input once: the first pass passes its
papers and reports through a :class:`Spill`, in blocks, to a file in the export's spool folder, and
the second pass replays them in the same order into the real accounting. Memory stays flat: one
block (:data:`BLOCK` events) is in memory at a time.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from bibx.accounting import Accounting
from bibx.model import Paper, Report

BLOCK = 256  # events pickled at a time: fewer, larger pickle calls are cheaper per paper
_REPORT, _INCOMPLETE = 0, 1


class Spill:
    """One file of events: papers, reader reports and inputs found incomplete, in the order read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._block: list[Paper | tuple[int, Report]] = []
        self._out: BinaryIO | None = None

    def recorder(self) -> Accounting:
        """The first pass's accounting: it keeps every report for the replay instead of passing it on."""
        return _Recorder(self)

    def recorded(self, papers: Iterator[Paper]) -> Iterator[Paper]:
        """``papers``, each also kept; the file is complete once they are exhausted."""
        with self.path.open("wb") as self._out:
            for paper in papers:
                self.add(paper)
                yield paper
            self._flush()
        self._out = None

    def add(self, event: Paper | tuple[int, Report]) -> None:
        self._block.append(event)
        if len(self._block) == BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self._block and self._out is not None:
            pickle.dump(self._block, self._out, pickle.HIGHEST_PROTOCOL)
        self._block = []

    def replayed(self, accounting: Accounting) -> Iterator[Paper]:
        """The second pass: the papers in order, every report made again to ``accounting`` in its place."""
        summary = accounting.summary
        with self.path.open("rb") as spilled:
            while True:
                try:
                    block = pickle.load(spilled)
                except EOFError:
                    return
                for event in block:
                    if isinstance(event, Paper):
                        summary.read += 1
                        yield event
                    elif event[0] == _INCOMPLETE:
                        accounting.input_incomplete(event[1])
                    else:
                        accounting.reader_report(event[1])


class _Recorder(Accounting):
    """Counts as an :class:`Accounting` does (the reading loop looks at the count), and keeps each report."""

    def __init__(self, spill: Spill) -> None:
        super().__init__(lambda _report: None)
        self._spill = spill

    def input_incomplete(self, report: Report) -> None:
        self.incomplete.setdefault(report.path, report)
        self.summary.read += report.rejected
        self._spill.add((_INCOMPLETE, report))

    def reader_report(self, report: Report) -> None:
        if report.rejected:
            self.summary.read += 1
        self._spill.add((_REPORT, report))
