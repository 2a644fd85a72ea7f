"""Control characters: the one set bibx keeps out of the text it reads and writes.

A control character is Unicode's general category Cc: C0 (U+0000–U+001F), DEL (U+007F) and C1
(U+0080–U+009F). None of them is text, and raw they reach terminals and files (an ESC starts a
terminal command) or split a line for some reader. Those that separate words (tab, the line ends,
VT, FF, the file/group/record/unit separators U+001C–U+001F and NEL U+0085: the controls
``str.isspace`` accepts) become a space, so that no two words run together; the rest vanish.

Every control character is unprintable, so text for which ``str.isprintable()`` holds has none:
the helpers return it unchanged without a scan.

Variant: :func:`printable_only` removes every character ``str.isprintable`` rejects, a wider set
than the controls (format characters such as zero-width spaces, soft hyphens and bidi marks,
private-use and unassigned code points): for TeX, which rejects or silently drops them.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = frozenset(map(chr, (*range(0x20), 0x7F, *range(0x80, 0xA0))))
# The controls that separate words (str.isspace): a space in their place.
SEPARATING_CONTROLS = frozenset(char for char in CONTROL_CHARACTERS if char.isspace())
# For str.translate: separating controls become a space, the others vanish.
CONTROLS_AS_SPACES: dict[int, str | None] = {ord(char): " " if char in SEPARATING_CONTROLS else None for char in CONTROL_CHARACTERS}
# Runs of controls, translated run by run: a scan for them is faster than translating all of the text.
_CONTROL_RUNS = re.compile("[\x00-\x1f\x7f-\x9f]+")


def replace_controls(text: str) -> str:
    """``text`` with each separating control character as a space and every other control removed."""
    if text.isprintable():
        return text
    return _CONTROL_RUNS.sub(lambda run: run.group().translate(CONTROLS_AS_SPACES), text)


def printable_only(text: str) -> str:
    """``text`` without any character ``str.isprintable`` rejects (controls, format characters, spaces
    other than U+0020, private-use and unassigned code points): what TeX can typeset."""
    if text.isprintable():
        return text
    return "".join(char for char in text if char.isprintable())
