"""Interleaved A/B of one function: the working tree's against the same module at a git revision.

    python benchmarks/ab_function.py bibx_plugins.bibtex.latex latex_prose HEAD~1 --field title,abstract \\
        --kwargs '{"ascii_only": true, "protect_case": true}' /tmp/bibx-bench/dump-10k-seed2026/*.txt

The papers of FILES are read once; the function is called on each paper's FIELDS (``title``,
``abstract``: attributes of :class:`bibx.model.Paper`), alternately with the revision's module (A)
and the working tree's (B), ``--rounds`` times. Prints the best CPU µs per call of each and checks
that both return the same values (a speed change must not change the output). The machine is
shared: interleaving and taking the best round keep the comparison fair.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

from bibx.accounting import Accounting
from bibx.plugins import load_host
from bibx.reading import ReadRequest, open_inputs, stream_papers


def module_at(name: str, revision: str) -> object:
    """The module ``name`` as it is at ``revision`` (its other imports are the working tree's)."""
    path = Path(importlib.util.find_spec(name).origin)  # type: ignore[union-attr, arg-type]
    root = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path.parent, capture_output=True, text=True, check=True).stdout.strip())
    source = subprocess.run(["git", "show", f"{revision}:{path.relative_to(root)}"], cwd=root, capture_output=True, text=True, check=True).stdout
    spec = importlib.util.spec_from_loader(f"{name}_at_{revision}", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - the repository's own code
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("function")
    parser.add_argument("revision")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--field", default="title,abstract")
    parser.add_argument("--kwargs", default="{}")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    host = load_host()
    accounting = Accounting(lambda _report: None)
    request = ReadRequest([str(path) for path in args.files], as_of=dt.date(2026, 11, 25))
    opened = open_inputs(request.inputs, None, host, accounting, Path("/tmp"))
    values = [value for paper in stream_papers(opened, request, accounting) for field in args.field.split(",") if (value := getattr(paper, field))]
    kwargs = json.loads(args.kwargs)
    old = getattr(module_at(args.module, args.revision), args.function)
    new = getattr(importlib.import_module(args.module), args.function)
    assert [old(value, **kwargs) for value in values] == [new(value, **kwargs) for value in values], "the outputs differ"
    best = {"A": float("inf"), "B": float("inf")}
    for _ in range(args.rounds):
        for label, function in (("A", old), ("B", new)):
            start = time.process_time()
            for value in values:
                function(value, **kwargs)
            best[label] = min(best[label], time.process_time() - start)
    a, b = (best[label] / len(values) * 1e6 for label in "AB")
    print(f"{args.module}.{args.function} on {len(values):,} values: A ({args.revision}) {a:.1f} µs, B (working tree) {b:.1f} µs, B/A {b / a:.2f}")


if __name__ == "__main__":
    main()
