"""Start-up (issue 18): commands import only what they run, and built-in formats are declared with Deferred functions.

Which modules a command imports is checked in a fresh interpreter, since the test process has
imported everything already.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import bibx_plugins.refs
from bibx.plugins import load_host
from bibx.specs import Deferred, ReaderSpec, WriterSpec
from bibx.testing import seed_files
from bibx_plugins.refs import writer as refs_writer

# Runs ``bibx ARGS`` in this interpreter and prints the bibx modules it imported, as JSON, on stderr.
IMPORTED_BY = """
import json, sys
from bibx.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.startswith(("bibx.", "bibx_plugins.")))), file=sys.stderr)
"""
FORMAT_MODULES = {
    "bibx_plugins.bibtex.reader",
    "bibx_plugins.bibtex.writer",
    "bibx_plugins.bibx_json.codec",
    "bibx_plugins.csl.reader",
    "bibx_plugins.csl.writer",
    "bibx_plugins.listings.compact",
    "bibx_plugins.listings.daily",
    "bibx_plugins.listings.profile",
    "bibx_plugins.refs.writer",
    "bibx_plugins.ris.reader",
    "bibx_plugins.ris.writer",
}


def imported_by(*args: str, cwd: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", IMPORTED_BY, *args], capture_output=True, text=True, cwd=cwd, check=True)
    modules: list[str] = json.loads(result.stderr.splitlines()[-1])
    return set(modules)


@pytest.mark.parametrize("command", [["--help"], ["formats"], ["plugins"]], ids=" ".join)
def test_listing_commands_import_no_reader_or_writer(command: list[str], tmp_path: Path) -> None:
    imported = imported_by(*command, cwd=tmp_path)
    assert "bibx_plugins.listings" in imported and "bibx_plugins.refs" in imported  # every plugin is registered
    assert not imported & FORMAT_MODULES


def test_help_imports_no_stage(tmp_path: Path) -> None:
    imported = imported_by("--help", cwd=tmp_path)
    assert not imported & {"bibx.pipeline", "bibx.inspection", "bibx.reading", "bibx.output"}


def test_an_export_of_a_listing_imports_the_listing_readers_and_its_writer_only(tmp_path: Path) -> None:
    output = tmp_path / "out.bib"
    imported = imported_by("export", str(seed_files()[0]), "--as-of", "2026-11-25", "-o", str(output), cwd=tmp_path)
    assert output.read_text(encoding="utf-8").startswith("@misc{")
    listings = {"bibx_plugins.listings.compact", "bibx_plugins.listings.daily", "bibx_plugins.listings.profile"}
    assert imported & FORMAT_MODULES == {*listings, "bibx_plugins.bibtex.writer"}


# --- Deferred ----------------------------------------------------------------------------------


def test_a_deferred_function_is_imported_on_its_first_call_and_pickles_as_its_target() -> None:
    deferred = Deferred("os.path:join")
    assert repr(deferred) == "Deferred('os.path:join')"
    assert deferred("a", "b") == "a/b" and deferred("c", "d") == "c/d"
    again = pickle.loads(pickle.dumps(deferred))
    assert isinstance(again, Deferred) and again.target == "os.path:join" and again("e", "f") == "e/f"


def test_a_deferred_function_that_does_not_exist_fails_at_its_call() -> None:
    deferred = Deferred("bibx_plugins.no_such_module:read")
    with pytest.raises(ModuleNotFoundError):
        deferred([], None)


def builtin_specs() -> list[ReaderSpec | WriterSpec]:
    host = load_host()
    return [*host.readers.qualified.values(), *host.writers.qualified.values()]


@pytest.mark.parametrize("spec", builtin_specs(), ids=lambda spec: f"{type(spec).__name__}:{spec.name}")
def test_every_deferred_function_of_a_builtin_format_resolves_to_a_callable(spec: ReaderSpec | WriterSpec) -> None:
    functions = [getattr(spec, field) for field in ("read", "sniff", "records", "interpret", "factory") if hasattr(spec, field)]
    deferred = [function for function in functions if isinstance(function, Deferred)]
    assert deferred, spec  # every built-in format reads or writes through a Deferred function
    for function in deferred:
        assert callable(function.resolve()), function


def test_declarations_name_the_defaults_their_modules_use() -> None:
    written: list[WriterSpec] = []
    bibx_plugins.refs.bibx_register_writers(written.append)
    (refs,) = written
    assert refs.options["style"].endswith(f"default {refs_writer.DEFAULT_STYLE}")
    assert f"lists of {refs_writer.PARALLEL_MIN_PAPERS}+ papers" in refs.options["jobs"]
