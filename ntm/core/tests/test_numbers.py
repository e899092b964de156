import pytest

from ntm.core.numbers import NumberError, parse_number


@pytest.mark.parametrize(
    ("text", "decimal_mark", "expected"),
    [
        pytest.param("36", ",", 36.0, id="whole"),
        pytest.param("31,5", ",", 31.5, id="vi-decimal-comma"),
        pytest.param("31.5", ",", 31.5, id="vi-user-typing-a-dot"),
        pytest.param("1.234", ",", 1234.0, id="vi-thousands-dot"),
        pytest.param("1,234", ",", 1.234, id="vi-comma-is-decimal"),
        pytest.param("1.234,5", ",", 1234.5, id="vi-grouped-decimal"),
        pytest.param("1.234.567", ",", 1234567.0, id="vi-millions"),
        pytest.param("1,234", ".", 1234.0, id="en-thousands-comma"),
        pytest.param("1.234", ".", 1.234, id="en-dot-is-decimal"),
        pytest.param("1,234.5", ".", 1234.5, id="en-grouped-decimal"),
        pytest.param("36,5", ".", 36.5, id="en-comma-not-followed-by-three-digits"),
        pytest.param(" 1 234,5 ", ",", 1234.5, id="spaces-group"),
        pytest.param("1\u00a0234", ",", 1234.0, id="no-break-space-groups"),
        pytest.param("85%", ",", 85.0, id="percent-sign-dropped"),
        pytest.param("-2,5", ",", -2.5, id="negative-kept-for-the-validator"),
        pytest.param("0.125", ",", 0.125, id="leading-zero-is-decimal"),
        pytest.param(",5", ",", 0.5, id="no-integer-part"),
    ],
)
def test_parse_number_reads_what_officials_type(text, decimal_mark, expected):
    assert parse_number(text, decimal_mark=decimal_mark) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "12a", "1,2,3", "1.2.3", "1.234,5,6", "1,234,5", "Đạt", "--1", "1e5"]
)
def test_parse_number_refuses_text_that_is_not_a_number(text):
    with pytest.raises(NumberError):
        parse_number(text)
