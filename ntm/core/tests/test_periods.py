import re
from datetime import date

import pytest

from ntm.core.periods import Period, PeriodError, parse_period, period_of_day


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024-h2", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2020-Q1", "2020-Q1", date(2020, 1, 1), date(2020, 3, 31)),
        ("2023-q4", "2023-Q4", date(2023, 10, 1), date(2023, 12, 31)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (" 2021-09-25 ", "2021-09-25", date(2021, 9, 25), date(2021, 9, 25)),
    ],
)
def test_periods_name_their_first_and_last_day(text, label, start, end):
    assert parse_period(text) == Period(label, start, end)
    assert parse_period(text).observed_on == end


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not a period"),
        ("2024-H3", "is not a period"),
        ("2024-13", "month 13 does not exist"),
        ("2021-02-30", "is not a date"),
        ("1890", "outside 2000-2100"),
        ("next year", "use a year (2024)"),
    ],
)
def test_bad_periods_say_why(text, message):
    with pytest.raises(PeriodError, match=re.escape(message)):
        parse_period(text)


def test_a_day_is_its_own_period():
    assert period_of_day(date(2021, 9, 25)) == parse_period("2021-09-25")
