"""Cite disambiguation as citeproc-js does it: the names it adds, and which items get year suffixes.

citeproc-py has no cite disambiguation (``citeproc.model.If.render``: "TODO disambiguate").
:class:`YearSuffixRule` says which items of an author-date style citeproc-js tells apart by year
suffixes (2019a, 2019b): those whose citations stay alike after disambiguation by names.
:class:`AddNamesRule` says how many names it shows for each item of a style with
``disambiguate-add-names``. citeproc-js (2.4.63, ``CSL.Disambiguation``) groups items
whose citations print alike, then steps a shared configuration forward (expand the first name's
given name, then add names one by one), registering an item with the best configuration reached
when its citation no longer clashes. The names it adds show in the bibliography as well ("Jiang,
Yuezihan, Hao Yang, et al."). :func:`names_shown` replays that state machine on a model of the
citation (each shown name as family plus the given-name level, "et al.", and the title once the
style's ``disambiguate="true"`` condition is reached), which is what citeproc-js compares.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bibx_plugins.refs.styles import CSL_NS

NAME_VARIABLES = ("author", "editor", "translator")  # the names a citation's first cs:names finds


@dataclass
class _Config:
    """citeproc-js's ``AmbigConfig`` for one name list: names shown, given-name level per name."""

    names: int
    givens: list[int]
    disambiguate: int = 0

    def copy(self) -> _Config:
        return replace(self, givens=list(self.givens))


@dataclass(frozen=True)
class AddNamesRule:
    """The citation's disambiguation options (only styles that add names get one)."""

    givens_max: int | None  # 2 when given names expand (by-cite), else None
    et_al_min: int
    et_al_use_first: int
    modes: tuple[str, ...]
    conditions: int  # how many disambiguate="true" conditions the citation can reach (maxMax)

    @classmethod
    def of(cls, root: Any) -> AddNamesRule | None:
        citation = root.citation
        if citation is None or citation.get("disambiguate-add-names") != "true":
            return None
        by_cite = citation.get("givenname-disambiguation-rule", "by-cite") == "by-cite"
        givens = citation.get("disambiguate-add-givenname") == "true" and by_cite
        conditions = 1 if root.find(f".//{{{CSL_NS}}}if[@disambiguate='true']") is not None else 0
        modes = ("names", *(("years",) if citation.get("disambiguate-add-year-suffix") == "true" else ()))
        return cls(
            2 if givens else None,
            int(citation.get("et-al-min", 0)),
            int(citation.get("et-al-use-first", 1)),
            modes + (("text",) if conditions else ()),
            conditions,
        )

    def names_shown(self, items: Sequence[dict[str, Any]]) -> list[int | None]:
        """Per item, the names citeproc-js prints when it added some (None: the style's own count)."""
        groups: dict[Any, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            groups[self._cite(item, self._start(item))].append(index)
        shown: list[int | None] = [None] * len(items)
        for members in groups.values():
            if len(members) > 1:
                for index, config in _Run(self, [items[member] for member in members]).registered().items():
                    shown[members[index]] = config.names
        return shown

    def _start(self, item: dict[str, Any]) -> _Config:
        total = len(_names(item))
        count = self.et_al_use_first if self.et_al_min and total >= self.et_al_min else total
        return _Config(count, [0] * count)

    def _cite(self, item: dict[str, Any], config: _Config) -> tuple[Any, ...]:
        """What citeproc-js's ambiguous cite compares: the shown names, "et al.", the extra text."""
        names = _names(item)
        if not names:
            return ("title", item.get("title-short") or item.get("title", ""))
        shown = min(config.names, len(names)) if config.names else len(names)
        parts = tuple(_name_key(name, config.givens[i] if i < len(config.givens) else 0) for i, name in enumerate(names[:shown]))
        extra = item.get("title", "") if min(config.disambiguate, self.conditions) else None
        return ("names", parts, shown < len(names), extra)


@dataclass(frozen=True, slots=True)
class YearSuffixRule:
    """What an author-date style's citation compares before it resorts to year suffixes."""

    givenname_rule: str
    add_givenname: bool
    add_names: bool
    et_al_min: int
    et_al_use_first: int

    @classmethod
    def of(cls, citation: Any) -> YearSuffixRule | None:
        if citation is None or citation.get("disambiguate-add-year-suffix") != "true":
            return None
        return cls(
            citation.get("givenname-disambiguation-rule", "by-cite"),
            citation.get("disambiguate-add-givenname") == "true",
            citation.get("disambiguate-add-names") == "true",
            int(citation.get("et-al-min", 0)),
            int(citation.get("et-al-use-first", 1)),
        )

    def key(self, item: dict[str, Any]) -> tuple[Any, ...]:
        issued = item.get("issued", {}).get("date-parts", [[None]])
        year = issued[0][0] if issued and issued[0] else None
        names = item.get("author") or item.get("editor") or []
        if not names:
            return ("title", item.get("title", "").casefold(), year)
        if not self.add_names and self.et_al_min and len(names) >= self.et_al_min:
            names = names[: self.et_al_use_first]
        return ("names", tuple(self._name(position, name) for position, name in enumerate(names)), year)

    def _name(self, position: int, name: dict[str, str]) -> tuple[str, str]:
        if "literal" in name:
            return (name["literal"].casefold(), "")
        given = name.get("given", "")
        if not self.add_givenname or (self.givenname_rule.startswith("primary-name") and position > 0):
            given = ""
        elif self.givenname_rule.endswith("with-initials"):
            given = _initials(given)
        return (name.get("family", "").casefold(), given.casefold())


def _names(item: dict[str, Any]) -> list[dict[str, Any]]:
    return next((item[name] for name in NAME_VARIABLES if item.get(name)), [])


def _initials(given: str) -> str:
    """"Jean-Paul M." as "JPM": the given name at citeproc-js's first level of disambiguation."""
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part)


def _name_key(name: dict[str, Any], level: int) -> tuple[str, ...]:
    if "literal" in name:
        return (name["literal"],)
    given = name.get("given", "")
    if level == 1:
        given = _initials(given)
    return (name.get("family", ""), given if level else "")


@dataclass
class _Run:
    """``CSL.Disambiguation`` for one group of items whose citations print alike."""

    rule: AddNamesRule
    items: list[dict[str, Any]]
    tokens: dict[int, _Config] = field(default_factory=dict)

    def registered(self) -> dict[int, _Config]:
        """Item index -> the configuration citeproc-js registered for it."""
        rule = self.rule
        order = sorted(range(len(self.items)), key=lambda i: (str(len(_names(self.items[i]))), str(self.items[i].get("id", ""))))
        starts = [rule._start(self.items[i]) for i in order]
        self.base = max(starts, key=lambda config: config.names).copy()
        self.better = self.base.copy()
        self.names_max = len(_names(self.items[order[0]]))
        self.lists: list[list[Any]] = [[self.base, order]]
        self.mode = 0
        self.init_givens = True
        while self.lists:
            self.gname = 0
            self.clashes = [1, 0]
            while self.lists[0][1]:
                self.listpos = 0
                maxed = self._increment()
                self._scan(self.lists[0][1])
                self._evaluate(maxed)
            self.lists = self.lists[1:]
        return self.tokens

    def _register(self, index: int, config: _Config) -> None:
        self.tokens[index] = config.copy()

    def _cite(self, index: int) -> tuple[Any, ...]:
        """The item's ambiguous cite. Rendering it writes back into the configuration (citeproc-js's
        ``disambig_settings`` is ``base`` itself): the names it showed, given levels padded to them."""
        cite = self.rule._cite(self.items[index], self.base)
        total = len(_names(self.items[index]))
        if total:
            self.base.names = min(self.base.names, total)
            self.base.givens.extend([0] * (self.base.names - len(self.base.givens)))
        return cite

    def _increment(self) -> bool:
        if self.init_givens:
            self.init_givens = False
            return False
        base, givens_max = self.base, self.rule.givens_max
        if self.rule.modes[self.mode] == "text":
            base.disambiguate += 1
            self.better.disambiguate += 1
            return False
        if self.rule.modes[self.mode] != "names":
            return False
        add_name = givens_max is None
        if givens_max is not None:
            if self.gname < len(base.givens) and base.givens[self.gname] < givens_max:
                base.givens[self.gname] += 1
            else:
                add_name = True
        if add_name and self.gname < self.names_max:
            base.names += 1
            self.gname += 1
        return self.gname == self.names_max and (
            givens_max is None or self.gname >= len(base.givens) or base.givens[self.gname] == givens_max
        )

    def _scan(self, members: list[int]) -> None:
        first = self._cite(members[0])
        self.partners = [members[0]]
        self.nonpartners: list[int] = []
        for other in members[1:]:
            (self.partners if self._cite(other) == first else self.nonpartners).append(other)
        self.clashes = [self.clashes[1], len(self.partners) - 1]

    def _evaluate(self, maxed: bool) -> None:
        {"names": self._names, "years": self._years, "text": self._text}[self.rule.modes[self.mode]](maxed)
        if maxed:
            if self.mode < len(self.rule.modes) - 1:
                self.mode += 1
            elif len(self.lists) > self.listpos + 1:
                self.lists[self.listpos + 1] = [self.base, []]
            else:
                self.lists.append([self.base, []])

    def _capture(self) -> None:
        if self.rule.givens_max is not None and self.gname < len(self.base.givens):
            while len(self.better.givens) <= self.gname:
                self.better.givens.append(0)
            self.better.givens[self.gname] = self.base.givens[self.gname]
        self.better.names = self.base.names

    def _names(self, maxed: bool) -> None:
        lists, pos, partners, nonpartners = self.lists, self.listpos, self.partners, self.nonpartners
        if self.clashes[1] == 0 and len(nonpartners) == 1:
            self._capture()
            self._register(nonpartners[0], self.better)
            self._register(partners[0], self.better)
            lists[pos] = [self.better, []]
        elif self.clashes[1] == 0:
            self._capture()
            self._register(partners[0], self.better)
            lists[pos] = [self.better, nonpartners]
            if nonpartners:
                self.init_givens = True
        elif len(nonpartners) == 1:
            self._capture()
            self._register(nonpartners[0], self.better)
            lists[pos] = [self.better, partners]
        elif self.clashes[1] < self.clashes[0]:
            self._capture()
            lists[pos] = [self.better, partners]
            lists.append([self.better, nonpartners])
        elif maxed:
            lists[pos] = [self.better, nonpartners]
            lists.append([self.better, partners])
            if self.mode == len(self.rule.modes) - 1:
                for index in partners:
                    self._register(index, self.better)
                lists[pos] = [self.better, []]

    def _years(self, maxed: bool) -> None:
        base = self.lists[self.listpos][0]
        for index in self.lists[self.listpos][1]:
            self._register(index, base)
        self.lists[self.listpos] = [self.better, []]

    def _text(self, maxed: bool) -> None:
        done = self.clashes[1] == 0 and len(self.nonpartners) < 2
        count = min(self.base.disambiguate, self.rule.conditions)
        if not done and (not self.base.disambiguate or count != self.rule.conditions):
            self.mode = 0
            self.base.disambiguate = self.better.disambiguate = count
            if not count:
                self.init_givens = True
                self.base.disambiguate = 1
            else:
                self._names(maxed)
            return
        base = self.lists[self.listpos][0]
        if not done and self.mode != len(self.rule.modes) - 1:
            self.mode = len(self.rule.modes) - 1
            base.disambiguate = 1
        for index in self.lists[self.listpos][1]:
            self._register(index, base)
        self.lists[self.listpos] = [self.better, []]
