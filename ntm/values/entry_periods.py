"""The reporting period of the entry pages: read from the URL, named in words, picked.

A period is given as ``?period=2021-H2`` (any form ``ntm.core.periods`` reads), or by the
picker's fields ``year``, ``part`` (year, H1, H2, Q1-Q4, 01-12, day) and ``day``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.core.periods import Period, PeriodError, parse_period
from ntm.units.models import AdminUnit

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
FIRST_YEAR = 2010


def part_choices() -> list[tuple[str, str]]:
    """The picker's parts of a year, in the active language."""
    return [
        ("year", _("Cả năm")),
        ("H1", _("6 tháng đầu năm")),
        ("H2", _("6 tháng cuối năm")),
        ("Q1", _("Quý I")),
        ("Q2", _("Quý II")),
        ("Q3", _("Quý III")),
        ("Q4", _("Quý IV")),
        *[(f"{m:02d}", _("Tháng %(month)d") % {"month": m}) for m in range(1, 13)],
        ("day", _("Một ngày cụ thể")),
    ]


@dataclass(frozen=True)
class PeriodChoice:
    """The period read from a request, the picker's state, and an error in words."""

    period: Period
    year: int
    part: str
    error: str = ""


def period_title(period: Period) -> str:
    """ "Năm 2021", "6 tháng cuối năm 2021", "Quý III/2021", "Tháng 6/2021", "Ngày 31/12/2021"."""
    label = period.label
    year = period.start.year
    if label == str(year):
        return _("Năm %(year)d") % {"year": year}
    if label.endswith(("-H1", "-H2")):
        if label.endswith("1"):
            return _("6 tháng đầu năm %(year)d") % {"year": year}
        return _("6 tháng cuối năm %(year)d") % {"year": year}
    if "-Q" in label:
        quarter = (period.start.month - 1) // 3 + 1
        return _("Quý %(quarter)s/%(year)d") % {"quarter": ROMAN[quarter], "year": year}
    if len(label) == 7:
        return _("Tháng %(month)d/%(year)d") % {"month": period.start.month, "year": year}
    return _("Ngày %(date)s") % {"date": period.end.strftime("%d/%m/%Y")}


def _part_of(period: Period) -> str:
    label = period.label
    if label == str(period.start.year):
        return "year"
    if "-H" in label:
        return label[-2:]
    if "-Q" in label:
        return label[-2:]
    if len(label) == 7:
        return label[-2:]
    return "day"


def default_period(unit: AdminUnit, today: date | None = None) -> Period:
    """This year; for a unit that no longer exists, the half year of its last day."""
    today = today or timezone.localdate()
    if unit.valid_to is not None and unit.valid_to <= date(today.year, 12, 31):
        last = unit.valid_to - timedelta(days=1)
        half = parse_period(f"{last.year}-H{1 if last.month <= 6 else 2}")
        return half if half.end == last else parse_period(last.isoformat())
    if unit.valid_from is not None and unit.valid_from > date(today.year, 12, 31):
        return parse_period(str(unit.valid_from.year))
    return parse_period(str(today.year))


def _label_from_picker(params: QueryDict) -> str:
    year = params.get("year", "").strip()
    part = params.get("part", "").strip()
    if part == "day":
        return params.get("day", "").strip()
    if part in ("", "year"):
        return year
    return f"{year}-{part}"  # H1, Q3, 06...


def read_period(params: QueryDict, unit: AdminUnit) -> PeriodChoice:
    """The period asked for, else the default one with an error saying why."""
    text = params.get("period", "").strip()
    if not text and (params.get("year") or params.get("part") == "day"):
        text = _label_from_picker(params)
        if not text:
            fallback = default_period(unit)
            return PeriodChoice(
                fallback,
                fallback.start.year,
                _part_of(fallback),
                _("Chọn một ngày cho kỳ “Một ngày cụ thể”. Đang mở kỳ mặc định."),
            )
    if text:
        try:
            period = parse_period(text)
            return PeriodChoice(period, period.start.year, _part_of(period))
        except PeriodError:
            fallback = default_period(unit)
            return PeriodChoice(
                fallback,
                fallback.start.year,
                _part_of(fallback),
                _(
                    "Kỳ “%(text)s” không hợp lệ: ghi năm (2024), nửa năm (2024-H1), quý "
                    "(2024-Q3), tháng (2024-06) hoặc ngày (2021-09-25). Đang mở kỳ mặc định."
                )
                % {"text": text},
            )
    period = default_period(unit)
    return PeriodChoice(period, period.start.year, _part_of(period))


def year_choices(unit: AdminUnit, selected: int, today: date | None = None) -> list[int]:
    """Years offered by the picker: the programme's years the unit existed, newest first."""
    today = today or timezone.localdate()
    first = max(FIRST_YEAR, unit.valid_from.year if unit.valid_from else FIRST_YEAR)
    last = today.year + 1
    if unit.valid_to is not None:
        last = min(last, (unit.valid_to - timedelta(days=1)).year)
    years = set(range(first, last + 1)) | {selected}
    return sorted(years, reverse=True)


def period_around(unit: AdminUnit, day: date) -> Period:
    """The longest reporting period holding a day that ends while the unit exists:
    the year, else its half, quarter or month, else the day itself."""
    half = 1 if day.month <= 6 else 2
    quarter = (day.month - 1) // 3 + 1
    labels = (
        str(day.year),
        f"{day.year}-H{half}",
        f"{day.year}-Q{quarter}",
        f"{day.year}-{day.month:02d}",
    )
    domain = unit.to_domain()
    for label in labels:
        period = parse_period(label)
        if domain.is_active(period.end):
            return period
    return parse_period(day.isoformat())
