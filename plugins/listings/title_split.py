"""Where a compact listing's title ends: the title runs straight into the first author.

The cut is a choice among candidate cut points: every place where a name could start right after a
non-space character ("Fine-Tuning|Yuze", "LLM|Yuze", "Always!|Jingdi", "生成|伊藤 滉一朗"). Each
candidate is scored by how well the right side reads as an author list (see
:func:`bibx.name_shapes.name_penalty`) and the left side as a title's end; the best wins, and a
runner-up that reads almost as well is returned beside it for the reader to report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

from bibx.name_shapes import MAX_NAME_WORDS, japanese_name_penalty, listed_name_penalty, name_penalty
from bibx.names import has_kana, is_corporate, is_east_asian, split_et_al
from bibx.patterns import LazyPattern
from bibx_plugins.listings.grammar import ORGANIZATIONS_SEPARATOR, UNREADABLE_NAME_PENALTY

# A title never ends in these: a cut right after one splits a word or a phrase.
BAD_TITLE_ENDINGS = frozenset("-–—:;,(/&+'\"“‘[")
BAD_TITLE_END_PENALTY = 5.0
# "TransitionP|SBC LLM Team": a word that ends in stray capitals is a word cut too late.
# Two lower-case letters are enough before the capitals: a longer run matches where they do. Looked
# behind for from the first capital, they are not retried from every letter of a long word.
STRAY_CAPITALS = re.compile(r"[A-Z](?<=[a-z]{2}[A-Z])[A-Z]?\.?(?:\s+\S+)?$")
STRAY_CAPITALS_PENALTY = 1.0
SPLIT_CAPITALS_PENALTY = 1.0
# "Mixture-of-Lo|RAMind Lab": a title that ends in a capital and a letter or two, before capitals,
# is a cut through a word such as "LoRA".
SHORT_WORD_BEFORE_CAPITALS = re.compile(r"(?:^|[\s-])[A-Z][a-z]{1,2}$")
# An earlier cut that leaves a good first author makes a later one less likely, and much less so
# when the later one would move whole names ("…TuningYuze Zhao, Zhao|Xin Huan") into the title.
# Not so strong that "WuKong|Li Wei" loses silently to "Wu|KongLi Wei": those stay close, with a warning.
EARLIER_CUT_PENALTY = 0.8
NAME_IN_TITLE_PENALTY = 2.0
GOOD_CUT = 0.8
# No first author's name is longer; looking further back only costs time on garbage lines.
MAX_FIRST_NAME = 200
# Where a first author may start: a letter other than a-z right after a non-space character
# (capitals, and the Han, kana and Hangul that have no case); filtered further in the loop.
# The letter comes first and the look-behind (over it and the character before) after: the scan tests
# the class at each position, and looks behind only where it matches.
CUT_START = re.compile(r"[^\W\d_a-z](?<=\S.)")
# The same on ASCII text, where the class is the capitals: a simpler class is a faster scan.
ASCII_CUT_START = re.compile(r"[A-Z](?<=\S.)")
# Two candidates closer than this are both plausible: the reader warns; so it does for two starts of
# the same first author closer than SAME_AUTHOR_CLOSE.
CLOSE = 0.5
SAME_AUTHOR_CLOSE = 1.5
# A best cut with this many comma-separated parts before it that another cut leaves to the authors.
NAMES_MOVED_INTO_TITLE = 2
NAMES_MOVED_CLOSE = 2.0
# A title rarely has this many commas; a best cut after them is doubtful.
DOUBTFUL_TITLE_COMMAS = 4
# A best cut this poor is doubtful even without a rival (see _shorter_first_author).
DOUBTFUL = BAD_TITLE_END_PENALTY
# An earlier cut naming the same organisation with more words wins when its penalty is this close.
LONGER_ORGANIZATION_CLOSE = 1.0
ACRONYM_START = re.compile(r"[A-Z]{2,}\b")
# "…Use CaseJa|Mor Hairston": a title whose last word ends in a hump of one or two letters after a
# word is a cut through a camel-case name ("JaMor"); not ruled out ("AlphaGo"), but no longer clearly
# best. Not after one or two letters: "CoT", "ViT", "IoT", "MoE", "NumPy" end many titles.
SHORT_HUMP_END = re.compile(r"[a-z]{3}[A-Z][a-z]?$")
SHORT_HUMP_END_PENALTY = 0.5
# SHORT_WORD_BEFORE_CAPITALS, SHORT_HUMP_END and BROKEN_JAPANESE_END match at most five characters,
# before the end or a final line break: no match starts further back than this from the end.
END_PATTERNS_SPAN = 8
# "…を考える磯|野真之介": Japanese words that end a title are mostly two Han characters or more; one
# after kana is more often a name's first character left behind. Nor does a title end in a case
# particle after a noun ("…の関係の|再考中石海"): the title runs on.
BROKEN_JAPANESE_END = LazyPattern("(?:[\u3040-\u30ff][\u3400-\u9fff]|[\u3400-\u9fff\u30a0-\u30ff][のをがはへ])$")
BROKEN_JAPANESE_END_PENALTY = 0.7
# "…の提案とその応用 -|宍戸 直樹", "…能力 -説明できる…新しい展開-|乾 健太郎": a Japanese subtitle sits
# between two dashes, so a title may end in a dash that closes one opened earlier. A dash that joins
# two letters or digits ("Fine-|Tuning", "Post-|Training") is a word's hyphen and still no title's end.
SUBTITLE_DASH = re.compile(r"(?<![A-Za-z0-9])[-－―‐–—~～](?![A-Za-z0-9])")


class Split(NamedTuple):  # a tuple: made for every candidate, faster than a frozen dataclass
    """Where a glued line's title ends: the title, the author text after it, how unusual the cut is."""

    title: str
    authors: str
    penalty: float
    part: int  # the comma-separated part of the line the cut lies in
    east_asian: bool  # the first author is written in Han, kana or Hangul, where length priors decide
    good: bool  # the first author and the title's end read well on their own


PENALTY = attrgetter("penalty")  # the key candidates are ranked by


class SplitChoice(NamedTuple):
    """The best cut and the one that reads almost as well, if any."""

    best: Split
    runner_up: Split | None


def _rival(best: Split, candidates: Sequence[Split]) -> Split | None:
    """A cut that reads almost as well as the best, or that moves where the same first author starts.

    "Hyper|CLOVA X Team" and "Report|NAVER Cloud HyperCLOVA X Team" name the same organisation from
    different starts; where one begins is a guess even when the scores are apart, so it is reported.
    So is where an unspaced Han or Hangul name starts after a title that ends in the same script
    ("…評価指標|吉田遼" or "…評価指|標吉田遼"): only length priors decide, and no dictionary.
    """
    same_start_is_a_guess = not best.east_asian or is_east_asian(best.title[-1:])
    close = []
    for other in candidates:
        if other is best:
            continue
        if other.part < best.part and other.good:
            return other  # a good first author earlier in the line: names after it may be unreadable
        difference = other.penalty - best.penalty
        if difference < CLOSE or (other.part == best.part and same_start_is_a_guess and difference < SAME_AUTHOR_CLOSE):
            close.append(other)
    if close:
        return min(close, key=PENALTY)
    if earlier := _cut_before_names_moved_into_title(best, candidates):
        return earlier
    if best.part >= DOUBTFUL_TITLE_COMMAS:
        return _title_to_first_comma(best)
    return _shorter_first_author(best) if best.penalty >= DOUBTFUL else None


def _title_to_first_comma(best: Split) -> Split:
    """The alternative to a cut after many commas: the title ends at the first one, the rest are names.

    "…World ModelsFAIR CodeGen team. Jade Copet, Quentin Carbonneaux, …, Emily Mc|Milin": when the
    first author reads as no name, the best cut may lie deep in the author list.
    """
    before, _, after = (best.title + best.authors).partition(",")
    return Split(before.strip(), after.strip(), best.penalty, 0, best.east_asian, good=False)


def _cut_before_names_moved_into_title(best: Split, candidates: Sequence[Split]) -> Split | None:
    """A fair cut that leaves to the authors whole names the best cut puts in the title.

    "…Code LLM|Codefuse, Ling Team, …, Bing|Chang Liu": a mononym first author costs more than a cut
    eighteen names further on, where nothing is odd; a title rarely has that many commas.
    """
    if best.part < NAMES_MOVED_INTO_TITLE:
        return None  # no part lies far enough before it
    earlier = [other for other in candidates if other.part <= best.part - NAMES_MOVED_INTO_TITLE and other.penalty - best.penalty < NAMES_MOVED_CLOSE]
    return min(earlier, key=PENALTY, default=None)


def _shorter_first_author(best: Split) -> Split | None:
    """The alternative to a poor cut: the first author's last two words alone.

    A first name in lower case ("…Bidirectional Searchior Siag", the author being "ior Siag") starts no
    candidate, so the only cuts left read badly ("External-|Memory Bidirectional Searchior Siag"). Which
    letters belong to the name cannot be known; the alternative names the line for a person to check.
    """
    first, comma, rest = best.authors.partition(",")
    words = first.split()
    if len(words) <= 2:
        return None
    kept = first.rsplit(maxsplit=2)[0]
    return Split(best.title + kept, " ".join(words[-2:]) + comma + rest, best.penalty, best.part, best.east_asian, good=False)


def split_title_and_authors(line: str) -> tuple[str, str] | None:
    """``"...Fine-TuningYuze Zhao, Jintao Huang et al."`` → ``("...Fine-Tuning", "Yuze Zhao, Jintao Huang et al.")``.

    Returns None when the line has no recognisable author list.
    """
    choice = choose_split(line)
    return (choice.best.title, choice.best.authors) if choice else None


def choose_split(line: str) -> SplitChoice | None:
    """The best cut of a glued title-and-authors line, with the runner-up; None if no cut leaves an author list."""
    names_text, _ = split_et_al(line.rpartition(ORGANIZATIONS_SEPARATOR)[0] if ORGANIZATIONS_SEPARATOR in line else line)
    segments = _segments(names_text)
    # Japanese names are longer than Chinese ones when printed without a space ("梶川康平", "磯野真之介").
    japanese = not line.isascii() and has_kana(line)
    later = _later_penalties(names_text, segments, japanese)
    candidates: list[Split] = []
    good_earlier, first_good_part = 0, None
    cut_start = ASCII_CUT_START if names_text.isascii() else CUT_START
    next_cut = 0  # no cut point lies before it: one search passes over the many parts that have none
    for k, (start, end) in enumerate(segments):
        if next_cut < start:
            next_cut = _next_cut_point(cut_start, names_text, start)
        if next_cut >= end:
            continue
        for match in cut_start.finditer(names_text, _first_possible_cut(names_text, max(start, end - MAX_FIRST_NAME, 1), end), end):
            cut = match.start()
            char = names_text[cut]
            if char.islower():
                continue  # "Müller": no name starts there, and Han, kana and Hangul have no case
            east_asian = not char.isupper() and is_east_asian(char)
            if not (char.isupper() or east_asian):
                continue
            first = (japanese_name_penalty if east_asian and japanese else name_penalty)(names_text[cut:end].strip())
            if first is None:
                continue
            own = first + _title_end_penalty(names_text[:cut], names_text[cut : cut + 2])  # it reads the author's first two characters
            prior = EARLIER_CUT_PENALTY * good_earlier + NAME_IN_TITLE_PENALTY * (k - first_good_part if first_good_part is not None else 0)
            good = not east_asian and own <= GOOD_CUT
            candidates.append(Split(line[:cut].strip(), line[cut:].strip(), own + later[k] + prior, k, east_asian, good))
            if good:
                good_earlier += 1
            # A good Han or kana name also marks where the names begin ("…のか？梶川康平, 窪田悠介, 大|関洋平"
            # would move two of them into the title); it does not weigh on later cuts in its own part,
            # where every character starts a candidate.
            if own <= GOOD_CUT:
                first_good_part = k if first_good_part is None else first_good_part
    if not candidates:
        return None
    best = min(candidates, key=PENALTY)
    if longer := _longer_organization(best, candidates):
        return SplitChoice(longer, best)
    return SplitChoice(best, _rival(best, candidates))


def _first_possible_cut(text: str, start: int, end: int) -> int:
    """Where the cuts worth scoring in ``text[start:end]`` begin: no name has more than MAX_NAME_WORDS words.

    A cut lies inside a word (it follows a non-space character), so one before the last
    MAX_NAME_WORDS words leaves more of them to the first author, which every name penalty rejects:
    in a long title most capitals are such cuts, and scanning and scoring them is most of the cost.
    """
    head = text[start:end].rsplit(None, MAX_NAME_WORDS)
    return start + len(head[0]) if len(head) > MAX_NAME_WORDS else start


def _next_cut_point(cut_start: re.Pattern[str], text: str, start: int) -> int:
    """Where the first place a name could start at or after ``start`` lies; the text's length if none."""
    found = cut_start.search(text, start)
    return found.start() if found else len(text)


def _first_author(split: Split) -> str:
    return split.authors.partition(",")[0].partition(ORGANIZATIONS_SEPARATOR)[0].strip()


def _longer_organization(best: Split, candidates: Sequence[Split]) -> Split | None:
    """An earlier cut in the same part that names the best cut's organisation from an earlier acronym.

    "…32B Think|NAVER Cloud HyperCLOVA X Team" against "…Cloud Hyper|CLOVA X Team": both start with an
    acronym, and the shorter one only because a word runs into an acronym ("HyperCLOVA"), as brand names
    do. A longer name costs more (words, humps); where it reads fairly well, the organisation starts at
    the earlier acronym. Reported all the same.
    """
    if not best.authors[:2].isupper():
        return None  # the organisation's first two characters are the authors': no acronym starts it
    organization = _first_author(best)
    if not ACRONYM_START.match(organization) or not is_corporate(organization):
        return None
    longer = [
        other
        for other in candidates
        if other.part == best.part
        and len(other.title) < len(best.title)
        and other.penalty - best.penalty < LONGER_ORGANIZATION_CLOSE
        and ACRONYM_START.match(name := _first_author(other))
        and name.endswith(organization)
        and name[-len(organization) - 1].islower()
    ]
    return min(longer, key=PENALTY, default=None)


def _segments(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each comma-separated part of ``text``."""
    bounds, start = [], 0
    for part in text.split(","):
        bounds.append((start, start + len(part)))
        start += len(part) + 1
    return bounds


def _later_penalties(text: str, segments: list[tuple[int, int]], japanese: bool) -> list[float]:
    """For each part, the summed penalty of the names after it; linear time.

    The first author is judged strictly (its start is what is being chosen); the others as listed
    names, and one that reads as no name costs much without ruling the cut out: otherwise a single
    odd name further on would push the title's end past it.
    """
    result = [0.0] * len(segments)
    total = 0.0
    for k in range(len(segments) - 1, 0, -1):  # the first part's own penalty is no later part's
        name = text[segments[k][0] : segments[k][1]].strip()
        if name:
            penalty = japanese_name_penalty(name) if japanese and is_east_asian(name) else listed_name_penalty(name)
            total += UNREADABLE_NAME_PENALTY if penalty is None else penalty
        result[k - 1] = total
    return result


def _title_end_penalty(title: str, author: str) -> float:
    if len(title.strip()) < 2 or (title[-1:] in BAD_TITLE_ENDINGS and not _closes_a_subtitle(title)):
        return BAD_TITLE_END_PENALTY
    if title[-1].isupper() and len(author) > 1 and author[0].isupper() and (author[1].isupper() or author[1] in "-0123456789"):
        return SPLIT_CAPITALS_PENALTY  # "G|QA-to-MLA": a cut through a run of capitals
    # Each pattern is anchored at the end: searching from where its last possible match starts
    # gives the same answer without trying every position of a long title.
    end_window = max(0, len(title) - END_PATTERNS_SPAN)
    if author[:2].isupper() and SHORT_WORD_BEFORE_CAPITALS.search(title, end_window):
        return SPLIT_CAPITALS_PENALTY
    if STRAY_CAPITALS.search(title, _last_two_words_start(title)):
        return STRAY_CAPITALS_PENALTY
    # Its capital lies in the last three characters (a final line break counts): a title that ends
    # in lower case, as most do, is not searched.
    if not title[-3:].islower() and SHORT_HUMP_END.search(title, end_window):
        return SHORT_HUMP_END_PENALTY
    if not title.isascii() and BROKEN_JAPANESE_END.search(title, end_window):
        return BROKEN_JAPANESE_END_PENALTY
    return 0.0


def _last_two_words_start(title: str) -> int:
    """Where STRAY_CAPITALS can start matching: a match's letters and capitals lie in the last two words.

    The pattern has no space but in its optional last part (spaces and the last word), so a match
    ends in the last word or the one before; shortened to two lower-case letters, it starts there too.
    """
    head = title.rsplit(None, 2)
    return len(head[0]) if len(head) > 2 else 0


def _closes_a_subtitle(title: str) -> bool:
    """The title ends in a dash that stands apart from letters, after another such dash."""
    title = title.rstrip()
    last = len(title) - 1
    return not title.isascii() and SUBTITLE_DASH.match(title, last) is not None and SUBTITLE_DASH.search(title, 0, last) is not None
