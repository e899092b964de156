"""An indicator result in words a commune official understands: "còn thiếu 2,3 km".

Pure Python. The caller passes the number formatter of the user's language and the
translation function (Django's ``gettext`` on the pages); the defaults write Vietnamese
with a decimal comma, so the phrases can be tested without Django.

The input is one indicator entry of an evaluation report
(``Evaluation.unit_report()["criteria"][i]["indicators"][j]``): kind, unit, comparator,
status, value, threshold and gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ntm.core.numbers import format_number

Number = Callable[[float], str]
Translate = Callable[[str], str]

#: How many decimals a figure keeps on a page (2,345 km -> "2,35 km").
MAX_DECIMALS = 2

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
CEILINGS = ("<=", "<")
FLOORS = (">=", ">")


def trimmed(value: float, max_decimals: int = MAX_DECIMALS) -> Decimal:
    """A float rounded to at most ``max_decimals`` places, without trailing zeros.

    12.5 -> 12.5; 2.3000000001 -> 2.3; 100.0 -> 100.
    """
    rounded = Decimal(repr(round(float(value), max_decimals)))
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize()


def plain_number(value: float, decimal_separator: str = ",") -> str:
    """A number as written in Vietnamese (decimal comma), without grouping: 12.5 -> "12,5";
    ``decimal_separator="."`` writes it in English. The pages pass ``localized_number``."""
    locale = "en" if decimal_separator == "." else "vi"
    return format_number(value, MAX_DECIMALS, locale=locale, grouping=False)


def _untranslated(message: str) -> str:
    return message


@dataclass(frozen=True)
class Wording:
    """Phrases for indicator results, in the language of ``gettext`` and ``number``."""

    number: Number = plain_number
    gettext: Translate = _untranslated

    def amount(self, value: float, unit: str = "") -> str:
        """A figure with its unit: "2,3 km", "12,5 triệu đồng/người/năm", "1,2 %"."""
        text = self.number(value)
        return f"{text} {unit}" if unit else text

    def status(self, status: str) -> str:
        """The name of a status as a badge shows it."""
        labels = {
            "met": self.gettext("Đạt"),
            "not_met": self.gettext("Chưa đạt"),
            "missing": self.gettext("Thiếu số liệu"),
            "not_evaluable": self.gettext("Chưa đánh giá được"),
        }
        return labels.get(status, status)

    def value(self, indicator: Mapping[str, Any]) -> str:
        """The value entered (or computed): "77 %", "Đạt" for a judgement, "—" when none."""
        value = indicator.get("value")
        if value is None:
            return "—"
        if indicator.get("kind") == "judgement":
            return self.gettext("Đạt") if value >= 1 else self.gettext("Chưa đạt")
        return self.amount(value, indicator.get("unit") or "")

    def threshold(self, indicator: Mapping[str, Any]) -> str:
        """What the set requires: "≥ 36 triệu đồng/người/năm"; "" for a judgement."""
        if indicator.get("kind") == "judgement":
            return ""
        threshold = indicator.get("threshold")
        if threshold is None:
            return self.gettext("chưa có ngưỡng")
        sign = COMPARATOR_SIGNS.get(indicator.get("comparator") or "", "")
        amount = self.amount(threshold, indicator.get("unit") or "")
        return f"{sign} {amount}" if sign else amount

    def gap(self, indicator: Mapping[str, Any]) -> str:
        """What is missing to meet the indicator, in its own unit; "" when met.

        A floor (≥) not reached: "còn thiếu 2,3 km"; a ceiling (≤) exceeded: "vượt 1,2 %".
        """
        status = indicator.get("status")
        if status == "met":
            return ""
        if status == "missing":
            return self.gettext("chưa có số liệu")
        if status == "not_evaluable":
            return self.gettext("ngưỡng cần xác nhận")
        if indicator.get("kind") == "judgement":
            return self.gettext("chưa đạt theo đánh giá của ngành")
        unit = indicator.get("unit") or ""
        comparator = indicator.get("comparator") or ""
        gap = indicator.get("gap")
        threshold = indicator.get("threshold")
        if gap is None or threshold is None:
            return self.gettext("chưa đạt")
        if trimmed(gap) == 0:
            # Only a strict comparison fails with no gap: the value sits on the threshold.
            if comparator == ">":
                message = self.gettext("cần cao hơn %(amount)s")
            elif comparator == "<":
                message = self.gettext("cần thấp hơn %(amount)s")
            else:
                return self.gettext("chưa đạt")
            return message % {"amount": self.amount(threshold, unit)}
        if comparator in CEILINGS:
            message = self.gettext("vượt %(amount)s")
        elif comparator in FLOORS:
            message = self.gettext("còn thiếu %(amount)s")
        else:
            message = self.gettext("lệch %(amount)s")
        return message % {"amount": self.amount(gap, unit)}


def slug_of(code: str) -> str:
    """An indicator code as it appears in field names and ids: "2.1" -> "2-1"."""
    return "".join(ch if ch.isalnum() else "-" for ch in code)
