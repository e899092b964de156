"""Checks on an entered value against its indicator: the messages say what to give."""

from __future__ import annotations

import math
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.core.criteria.model import IndicatorDef, IndicatorKind, Tier
from ntm.number_messages import number_in_text


class AssessmentError(ValueError):
    """A value or record that cannot be accepted, with the reason."""


#: The programme's first day: no value is observed before it.
PROGRAMME_START = date(2010, 1, 1)
#: The longest source kept (the column's size), note, and reason for a change.
MAX_SOURCE = 300
MAX_NOTE = 2000
MAX_REASON = 2000


def latest_day() -> date:
    """The last day a value may be observed on: the end of next year (plans, targets)."""
    return date(timezone.localdate().year + 1, 12, 31)


def check_observed_on(day: date) -> None:
    """Refuse a day before the programme began or after the end of next year."""
    if day < PROGRAMME_START or day > latest_day():
        raise AssessmentError(
            _(
                "Ngày số liệu %(date)s nằm ngoài khoảng cho phép (%(first)s đến %(last)s): "
                "chương trình bắt đầu năm 2010; hãy kiểm tra lại ngày hoặc kỳ."
            )
            % {
                "date": day.strftime("%d/%m/%Y"),
                "first": PROGRAMME_START.strftime("%d/%m/%Y"),
                "last": latest_day().strftime("%d/%m/%Y"),
            }
        )


def check_length(label: str, text: str, limit: int) -> None:
    """Refuse a text longer than ``limit`` characters, saying how long it is."""
    if len(text) > limit:
        raise AssessmentError(
            _("%(label)s dài %(length)d ký tự, vượt quá %(limit)d ký tự cho phép; hãy rút gọn.")
            % {"label": label, "length": len(text), "limit": limit}
        )


def finite_number(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AssessmentError(
            _("%(field)s phải là một số hữu hạn, nhận được %(value)r.")
            % {"field": name, "value": value}
        )
    return float(value)


def validate_value(
    indicator: IndicatorDef,
    *,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    is_met: bool | None,
) -> None:
    """Check that the entered fields fit the indicator's kind; the message says what to give."""
    label = f"{indicator.code} ({indicator.name_vi})"
    if indicator.kind is IndicatorKind.AGGREGATE:
        raise AssessmentError(
            _("%(label)s được tính từ các đơn vị trực thuộc, không nhập trực tiếp.")
            % {"label": label}
        )
    if indicator.kind is IndicatorKind.JUDGEMENT:
        if is_met is None or value is not None or numerator is not None:
            raise AssessmentError(
                _("%(label)s là chỉ tiêu đánh giá: ghi Đạt hoặc Chưa đạt, không ghi số.")
                % {"label": label}
            )
        return
    if indicator.kind is IndicatorKind.RATIO:
        if numerator is None or denominator is None:
            parts = (
                (indicator.ratio.numerator, indicator.ratio.denominator)
                if indicator.ratio
                else ("", "")
            )
            raise AssessmentError(
                _("%(label)s là tỷ lệ: cần nhập cả hai số (%(numerator)s / %(denominator)s).")
                % {"label": label, "numerator": parts[0], "denominator": parts[1]}
            )
        if numerator < 0 or denominator <= 0:
            raise AssessmentError(
                _("%(label)s: mẫu số phải lớn hơn 0 và tử số không được âm.") % {"label": label}
            )
        if indicator.unit == "%" and numerator > denominator:
            raise AssessmentError(
                _("%(label)s: tử số (%(numerator)s) lớn hơn mẫu số (%(denominator)s).")
                % {
                    "label": label,
                    "numerator": number_in_text(numerator),
                    "denominator": number_in_text(denominator),
                }
            )
        return
    if value is None or is_met is not None:
        raise AssessmentError(_("%(label)s cần một giá trị số.") % {"label": label})
    if value < 0:
        raise AssessmentError(
            _("%(label)s: giá trị %(value)s không được âm.")
            % {"label": label, "value": number_in_text(value)}
        )
    if indicator.unit == "%" and value > 100:
        raise AssessmentError(
            _("%(label)s là tỷ lệ phần trăm: %(value)s nằm ngoài khoảng 0–100.")
            % {"label": label, "value": number_in_text(value)}
        )


def not_in_force(unit, on: date) -> str:
    """The refusal for a record of a unit on a day it did not exist."""
    return _("%(unit)s không tồn tại vào ngày %(date)s.") % {
        "unit": unit.name,
        "date": on.strftime("%d/%m/%Y"),
    }


def parse_tier(value: str) -> Tier:
    """The tier named by ``value`` (standard, advanced, model...), or a refusal naming them."""
    try:
        return Tier(value)
    except ValueError:
        raise AssessmentError(
            _("“%(value)s” không phải là một mức đạt chuẩn; các mức: %(tiers)s.")
            % {"value": value, "tiers": ", ".join(t.value for t in Tier)}
        ) from None
