"""bibx: turn copied paper listings into bibliographies, through pluggable readers and writers."""

from bibx.hookspecs import hookimpl
from bibx.model import Organization, Paper, PartialDate, Person, Provenance, Report
from bibx.specs import Deferred, EntryWriter, ReadContext, ReaderSpec, WriteContext, Writer, WriterOptionError, WriterSpec, read_by_records

__all__ = [
    "Deferred",
    "EntryWriter",
    "Organization",
    "PartialDate",
    "Paper",
    "Person",
    "Provenance",
    "ReadContext",
    "ReaderSpec",
    "Report",
    "WriteContext",
    "Writer",
    "WriterOptionError",
    "WriterSpec",
    "hookimpl",
    "read_by_records",
]
