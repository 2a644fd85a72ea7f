"""arXiv conventions: subject-class codes and identifiers, as they appear in listings."""

from __future__ import annotations

import re

# Two-letter Computer Science classes; listings print them without the "cs." archive prefix.
CS_CLASSES = frozenset(
    "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS "
    "PF PL RO SC SD SE SI SY".split()
)
FULL_CATEGORY = re.compile(r"^(?:cs|math|stat|eess|econ|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[A-Za-z-]+$")
# Brackets, braces and quotes end a URL; so does trailing sentence punctuation.
URL = re.compile(r"https?://[^\s()<>\"'{}\[\]]+[^\s()<>\"'{}\[\].,;:!?]")


def normalise_category(code: str) -> str | None:
    """``LG`` → ``cs.LG``; an already qualified ``stat.ML`` is kept; an unknown code gives None."""
    if code in CS_CLASSES:
        return f"cs.{code}"
    if FULL_CATEGORY.match(code):
        return code
    return None


def find_urls(text: str) -> tuple[str, ...]:
    """Every distinct http(s) URL in ``text``, in order of appearance."""
    return tuple(dict.fromkeys(URL.findall(text)))

