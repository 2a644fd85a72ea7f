"""Completing the dates listings print: "Mar 26, 2022", or "Feb 18" with the year left out."""

from __future__ import annotations

import datetime as dt
import re

from bibx.model import PartialDate

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_PATTERN = "|".join(MONTHS)
ISO_LIKE_DATE = re.compile(r"^\s*(\d{4})(?:[-/](\d{1,2})?(?:[-/](\d{1,2})?)?)?")


def listing_date(month_abbr: str, day: int, year: int | None, as_of: dt.date) -> PartialDate:
    """The date a listing shows, the year completed from ``as_of`` when the listing omits it.

    Pages print dates of the current year without the year. The completed date is the latest one
    not after ``as_of``: on 2026-01-10 "Dec 30" means 2025-12-30, since a page cannot list a paper
    from the future. Raises ValueError for an impossible date such as "Feb 30, 2022".
    """
    month = MONTHS.index(month_abbr) + 1
    if year is not None:
        return PartialDate(year, month, day)
    inferred = as_of.year
    if (month, day) > (as_of.month, as_of.day):
        inferred -= 1
    if month == 2 and day == 29:
        while not _is_leap(inferred):
            inferred -= 1
    return PartialDate(inferred, month, day, year_inferred=True)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def partial_date_from_text(text: str) -> PartialDate:
    """``2022``, ``2022-03``, ``2022-03-26``, RIS's ``2022/03//``; raises ValueError for anything else."""
    match = ISO_LIKE_DATE.match(text)
    if match is None:
        raise ValueError(f"date {text!r} not understood")
    year, month, day = (int(part) if part else None for part in match.groups())
    return PartialDate(year, month, day if month else None)  # type: ignore[arg-type]
