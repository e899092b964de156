"""The four conditions of Decision 18/2022/QĐ-TTg a commune must meet before a recognition
decision is recorded, checked on the decision's date and put in words.

- C1: every criterion of the applicable set met on the date (the engine, with the tier
  ladder: an advanced commune also meets the standard set).
- C2: the residents' satisfaction survey result, with its document, at or above the level
  the province set. The data file has no confirmed level for communes: until the province
  enters one (with the document that sets it) the condition is "needs a setting" and
  cannot pass.
- C3: no outstanding capital-construction debt, declared with the debt report.
- C4: security and order not "complicated", confirmed by the police with a document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ntm.core.numbers import format_number
from ntm.criteria.selectors import UnknownSet, get_set
from ntm.dashboards.evaluation import evaluate_unit
from ntm.number_messages import page_locale
from ntm.recognition.models import RecognitionCase
from ntm.recognition.procedure import SATISFACTION, conditions, document_name
from ntm.recognition.selectors import province_of, setting_value

MET, NOT_MET, MISSING, NEEDS_SETTING = "met", "not_met", "missing", "needs_setting"


@dataclass(frozen=True)
class ConditionCheck:
    """One condition on a date: its state and why, in words."""

    code: str
    name: str
    state: str
    reasons: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def is_met(self) -> bool:
        return self.state == MET

    def sentence(self) -> str:
        """ "C2 (Mức độ hài lòng …): reason; reason." """
        text = "; ".join(self.reasons) or self.summary
        return f"{self.code} ({self.name}): {text}"


@dataclass(frozen=True)
class ConditionsReport:
    on: dt.date
    checks: list[ConditionCheck]
    #: the C1 evaluation, for pages that show the criteria
    evaluation: dict[str, Any] | None = None

    @property
    def all_met(self) -> bool:
        return all(c.is_met for c in self.checks)

    @property
    def failing(self) -> list[ConditionCheck]:
        return [c for c in self.checks if not c.is_met]


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def percent_text(value: float | Decimal) -> str:
    """95.2 -> "95,2" (vi) or "95.2" (en); 90.0 -> "90"."""
    return format_number(value, 2, locale=page_locale(), grouping=False)


def _documents(case: RecognitionCase) -> set[str]:
    return {d.kind for d in case.documents.all() if not d.is_removed}


def check_conditions(case: RecognitionCase, *, on: dt.date) -> ConditionsReport:
    """C1 to C4 for a case on a date (the intended decision date)."""
    names = {c.code: c.name for c in conditions()}
    documents = _documents(case)
    c1, evaluation = _criteria_condition(case, on, names["C1"])
    return ConditionsReport(
        on=on,
        checks=[
            c1,
            _satisfaction_condition(case, on, names["C2"], documents),
            _debt_condition(case, names["C3"], documents),
            _security_condition(case, names["C4"], documents),
        ],
        evaluation=evaluation,
    )


def _criteria_condition(
    case: RecognitionCase, on: dt.date, name: str
) -> tuple[ConditionCheck, dict[str, Any] | None]:
    try:
        stored = get_set(case.set_id, on=on)
    except UnknownSet:
        return ConditionCheck(
            "C1", name, MISSING, [_("không tìm thấy bộ tiêu chí “%(set)s”") % {"set": case.set_id}]
        ), None
    report = evaluate_unit(case.unit, stored, on)
    set_words = _("%(met)s/%(total)s tiêu chí của %(set)s tại ngày %(date)s") % {
        "met": report["met"],
        "total": report["total"],
        "set": stored.name_vi,
        "date": _date(on),
    }
    if case.tier in report["eligible_tiers"]:
        return ConditionCheck(
            "C1", name, MET, summary=_("đạt %(what)s") % {"what": set_words}
        ), report
    reasons = [_("mới đạt %(what)s") % {"what": set_words}]
    by_status: dict[str, list[str]] = {}
    for criterion in report["criteria"]:
        if criterion["status"] != "met":
            by_status.setdefault(criterion["status"], []).append(
                f"{criterion['number']}. {criterion['name']}"
            )
    if by_status.get("not_met"):
        reasons.append(_("chưa đạt: %(list)s") % {"list": ", ".join(by_status["not_met"])})
    if by_status.get("missing"):
        reasons.append(_("chưa có số liệu: %(list)s") % {"list": ", ".join(by_status["missing"])})
    if by_status.get("not_evaluable"):
        reasons.append(
            _(
                "chưa đánh giá được (ngưỡng cần xác nhận, hoặc cần sở, ngành xác nhận cả tiêu chí): %(list)s"
            )
            % {"list": ", ".join(by_status["not_evaluable"])}
        )
    if report["all_met"] and case.tier not in report["eligible_tiers"]:
        reasons.append(_("chưa đạt bộ tiêu chí của mức thấp hơn trong cùng thang bậc"))
    elif report["met"] == report["total"] and not report["conditions_met"]:
        reasons.append(_("chưa đạt điều kiện của bộ tiêu chí"))
    return ConditionCheck("C1", name, NOT_MET, reasons), report


def _satisfaction_condition(
    case: RecognitionCase, on: dt.date, name: str, documents: set[str]
) -> ConditionCheck:
    reasons = []
    state = MET
    if case.satisfaction_percent is None:
        reasons.append(_("chưa nhập kết quả lấy ý kiến sự hài lòng của người dân"))
        state = MISSING
    if "satisfaction_survey" not in documents:
        reasons.append(
            _("chưa có tài liệu “%(document)s”")
            % {"document": document_name("satisfaction_survey")}
        )
        state = MISSING
    required = setting_value(province_of(case.unit), SATISFACTION, on)
    if not required.is_set:
        reasons.append(
            _(
                "tỉnh chưa xác định mức hài lòng yêu cầu (cần xác nhận: nguồn QĐ 18/2022 đã tra cứu "
                "không nêu mức cho xã). Văn phòng điều phối tỉnh nhập mức yêu cầu kèm văn bản quy "
                "định ở trang Thông số quy trình, rồi ghi quyết định"
            )
        )
        return ConditionCheck("C2", name, NEEDS_SETTING, reasons)
    if case.satisfaction_percent is not None and float(case.satisfaction_percent) < required.value:
        reasons.insert(
            0,
            _("%(value)s%% người dân hài lòng, thấp hơn mức yêu cầu %(required)s%%")
            % {
                "value": percent_text(case.satisfaction_percent),
                "required": percent_text(required.value),
            },
        )
        state = NOT_MET
    if state == MET:
        return ConditionCheck(
            "C2",
            name,
            MET,
            summary=_("%(value)s%% người dân hài lòng, đạt mức yêu cầu %(required)s%%")
            % {
                "value": percent_text(case.satisfaction_percent),
                "required": percent_text(required.value),
            },
        )
    return ConditionCheck("C2", name, state, reasons)


def _debt_condition(case: RecognitionCase, name: str, documents: set[str]) -> ConditionCheck:
    reasons = []
    state = MET
    if case.has_construction_debt is None:
        reasons.append(_("chưa kê khai tình hình nợ đọng xây dựng cơ bản"))
        state = MISSING
    elif case.has_construction_debt:
        reasons.append(_("xã còn nợ đọng xây dựng cơ bản"))
        state = NOT_MET
    if "debt_report" not in documents:
        reasons.append(
            _("chưa có tài liệu “%(document)s”") % {"document": document_name("debt_report")}
        )
        state = state if state == NOT_MET else MISSING
    if state == MET:
        return ConditionCheck("C3", name, MET, summary=_("không còn nợ đọng, có báo cáo kèm theo"))
    return ConditionCheck("C3", name, state, reasons)


def _security_condition(case: RecognitionCase, name: str, documents: set[str]) -> ConditionCheck:
    reasons = []
    state = MET
    if case.is_security_complicated is None:
        reasons.append(_("chưa có xác nhận của cơ quan công an về tình hình an ninh, trật tự"))
        state = MISSING
    elif case.is_security_complicated:
        reasons.append(_("cơ quan công an xác nhận tình hình an ninh, trật tự phức tạp"))
        state = NOT_MET
    if "security_confirmation" not in documents:
        reasons.append(
            _("chưa có tài liệu “%(document)s”")
            % {"document": document_name("security_confirmation")}
        )
        state = state if state == NOT_MET else MISSING
    if state == MET:
        by = case.security_confirmed_by or _("cơ quan công an")
        return ConditionCheck(
            "C4", name, MET, summary=_("không phức tạp, theo xác nhận của %(by)s") % {"by": by}
        )
    return ConditionCheck("C4", name, state, reasons)
