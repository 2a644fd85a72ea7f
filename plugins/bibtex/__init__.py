"""BibTeX and BibLaTeX: the two .bib writers (writer.py), the .bib reader (reader.py) and the LaTeX
text both writers print (latex.py).

The formats are declared here and their functions imported on first use (:class:`bibx.specs.Deferred`);
``sniff`` is here too, since detection asks every reader about every input: reading a listing never
imports the .bib reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bibx.hookspecs import hookimpl
from bibx.specs import Deferred, ReaderSpec, WriterSpec

ZOTERO_CAVEAT = (
    'Truncated author lists end in "and others", which LaTeX prints as "et al." but Zotero imports '
    "as an author named \"others\"; use csljson to reach Zotero intact."
)
# The line that opens an entry, a @string or a @comment.
BLOCK_START = re.compile(r"^\s*@\w*[ \t]*[{(]")


def sniff(head: Sequence[str]) -> float:
    starts = [line for line in head if BLOCK_START.match(line)]
    if not starts:
        return 0.0
    first = next(line for line in head if line.strip() and not line.lstrip().startswith("%"))
    return 0.95 if BLOCK_START.match(first) else 0.8


@hookimpl
def bibx_register_writers(register: Callable[[WriterSpec], None]) -> None:
    register(
        WriterSpec(
            name="bibtex",
            description=(
                "BibTeX @misc entries as arXiv exports them (eprint, archivePrefix, primaryClass, url), "
                "ASCII with LaTeX accents, for pdflatex+bibtex and any .bst style (load url or hyperref); "
                "undated papers get year = {n.d.}, which biber warns about: use biblatex for biber. " + ZOTERO_CAVEAT
            ),
            extensions=("bib",),
            media_type="application/x-bibtex",
            factory=Deferred("bibx_plugins.bibtex.writer:BibtexWriter"),
            entries=True,
        )
    )
    register(
        WriterSpec(
            name="biblatex",
            description=(
                "BibLaTeX @online entries (eprinttype arxiv, eprintclass, ISO date), UTF-8, for "
                "biblatex with biber. " + ZOTERO_CAVEAT
            ),
            extensions=("biblatex.bib",),
            media_type="application/x-bibtex",
            factory=Deferred("bibx_plugins.bibtex.writer:BiblatexWriter"),
            entries=True,
        )
    )


@hookimpl
def bibx_register_readers(register: Callable[[ReaderSpec], None]) -> None:
    register(
        ReaderSpec(
            name="bibtex",
            description="BibTeX or BibLaTeX (.bib): keys kept, LaTeX decoded, arXiv eprints, 'and others' as et al.",
            read=Deferred("bibx_plugins.bibtex.reader:read"),
            sniff=sniff,
            extensions=("bib",),
        )
    )
