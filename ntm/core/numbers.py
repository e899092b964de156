"""Numbers as officials type or paste them: "31,5", "1.234", "1 234,5", "85%".

Vietnamese writes a decimal comma and groups thousands with dots (1.234,5); English the
other way round (1,234.5); Excel copies what the cell shows. A single separator is read
as the decimal mark, except that the language's grouping mark followed by exactly three
digits ("1.234" in Vietnamese, "1,234" in English) groups thousands, as that language
writes them.
"""

from __future__ import annotations

import re

#: Spaces that group thousands: plain, no-break, narrow no-break, thin.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_PLAIN = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*[.,]\d+$|^[+-]?\d+[.,]$")
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*$")
_GROUPED_DECIMAL = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(?P<sep>[.,])\d{3})+(?P<dec>[.,])\d+$")


class NumberError(ValueError):
    """Text that is not a number."""


def parse_number(text: str, *, decimal_mark: str = ",") -> float:
    """Read a typed or pasted number; ``decimal_mark`` is the language's ("," or ".").

    A trailing "%" is dropped (the caller knows whether the indicator is a percentage).
    """
    raw = _SPACES.sub("", (text or "").strip())
    if raw.endswith("%"):
        raw = raw[:-1]
    if not raw:
        raise NumberError("empty")
    if _PLAIN.match(raw):
        return float(raw)
    grouping_mark = "." if decimal_mark == "," else ","
    grouped = _GROUPED.match(raw)
    if grouped and (raw.count(grouped["sep"]) > 1 or grouped["sep"] == grouping_mark):
        # "1.234.567" groups in any language; "1.234" only where "." groups thousands.
        return float(raw.replace(grouped["sep"], ""))
    if _DECIMAL.match(raw):
        return float(raw.replace(",", "."))
    both = _GROUPED_DECIMAL.match(raw)
    if both and both["sep"] != both["dec"]:
        return float(raw.replace(both["sep"], "").replace(",", "."))
    raise NumberError(raw)
