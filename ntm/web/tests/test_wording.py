"""Indicator results in words (pure: no database, no Django)."""

from decimal import Decimal

import pytest

from ntm.presentation.wording import Wording, plain_number, trimmed

WORDS = Wording()


def indicator(**fields):
    base = {
        "kind": "number",
        "unit": "",
        "comparator": ">=",
        "status": "not_met",
        "value": None,
        "threshold": None,
        "gap": None,
    }
    return {**base, **fields}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"unit": "km", "value": 7.7, "threshold": 10, "gap": 2.3},
            "còn thiếu 2,3 km",
            id="floor-not-reached-km",
        ),
        pytest.param(
            {"unit": "triệu đồng/người/năm", "value": 23.5, "threshold": 36, "gap": 12.5},
            "còn thiếu 12,5 triệu đồng/người/năm",
            id="income-below-threshold",
        ),
        pytest.param(
            {"unit": "%", "comparator": "<=", "value": 5.2, "threshold": 4, "gap": 1.2},
            "vượt 1,2 %",
            id="ceiling-exceeded",
        ),
        pytest.param(
            {"unit": "%", "comparator": "<", "value": 4, "threshold": 4, "gap": 0.0},
            "cần thấp hơn 4 %",
            id="strict-ceiling-on-the-threshold",
        ),
        pytest.param(
            {"unit": "%", "comparator": ">", "value": 50, "threshold": 50, "gap": 0.0},
            "cần cao hơn 50 %",
            id="strict-floor-on-the-threshold",
        ),
        pytest.param(
            {"comparator": "==", "value": 3, "threshold": 5, "gap": 2},
            "lệch 2",
            id="exact-value-without-unit",
        ),
        pytest.param(
            {"status": "missing", "unit": "km", "threshold": 10},
            "chưa có số liệu",
            id="missing-value",
        ),
        pytest.param(
            {"status": "not_evaluable", "value": 80},
            "ngưỡng cần xác nhận",
            id="no-confirmed-threshold",
        ),
        pytest.param(
            {"kind": "judgement", "comparator": None, "value": 0.0},
            "chưa đạt theo đánh giá của ngành",
            id="judgement-not-met",
        ),
        pytest.param(
            {"status": "met", "value": 40, "threshold": 36, "gap": None},
            "",
            id="met-has-no-gap",
        ),
    ],
)
def test_gap_in_words(fields, expected):
    assert WORDS.gap(indicator(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "value", "threshold"),
    [
        ({"unit": "%", "value": 77.0, "threshold": 100.0}, "77 %", "≥ 100 %"),
        (
            {"unit": "triệu đồng/người/năm", "value": 31.5, "threshold": 36.0},
            "31,5 triệu đồng/người/năm",
            "≥ 36 triệu đồng/người/năm",
        ),
        ({"comparator": "<=", "unit": "%", "value": 2.345, "threshold": 4}, "2,35 %", "≤ 4 %"),
        ({"value": None, "threshold": None}, "—", "chưa có ngưỡng"),
        ({"kind": "judgement", "comparator": None, "value": 1.0}, "Đạt", ""),
        ({"kind": "judgement", "comparator": None, "value": 0.0}, "Chưa đạt", ""),
    ],
)
def test_value_and_threshold_in_words(fields, value, threshold):
    entry = indicator(**fields)
    assert (WORDS.value(entry), WORDS.threshold(entry)) == (value, threshold)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("met", "Đạt"),
        ("not_met", "Chưa đạt"),
        ("missing", "Thiếu số liệu"),
        ("not_evaluable", "Chưa đánh giá được"),
    ],
)
def test_status_labels(status, label):
    assert WORDS.status(status) == label


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12.5, Decimal("12.5")), (2.3000000001, Decimal("2.3")), (100.0, Decimal("100")), (0, 0)],
)
def test_trimmed_keeps_at_most_two_decimals_without_trailing_zeros(value, expected):
    assert trimmed(value) == expected
    assert "E" not in str(trimmed(value))


def test_plain_number_writes_a_decimal_comma():
    assert (plain_number(12.5), plain_number(100.0), plain_number(0.05)) == ("12,5", "100", "0,05")


def test_number_and_translation_are_the_callers():
    english = Wording(number=lambda x: plain_number(x, "."), gettext=lambda m: f"[{m}]")
    entry = indicator(unit="km", value=7.7, threshold=10, gap=2.3)
    assert english.gap(entry) == "[còn thiếu 2.3 km]"
    assert english.value(entry) == "7.7 km"
