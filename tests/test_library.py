"""Merging into an existing library: ``bibx export user.bib dump.txt -o user.bib`` keeps every byte of
user.bib, appends the papers it does not hold yet, and a second run changes nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bibx.testing import SEED_AS_OF, run_cli, seed_files

PROFILE_SEED = seed_files()[3]  # 11 papers; the first is "Focal Reward..." by Yu Huang et al.
USER_BIB = r"""% My library, kept by hand: comments, macros and all.
@string{jmlr = "Journal of Machine Learning Research"}
@preamble{"\newcommand{\noopsort}[1]{}"}
@comment{jabref-meta: databaseType:bibtex;}

@article{knuth1984,
  author = {Donald E. Knuth},
  title = {The {\TeX}book},
  journal = jmlr,
  volume = {1},
  pages = {1--10},
  year = 1984,
}

@book{müller2020,
  author = {Jörg Müller},
  title = {Ein Buch},
  publisher = {Springer},
  isbn = {978-3-16-148410-0},
  year = {2020}
}

@inproceedings{o'brien2019,
  author = {Pat O'Brien},
  title = {Focal Reward: Balanced Reinforcement Learning under Rubric-Based Rewards},
  booktitle = {Proc. of an Older Workshop},
  year = {2019},
  doi = {10.1000/obrien}
}

@misc{broken2021,
  title = {Unbalanced {brace,
  year = {2021}
}

@article{huang2026focal,
  author = {Huang, Yu and Zhao, Zihua and Huan, Zhaoxin and Others, Some},
  title = {Focal Reward: Balanced Reinforcement Learning under Rubric-Based Rewards},
  journal = {A Journal bibx does not model},
  volume = {7},
  year = {2026},
}
""".encode()


def export(*args: str):
    return run_cli(["export", *args, "--as-of", SEED_AS_OF.isoformat(), "-q"])


def entry_keys(text: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", text, re.MULTILINE)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "user.bib"
    path.write_bytes(USER_BIB)
    return path


def test_every_existing_byte_is_kept_and_the_new_papers_appended(library: Path) -> None:
    result = export(str(library), str(PROFILE_SEED), "-o", str(library))
    assert result.exit_code == 0, result.stderr
    written = library.read_bytes()
    assert written.startswith(USER_BIB)
    appended = written[len(USER_BIB) :].decode()
    assert appended.startswith("\n@misc{")
    # Ten new papers; "Focal Reward" by Huang et al. is already huang2026focal, and stays as it is.
    assert len(entry_keys(appended)) == 10 and "Focal Reward" not in appended
    assert "bibx: read 15, merged 1, written 14, skipped 0, rejected 0, warnings 1" in result.stderr
    assert "user.bib: warning: 1 block(s) bibx cannot read are kept as they are" in result.stderr


def test_a_paper_with_the_same_title_by_other_authors_is_not_merged_into_an_entry(library: Path) -> None:
    export(str(library), str(PROFILE_SEED), "-o", str(library))
    keys = entry_keys(library.read_text(encoding="utf-8"))
    assert keys[:5] == ["knuth1984", "müller2020", "o'brien2019", "broken2021", "huang2026focal"]
    assert len(keys) == len(set(keys)) == 15


def test_running_the_same_merge_again_leaves_the_file_byte_identical_and_untouched(library: Path) -> None:
    assert export(str(library), str(PROFILE_SEED), "-o", str(library)).exit_code == 0
    once = library.read_bytes()
    os.utime(library, (1_000_000_000, 1_000_000_000))
    again = export(str(library), str(PROFILE_SEED), "-o", str(library))
    assert again.exit_code == 0, again.stderr
    assert library.read_bytes() == once
    assert library.stat().st_mtime == 1_000_000_000
    assert "merged 11, written 14" in again.stderr


def test_a_library_without_a_final_newline_gets_a_blank_line_before_the_new_papers(tmp_path: Path) -> None:
    library = tmp_path / "refs.bib"
    library.write_bytes(USER_BIB.rstrip(b"\n"))
    export(str(library), str(PROFILE_SEED), "-o", str(library))
    assert library.read_bytes().startswith(USER_BIB.rstrip(b"\n") + b"\n\n@misc{")


def test_a_ris_library_is_kept_and_extended(tmp_path: Path) -> None:
    library = tmp_path / "refs.ris"
    existing = (
        b"TY  - BOOK\nID  - kept2001\nTI  - A Book bibx Reads Only in Part\nAU  - Keeper, Ann\nPB  - A Publisher\nSN  - 12345\nPY  - 2001\nER  - \n"
    )
    library.write_bytes(existing)
    result = export(str(library), str(PROFILE_SEED), "-o", str(library))
    assert result.exit_code == 0, result.stderr
    written = library.read_bytes()
    assert written.startswith(existing + b"\nTY  - ")
    assert written.count(b"\nER  - ") == 12


DUMP_RIS = """TY  - JOUR
TI  - Focal Reward: Balanced Reinforcement Learning under Rubric-Based Rewards
AU  - Huang, Yu
PY  - 2026
DO  - 10.1000/focal
UR  - https://example.org/focal
AB  - A new abstract.
ER  - 

TY  - BOOK
TI  - Ein Buch
AU  - Müller, Jörg
PY  - 2020
UR  - https://example.org/buch
ER  - 
"""


def test_update_is_opt_in_and_touches_only_the_fields_it_names(library: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.ris"
    dump.write_text(DUMP_RIS, encoding="utf-8")
    plain = export(str(library), str(dump), "-o", str(library))
    assert plain.exit_code == 0 and library.read_bytes() == USER_BIB
    updated = export(str(library), str(dump), "-o", str(library), "--update", "url,doi")
    assert updated.exit_code == 0, updated.stderr
    expected = USER_BIB.replace(b"  year = {2020}\n}", b"  year = {2020},\n  url = {https://example.org/buch}\n}").replace(
        b"  year = {2026},\n}", b"  year = {2026},\n  url = {https://example.org/focal},\n  doi = {10.1000/focal},\n}"
    )
    assert library.read_bytes() == expected
    assert b"A new abstract" not in expected
    again = export(str(library), str(dump), "-o", str(library), "--update", "url,doi")
    assert again.exit_code == 0 and library.read_bytes() == expected


def test_an_updated_field_is_replaced_in_place(tmp_path: Path) -> None:
    library = tmp_path / "refs.bib"
    library.write_bytes(b'@book{muller2020, author = "J{\\"o}rg M{\\"u}ller", title = {Ein Buch}, url = {http://old.example} # "/x", year = 2020}\n')
    dump = tmp_path / "dump.ris"
    dump.write_text(DUMP_RIS, encoding="utf-8")
    assert export(str(library), str(dump), "-o", str(library), "--update", "URL").exit_code == 0
    assert library.read_bytes().startswith(
        b'@book{muller2020, author = "J{\\"o}rg M{\\"u}ller", title = {Ein Buch}, '
        b'url = {https://example.org/buch}, year = 2020}\n\n@misc{huang2026focal,'
    )


def test_update_needs_a_bibtex_library(tmp_path: Path) -> None:
    library = tmp_path / "refs.ris"
    library.write_text(DUMP_RIS, encoding="utf-8")
    result = export(str(library), str(PROFILE_SEED), "-o", str(library), "--update", "url")
    assert result.exit_code == 2
    assert "--update edits the entries of a BibTeX library" in result.stderr
    assert library.read_text(encoding="utf-8") == DUMP_RIS


def test_update_without_a_library_to_update_is_a_usage_error(tmp_path: Path) -> None:
    result = export(str(PROFILE_SEED), "-o", str(tmp_path / "new.bib"), "--update", "url")
    assert result.exit_code == 2
    assert "--update edits the entries of the -o file, which must also be one of the inputs" in result.stderr
    assert result.stdout == "" and not list(tmp_path.iterdir())
