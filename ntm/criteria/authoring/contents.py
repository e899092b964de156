"""Adding, changing and removing a draft's own criteria and indicators."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.core.criteria.model import (
    Comparator,
    IndicatorKind,
)
from ntm.criteria.authoring.drafts import _edit, _own_criterion, _own_indicator, _save, _text
from ntm.criteria.authoring.rights import _CODE, ADDABLE_KINDS, AuthoringError
from ntm.criteria.authoring.thresholds import _plain_number
from ntm.criteria.models import CriteriaSet

# --- Criteria and indicators ---------------------------------------------------------------


def _check_code(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if not _CODE.fullmatch(value):
        raise AuthoringError(
            _("%(label)s chỉ gồm chữ, số, dấu chấm, dấu gạch ngang (tối đa 20 ký tự), ví dụ 21.1.")
            % {"label": label},
            field=field,
        )
    return value


@transaction.atomic
def add_criterion(
    stored: CriteriaSet,
    *,
    number: str,
    name_vi: str,
    name_en: str = "",
    group: str = "",
    actor: Actor,
) -> CriteriaSet:
    """A criterion the province adds (without indicators: judged by certification until
    indicators are added)."""
    draft, document, province = _edit(stored, actor)
    number = _check_code(number, field="number", label=_("Số tiêu chí"))
    definition = draft.to_domain()
    if any(c.number == number for c in definition.criteria):
        raise AuthoringError(
            _("Bộ đã có tiêu chí %(number)s.") % {"number": number}, field="number"
        )
    groups = {code for code, _name, _en in definition.groups}
    group = (group or "").strip()
    if group and group not in groups:
        raise AuthoringError(
            _("Không có nhóm tiêu chí %(group)s.") % {"group": group}, field="group"
        )
    criterion: dict[str, Any] = {
        "number": number,
        "name_vi": _text(name_vi, field="name_vi", label=_("tên tiêu chí"), required=True),
        "name_en": _text(name_en, field="name_en", label=_("tên tiếng Anh"), required=False),
        "confidence": "verified",
        "sources": [],
        "indicators": [],
    }
    if group:
        criterion["group"] = group
    document["criteria"] = [*(document.get("criteria") or []), criterion]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.add_criterion",
        summary=_("thêm tiêu chí %(number)s") % {"number": number},
        new=criterion,
    )


@transaction.atomic
def update_criterion(
    stored: CriteriaSet, *, number: str, name_vi: str, name_en: str = "", actor: Actor
) -> CriteriaSet:
    """Rename a criterion the draft defines."""
    draft, document, province = _edit(stored, actor)
    criterion = _own_criterion(document, number)
    old = {"name_vi": criterion.get("name_vi"), "name_en": criterion.get("name_en")}
    criterion["name_vi"] = _text(name_vi, field="name_vi", label=_("tên tiêu chí"), required=True)
    criterion["name_en"] = _text(name_en, field="name_en", label=_("tên tiếng Anh"), required=False)
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.edit_criterion",
        summary=_("sửa tên tiêu chí %(number)s") % {"number": number},
        old=old,
        new={"name_vi": criterion["name_vi"], "name_en": criterion["name_en"]},
    )


@transaction.atomic
def remove_criterion(stored: CriteriaSet, *, number: str, actor: Actor) -> CriteriaSet:
    """Remove a criterion the draft defines, with its indicators."""
    draft, document, province = _edit(stored, actor)
    criterion = _own_criterion(document, number)
    document["criteria"] = [c for c in document["criteria"] if c is not criterion]
    keys = document.get("revocation_key_criteria") or []
    document["revocation_key_criteria"] = [k for k in keys if str(k) != number]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.remove_criterion",
        summary=_("bỏ tiêu chí %(number)s") % {"number": number},
        old=criterion,
    )


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator as the office defines it (thresholds are set separately)."""

    code: str
    name_vi: str
    kind: str
    name_en: str = ""
    unit: str = ""
    comparator: str = ""
    numerator: str = ""
    denominator: str = ""
    scale: float | None = None


def _indicator_document(entry: IndicatorInput, *, code: str) -> dict[str, Any]:
    try:
        kind = IndicatorKind(entry.kind)
    except ValueError:
        kind = None
    if kind not in ADDABLE_KINDS:
        raise AuthoringError(
            _("Loại chỉ tiêu phải là đánh giá đạt/chưa đạt, số hoặc tỷ lệ."), field="kind"
        )
    indicator: dict[str, Any] = {
        "code": code,
        "name_vi": _text(entry.name_vi, field="name_vi", label=_("tên chỉ tiêu"), required=True),
        "name_en": _text(entry.name_en, field="name_en", label=_("tên tiếng Anh"), required=False),
        "kind": kind.value,
        "unit": _text(entry.unit, field="unit", label=_("đơn vị tính"), required=False, limit=60),
        "confidence": "verified",
        "sources": [],
    }
    if kind is IndicatorKind.JUDGEMENT:
        return indicator
    if entry.comparator not in {c.value for c in Comparator}:
        raise AuthoringError(
            _("Cần chọn phép so sánh (≥, ≤, >, <, =) cho chỉ tiêu số hoặc tỷ lệ."),
            field="comparator",
        )
    indicator["comparator"] = entry.comparator
    indicator["thresholds"] = []
    if kind is IndicatorKind.RATIO:
        scale = 100.0 if entry.scale is None else entry.scale
        if not math.isfinite(scale) or scale <= 0:
            raise AuthoringError(_("Hệ số của tỷ lệ phải là số dương."), field="scale")
        indicator["ratio"] = {
            "numerator": _text(entry.numerator, field="numerator", label=_("tử số"), required=True),
            "denominator": _text(
                entry.denominator, field="denominator", label=_("mẫu số"), required=True
            ),
            "scale": _plain_number(scale),
        }
    return indicator


@transaction.atomic
def add_indicator(
    stored: CriteriaSet, *, criterion: str, entry: IndicatorInput, actor: Actor
) -> CriteriaSet:
    """An indicator in a criterion the draft defines; it needs confirmation until its
    threshold is set."""
    draft, document, province = _edit(stored, actor)
    target = _own_criterion(document, criterion)
    code = _check_code(entry.code, field="code", label=_("Mã chỉ tiêu"))
    if any(i.code == code for i in draft.to_domain().indicators):
        raise AuthoringError(_("Bộ đã có chỉ tiêu %(code)s.") % {"code": code}, field="code")
    indicator = _indicator_document(entry, code=code)
    target["indicators"] = [*(target.get("indicators") or []), indicator]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.add_indicator",
        summary=_("thêm chỉ tiêu %(code)s vào tiêu chí %(number)s")
        % {"code": code, "number": criterion},
        new=indicator,
    )


@transaction.atomic
def update_indicator(
    stored: CriteriaSet, *, code: str, entry: IndicatorInput, actor: Actor
) -> CriteriaSet:
    """Change the wording, unit, comparator or ratio parts of an indicator the draft
    defines; its kind and thresholds stay (thresholds are edited on their own)."""
    draft, document, province = _edit(stored, actor)
    raw = _own_indicator(document, code)
    old = copy.deepcopy(raw)
    updated = _indicator_document(replace(entry, kind=raw.get("kind", entry.kind)), code=code)
    for key in ("name_vi", "name_en", "unit", "comparator", "ratio"):
        if key in updated:
            raw[key] = updated[key]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.edit_indicator",
        summary=_("sửa chỉ tiêu %(code)s") % {"code": code},
        old=old,
        new=raw,
    )


@transaction.atomic
def remove_indicator(stored: CriteriaSet, *, code: str, actor: Actor) -> CriteriaSet:
    """Remove an indicator the draft defines."""
    draft, document, province = _edit(stored, actor)
    raw = _own_indicator(document, code)
    for criterion in document.get("criteria") or []:
        criterion["indicators"] = [i for i in criterion.get("indicators") or [] if i is not raw]
    if document.get("conditions"):
        document["conditions"] = [i for i in document["conditions"] if i is not raw]
    return _save(
        draft,
        document,
        actor=actor,
        province=province,
        action="criteria_set.remove_indicator",
        summary=_("bỏ chỉ tiêu %(code)s") % {"code": code},
        old=raw,
    )
