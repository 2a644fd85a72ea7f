"""Names to suggest for a mistyped one (a format, a style, a locale), best first.

A person who types ``chicago`` means a name that starts with it (``chicago-author-date``) far more
often than one a few letters away (``chaos``), so names that start with what was typed come first,
then names that contain it, and only then names within a small edit distance.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

SUGGESTIONS = 5


def closest_names(given: str, names: Iterable[str], limit: int = SUGGESTIONS) -> list[str]:
    """Up to ``limit`` of ``names`` close to ``given``: by prefix, then substring, then edit distance (case ignored)."""
    wanted = given.strip().lower()
    by_lower = {name.lower(): name for name in names}
    if not wanted:
        return []
    prefixed = sorted((name for name in by_lower if name.startswith(wanted)), key=lambda name: (len(name), name))
    contained = sorted((name for name in by_lower if wanted in name and not name.startswith(wanted)), key=lambda name: (len(name), name))
    similar = difflib.get_close_matches(wanted, by_lower, n=limit, cutoff=0.6)
    ranked = list(dict.fromkeys([*prefixed, *contained, *similar]))
    return [by_lower[name] for name in ranked[:limit]]
