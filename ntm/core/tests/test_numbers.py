"""The one set of number rules (ntm/core/numbers.py): the table of its docstring, row by row."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm.core.numbers import (
    NumberError,
    ends_with_percent,
    format_number,
    number_locale,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        pytest.param("36", "vi", 36.0, id="whole"),
        pytest.param("31,5", "vi", 31.5, id="vi-decimal-comma"),
        pytest.param("31.5", "vi", 31.5, id="vi-dot-that-cannot-group"),
        pytest.param("1.234", "vi", 1234.0, id="vi-thousands-dot"),
        pytest.param("1,234", "vi", 1.234, id="vi-comma-is-always-decimal"),
        pytest.param("1.234,5", "vi", 1234.5, id="vi-grouped-decimal"),
        pytest.param("1.234.567", "vi", 1234567.0, id="vi-millions"),
        pytest.param("1234.5", "vi", 1234.5, id="vi-dot-after-four-digits-is-decimal"),
        pytest.param("1234.567", "vi", 1234.567, id="vi-dot-after-four-digits-three-decimals"),
        pytest.param("0.125", "vi", 0.125, id="vi-dot-after-zero-is-decimal"),
        pytest.param("12.34", "vi", 12.34, id="vi-dot-before-two-digits-is-decimal"),
        pytest.param("1234,5", "vi", 1234.5, id="vi-ungrouped-decimal"),
        pytest.param("1,234", "en", 1234.0, id="en-thousands-comma"),
        pytest.param("1.234", "en", 1.234, id="en-dot-is-decimal"),
        pytest.param("1,234.5", "en", 1234.5, id="en-grouped-decimal"),
        pytest.param("36,5", "en", 36.5, id="en-comma-that-cannot-group"),
        pytest.param(" 1 234,5 ", "vi", 1234.5, id="spaces-group"),
        pytest.param("12 345", "vi", 12345.0, id="space-groups"),
        pytest.param("1\u00a0234", "vi", 1234.0, id="no-break-space-groups"),
        pytest.param("1\u202f234", "vi", 1234.0, id="narrow-no-break-space-groups"),
        pytest.param("85%", "vi", 85.0, id="percent-sign-dropped"),
        pytest.param("45 %", "vi", 45.0, id="percent-sign-after-a-space"),
        pytest.param("-2,5", "vi", -2.5, id="negative-kept-for-the-validator"),
        pytest.param("\u22122,5", "vi", -2.5, id="unicode-minus"),
        pytest.param("+3", "vi", 3.0, id="plus-sign"),
        pytest.param(",5", "vi", 0.5, id="no-integer-part"),
        pytest.param("1" + ".000" * 10, "vi", 1e30, id="past-28-digits"),
        pytest.param(".5", "vi", 0.5, id="no-integer-part-dot"),
        pytest.param("1,234", "vi-vn", 1.234, id="language-code-with-region"),
    ],
)
def test_parse_number_reads_what_officials_type(text, locale, expected):
    assert parse_number(text, locale=locale) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        pytest.param("", "vi", id="empty"),
        pytest.param("   ", "vi", id="blank"),
        pytest.param("%", "vi", id="only-a-percent-sign"),
        pytest.param("abc", "vi", id="letters"),
        pytest.param("12a", "vi", id="trailing-letter"),
        pytest.param("Đạt", "vi", id="a-judgement-word"),
        pytest.param("1,2,3", "vi", id="two-decimal-commas"),
        pytest.param("1.2.3", "vi", id="bad-grouping"),
        pytest.param("1.23.456", "vi", id="short-group"),
        pytest.param("1.234,5,6", "vi", id="grouped-then-two-commas"),
        pytest.param("1,234,5", "vi", id="comma-groups"),
        pytest.param("1,234.5", "vi", id="english-grouping-on-a-vietnamese-page"),
        pytest.param("1.234,5", "en", id="vietnamese-grouping-on-an-english-page"),
        pytest.param("--1", "vi", id="double-minus"),
        pytest.param("1e5", "vi", id="exponent"),
        pytest.param("NaN", "vi", id="not-a-number"),
        pytest.param("\u0661\u0662", "vi", id="arabic-indic-digits"),
        pytest.param("1" * 501, "vi", id="too-long"),
    ],
)
def test_parse_number_refuses_text_that_is_not_a_number(text, locale):
    with pytest.raises(NumberError):
        parse_number(text, locale=locale)


def test_a_refusal_suggests_the_readings_in_the_language_format():
    with pytest.raises(NumberError) as caught:
        parse_number("1,234.5", locale="vi")
    assert "1.234,5" in caught.value.suggestions


@pytest.mark.parametrize(
    ("value", "decimals", "locale", "grouping", "expected"),
    [
        pytest.param(1234.5, 2, "vi", True, "1.234,5", id="vi-grouped"),
        pytest.param(1234.5, 2, "en", True, "1,234.5", id="en-grouped"),
        pytest.param(1234.5, 2, "vi", False, "1234,5", id="vi-input"),
        pytest.param(2.345, 2, "vi", True, "2,35", id="rounded-to-two"),
        pytest.param(0.1 + 0.2, 2, "vi", True, "0,3", id="float-noise-dropped"),
        pytest.param(100.0, 2, "vi", True, "100", id="no-trailing-zeros"),
        pytest.param(1234567.891, 0, "vi", True, "1.234.568", id="no-decimals"),
        pytest.param(1.234, None, "vi", False, "1,234", id="exact-input"),
        pytest.param(-0.001, 2, "vi", True, "0", id="no-negative-zero"),
        pytest.param(-2.5, 2, "vi", True, "-2,5", id="negative"),
        pytest.param(1e20, 2, "vi", False, "100000000000000000000", id="no-exponent"),
        pytest.param(1e30, 2, "vi", True, "1" + ".000" * 10, id="past-28-digits"),
    ],
)
def test_format_number_writes_as_pages_show(value, decimals, locale, grouping, expected):
    assert format_number(value, decimals, locale=locale, grouping=grouping) == expected


@pytest.mark.parametrize(
    "value", [0.0, 1.234, 1234.5, 31.5, 1234567.0, 0.125, -2.5, 1e-7, 123456789.123]
)
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_what_an_input_shows_reads_back_as_the_same_number(value, locale):
    shown = format_number(value, None, locale=locale, grouping=False)
    assert parse_number(shown, locale=locale) == value
    grouped = format_number(value, None, locale=locale)
    assert parse_number(grouped, locale=locale) == value


def test_number_locale_and_percent_sign():
    assert [number_locale(code) for code in ("vi", "en", "en-us", None, "fr")] == [
        "vi",
        "en",
        "en",
        "vi",
        "vi",
    ]
    assert ends_with_percent(" 45 % ") and not ends_with_percent("45")


@given(
    value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    locale=st.sampled_from(["vi", "en"]),
    grouping=st.booleans(),
)
def test_any_number_written_exactly_reads_back_the_same(value, locale, grouping):
    shown = format_number(value, None, locale=locale, grouping=grouping)
    assert parse_number(shown, locale=locale) == value + 0.0
