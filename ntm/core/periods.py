"""Reporting periods: a year, a half, a quarter, a month or a single day.

Values are stored as observed on a date; a period names the date they are observed on
(its last day), so "2024-H1" and "2024-06-30" lead to the same values. Officials report
by year and by half year (sơ kết 6 tháng, tổng kết năm), sometimes by quarter or month,
and a seed report may give a single day ("Kỳ Lạc 12/20 on 25/9/2021").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodError(ValueError):
    """Text that names no period, with the forms that would."""


@dataclass(frozen=True, slots=True)
class Period:
    """A named stretch of time; values for it are observed on `end`."""

    label: str
    start: date
    end: date

    @property
    def observed_on(self) -> date:
        return self.end

    def __str__(self) -> str:
        return self.label


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"year {year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return year


def parse_period(text: str) -> Period:
    """Read "2024", "2024-H1", "2024-Q3", "2024-06" or "2021-09-25"."""
    raw = (text or "").strip()
    if match := _YEAR.match(raw):
        year = _year(match[1])
        return Period(raw, date(year, 1, 1), date(year, 12, 31))
    if match := _HALF.match(raw):
        year, half = _year(match[1]), int(match[2])
        first = 1 if half == 1 else 7
        return Period(f"{year}-H{half}", date(year, first, 1), _month_end(year, first + 5))
    if match := _QUARTER.match(raw):
        year, quarter = _year(match[1]), int(match[2])
        first = 3 * quarter - 2
        return Period(f"{year}-Q{quarter}", date(year, first, 1), _month_end(year, first + 2))
    if match := _MONTH.match(raw):
        year, month = _year(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{raw!r}: month {month} does not exist")
        return Period(raw, date(year, month, 1), _month_end(year, month))
    if _DAY.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise PeriodError(f"{raw!r} is not a date") from None
        _year(str(day.year))
        return Period(raw, day, day)
    raise PeriodError(
        f"{raw!r} is not a period; use a year (2024), a half (2024-H1), a quarter (2024-Q3), "
        "a month (2024-06) or a day (2021-09-25)"
    )


def period_of_day(day: date) -> Period:
    """The single-day period of a date (values observed on that day)."""
    return Period(day.isoformat(), day, day)
