from __future__ import annotations

import datetime as dt

import pytest

from bibx.dates import listing_date
from bibx.model import PartialDate


@pytest.mark.parametrize(
    ("month", "day", "as_of", "expected"),
    [
        ("Feb", 18, dt.date(2026, 11, 25), PartialDate(2026, 2, 18, year_inferred=True)),
        ("Nov", 25, dt.date(2026, 11, 25), PartialDate(2026, 11, 25, year_inferred=True)),
        ("Dec", 30, dt.date(2026, 1, 10), PartialDate(2025, 12, 30, year_inferred=True)),
        ("Feb", 29, dt.date(2026, 3, 1), PartialDate(2024, 2, 29, year_inferred=True)),
    ],
)
def test_year_is_the_latest_not_after_as_of(month: str, day: int, as_of: dt.date, expected: PartialDate) -> None:
    assert listing_date(month, day, None, as_of) == expected


def test_printed_year_is_kept_and_not_flagged() -> None:
    assert listing_date("Mar", 26, 2022, dt.date(2026, 1, 1)) == PartialDate(2022, 3, 26)


def test_impossible_date_is_an_error() -> None:
    with pytest.raises(ValueError):
        listing_date("Feb", 30, 2022, dt.date(2026, 1, 1))


def test_partial_dates_print_only_known_parts() -> None:
    assert PartialDate(2022).isoformat() == "2022"
    assert PartialDate(2022, 3).isoformat() == "2022-03"
    assert PartialDate(2022, 3, 26).parts == (2022, 3, 26)
    with pytest.raises(ValueError):
        PartialDate(2022, None, 5)
