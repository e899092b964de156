"""Numbers as officials type or paste them, and as pages write them: one set of rules.

Every path that reads a number from text uses :func:`parse_number`: the entry form and the
grid (``ntm.values.entry_cells``), the threshold tables of the criteria authoring forms
(``ntm.criteria.forms_authoring``), text cells of an uploaded workbook
(``ntm.workbooks.rows``) and the live check in the grid's JavaScript
(``ntm/web/static/web/grid.js``, which follows this table). The API and the YAML exchange
take JSON/YAML numbers, never text, so they parse nothing; an Excel cell that already holds
a number is used as it is. Every page writes numbers with :func:`format_number`.

Reading follows the conventions of the page's language (``locale``, "vi" or "en") through
Babel (``babel.numbers.parse_decimal(..., strict=True)``), with one forgiveness: the other
language's decimal mark is accepted where it cannot be a thousands separator. In
Vietnamese:

=============  ==========  ====================================================
Text           Number      Why
=============  ==========  ====================================================
"36"           36
"31,5"         31.5        the comma is the decimal mark
"1.234"        1234        the dot groups thousands
"1.234,5"      1234.5
"1.234.567"    1234567
"1,234"        1.234       the comma is always the decimal mark in Vietnamese
                           (the entry form shows 1.234 this way)
"1234.5"       1234.5      a dot not followed by exactly three digits, or after
"0.125"        0.125       a 0 or four digits, cannot group thousands
"1234.567"     1234.567
"12 345"       12345       spaces (also no-break, narrow, thin) group thousands
"-2,5", "−2,5" -2.5        the validator refuses negatives where they make no sense
"45%"          45          the sign is dropped; the caller decides whether a % is
                           allowed (``ends_with_percent``)
"1.2.3"        refused     a wrong grouping; Babel suggests "123"
"1,234.5"      refused     English grouping: write "1.234,5"
"1e5", "abc"   refused     only digits, signs, separators and a final %
=============  ==========  ====================================================

In English ("en") the roles of "." and "," swap: "1,234" = 1234, "1.234" = 1.234,
"1,234.5" = 1234.5, and "36,5" = 36.5 (a comma that cannot group thousands).

Writing: :func:`format_number` rounds to ``decimals`` places (None: exact), drops trailing
zeros and groups thousands: 1234.5 -> "1.234,5" (vi), "1,234.5" (en); ``grouping=False``
gives what an input shows ("1234,5"), which :func:`parse_number` reads back unchanged.

Pure Python (Babel), no Django: the caller passes the locale (:func:`number_locale` maps a
Django language code to it).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

LOCALES = ("vi", "en")
#: The language's decimal mark and grouping mark.
MARKS = {"vi": (",", "."), "en": (".", ",")}
#: Spaces that group thousands: plain, no-break, narrow no-break, thin.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_SHAPE = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*$")
#: Longest text read as a number: room for any float written exactly (5e-324 is 326
#: characters, 1e308 grouped 412), a bound on the work for anything longer.
MAX_LENGTH = 500
#: Decimal digits kept while reading and writing: more than any float or allowed text has
#: (the default context keeps 28, and 1e30 would fail).
PRECISION = 2 * MAX_LENGTH


class NumberError(ValueError):
    """Text that is not a number; ``suggestions`` are readings in the language's format."""

    def __init__(self, text: str, suggestions: list[str] | None = None):
        super().__init__(text)
        self.text = text
        self.suggestions = list(suggestions or [])


def number_locale(language: str | None) -> str:
    """The number locale of a language code: "en", "en-us" -> "en"; anything else "vi"."""
    return "en" if (language or "").lower().startswith("en") else "vi"


def ends_with_percent(text: str) -> bool:
    return _SPACES.sub("", (text or "").strip()).endswith("%")


def _cleaned(text: str) -> str:
    raw = _SPACES.sub("", (text or "").strip()).replace("\u2212", "-")
    return raw[:-1] if raw.endswith("%") else raw


def _other_mark_is_decimal(raw: str, locale: str) -> bool:
    """True when ``raw`` uses the other language's decimal mark once, where it cannot group
    thousands: "1234.5", "0.125", "12.34" in Vietnamese."""
    decimal, _grouping = MARKS[locale]
    other = MARKS["en" if locale == "vi" else "vi"][0]
    if decimal in raw or raw.count(other) != 1:
        return False
    whole, _, fraction = raw.lstrip("+-").partition(other)
    could_group = re.fullmatch(r"[1-9][0-9]{0,2}", whole) and len(fraction) == 3
    return not could_group


def parse_number(text: str, *, locale: str = "vi") -> float:
    """Read a typed or pasted number by the rules of the module docstring.

    Raises :class:`NumberError` (a ``ValueError``) for empty text and anything else.
    """
    locale = number_locale(locale)
    raw = _cleaned(text)
    if not raw or len(raw) > MAX_LENGTH or not _SHAPE.match(raw):
        raise NumberError(raw)
    with localcontext() as context:
        context.prec = PRECISION  # Babel's strict check rewrites the number in full
        try:
            number = parse_decimal(raw, locale=locale, strict=True)
        except NumberFormatError as error:
            if not _other_mark_is_decimal(raw, locale):
                raise NumberError(raw, getattr(error, "suggestions", None)) from None
            other = "en" if locale == "vi" else "vi"
            try:
                number = parse_decimal(raw, locale=other, strict=True)
            except NumberFormatError:
                raise NumberError(raw) from None
    value = float(number) + 0.0  # -0 is 0
    if not math.isfinite(value):
        raise NumberError(raw)
    return value


def format_number(
    value: float | Decimal, decimals: int | None = 2, *, locale: str = "vi", grouping: bool = True
) -> str:
    """A number as pages write it: 1234.5 -> "1.234,5" (vi), "1,234.5" (en).

    At most ``decimals`` places (None: every digit of the float), no trailing zeros;
    ``grouping=False`` leaves out the thousands separators (input fields).
    """
    number = float(value)
    if decimals is not None:
        number = round(number, decimals)
    exact = Decimal(repr(number))
    if not exact.is_finite():
        return str(number)
    if exact == 0:
        exact = Decimal(0)
    pattern = "#,##0.###" if grouping else "0.###"
    with localcontext() as context:
        context.prec = PRECISION
        if exact == exact.to_integral_value():
            exact = exact.quantize(Decimal(1))
        else:
            exact = exact.normalize()
        return format_decimal(
            exact, format=pattern, locale=number_locale(locale), decimal_quantization=False
        )
