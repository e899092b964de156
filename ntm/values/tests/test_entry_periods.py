"""Reporting periods on the entry pages: named in words, defaulted, picked, fitted to a unit."""

import datetime as dt

import pytest
from django.http import QueryDict

from ntm.core.periods import parse_period
from ntm.units.models import AdminUnit
from ntm.values.entry_periods import default_period, period_around, period_title, read_period

D = dt.date


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("2021", "Năm 2021"),
        ("2021-H1", "6 tháng đầu năm 2021"),
        ("2021-H2", "6 tháng cuối năm 2021"),
        ("2021-Q3", "Quý III/2021"),
        ("2021-06", "Tháng 6/2021"),
        ("2021-12-31", "Ngày 31/12/2021"),
    ],
)
def test_period_title(label, title):
    assert period_title(parse_period(label)) == title


def unit(valid_from=None, valid_to=None):
    return AdminUnit(
        pk=1, code="1", name="Xã Thử", level="commune", valid_from=valid_from, valid_to=valid_to
    )


def test_default_period_is_this_year_or_the_last_half_of_a_unit_gone():
    today = D(2026, 11, 30)
    assert default_period(unit(), today).label == "2026"
    assert default_period(unit(valid_to=D(2025, 7, 1)), today).label == "2025-H1"
    assert default_period(unit(valid_to=D(2024, 3, 15)), today).label == "2024-03-14"


def test_period_around_a_day_ends_while_the_unit_exists():
    ky_lac = unit(valid_to=D(2025, 7, 1))
    assert period_around(ky_lac, D(2021, 9, 25)).label == "2021"
    assert period_around(ky_lac, D(2025, 5, 2)).label == "2025-H1"
    assert period_around(unit(valid_to=D(2025, 5, 20)), D(2025, 5, 2)).label == "2025-05-02"


@pytest.mark.parametrize(
    ("query", "label", "error"),
    [
        ("period=2021-Q4", "2021-Q4", ""),
        ("year=2022&part=H2", "2022-H2", ""),
        ("year=2022&part=07", "2022-07", ""),
        ("year=2022&part=year", "2022", ""),
        ("year=2022&part=day&day=2022-03-08", "2022-03-08", ""),
        ("year=2022&part=day&day=", "2026", "Chọn một ngày"),
        ("period=2021-13", "2026", "Kỳ “2021-13” không hợp lệ"),
    ],
)
def test_read_period_from_the_url_or_the_picker(query, label, error, monkeypatch):
    monkeypatch.setattr("ntm.values.entry_periods.timezone.localdate", lambda: D(2026, 11, 30))
    choice = read_period(QueryDict(query), unit())
    assert choice.period.label == label
    assert (error in choice.error) if error else choice.error == ""
