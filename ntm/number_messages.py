"""What to tell someone whose text is not a number, in the page's language.

The rules live in ``ntm.core.numbers`` (pure Python); this adds Django's active language
and translated words, for every path that reads typed numbers (entry form, grid, criteria
authoring, workbook import).
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ntm.core.numbers import NumberError, format_number, number_locale


def page_locale() -> str:
    """The number locale of the active language ("vi" or "en")."""
    return number_locale(get_language())


def number_hint(error: NumberError, locale: str | None = None) -> str:
    """How to write a number ("Ghi số như 1.234,5 ..."), and Babel's readings of the text
    in the language's format when it has some ("Có phải ý bạn là “1.234,5”?")."""
    locale = locale or page_locale()
    hint = _(
        "Ghi số như %(example)s (dấu chấm ngăn hàng nghìn, dấu phẩy trước phần thập phân)."
    ) % {"example": format_number(1234.5, locale=locale)}
    if error.suggestions:
        hint += " " + _("Có phải ý bạn là %(suggestions)s?") % {
            "suggestions": f" {_('hoặc')} ".join(f"“{s}”" for s in error.suggestions)
        }
    return hint


def number_in_text(value: float) -> str:
    """A number inside a message, as pages write it: 1234567.5 -> "1.234.567,5" (vi),
    "1,234,567.5" (en); at most 6 decimals (never "1.23457e+06")."""
    return format_number(value, 6, locale=page_locale())
