"""The commune's steps of a recognition case: registration, self-assessment, the
declarations of conditions C2-C4 and sending the dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.core.hierarchy import REFORM_2025
from ntm.core.numbers import NumberError, parse_number
from ntm.criteria.models import CriteriaSet, TierChoices
from ntm.criteria.selectors import UnknownSet, applicable_sets, get_set
from ntm.dashboards.evaluation import URBAN_KINDS, evaluate_unit
from ntm.number_messages import page_locale
from ntm.programme.models import Registration, RegistrationStatusChoices
from ntm.programme.services import record_registration
from ntm.recognition.models import (
    EventAction,
    Recognition,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import document_kinds, procedure
from ntm.recognition.selectors import (
    BEFORE_DECISION,
    COMMUNE,
    has_district,
)
from ntm.recognition.services.access import (
    CaseRefused,
    _audit,
    _event,
    _locked,
    _move,
    _not_future,
    _record_step,
    _registration_status,
    _require_stage,
    _required,
    _text,
    _today,
    _user,
    require_actor,
    stage_actor,
)
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.values.validation import not_in_force

# --- Registration --------------------------------------------------------------------------


def evaluation_day(unit: AdminUnit, year: int) -> dt.date:
    """The day a case of a year is assessed by default: the year's last day, or the unit's
    last day if it ended before."""
    day = dt.date(year, 12, 31)
    if unit.valid_to is not None and unit.valid_to <= day:
        day = unit.valid_to - dt.timedelta(days=1)
    return day


def set_for(unit: AdminUnit, tier: str, year: int) -> CriteriaSet | None:
    """The criteria set a case is judged by: the applicable set of that tier in the year."""
    return next(
        (s for s in applicable_sets(unit, evaluation_day(unit, year)) if s.tier == tier), None
    )


def _registration_problems(
    unit: AdminUnit, tier: str, year: int, registered_on: dt.date, now: dt.datetime | None
) -> list[str]:
    """What keeps a unit from registering: not a commune, a tier outside the procedure, a
    year the unit did not exist, a registration date after today."""
    problems: list[str] = []
    scope_rules = procedure()["scope"]
    if unit.level != "commune" or unit.kind in URBAN_KINDS:
        problems.append(
            _(
                "%(unit)s không thuộc diện xét công nhận nông thôn mới theo quy trình này (chỉ xã; "
                "phường, thị trấn không xét)."
            )
            % {"unit": unit.name}
        )
    if tier not in scope_rules["tiers"]:
        problems.append(
            _("Mức “%(tier)s” không xét theo quy trình này; chọn: %(tiers)s.")
            % {
                "tier": tier,
                "tiers": ", ".join(str(TierChoices(t).label) for t in scope_rules["tiers"]),
            }
        )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if (unit.valid_from is not None and unit.valid_from > last) or (
        unit.valid_to is not None and unit.valid_to <= first
    ):
        problems.append(
            _("%(unit)s không tồn tại trong năm %(year)s.") % {"unit": unit.name, "year": year}
        )
    if registered_on > _today(now):
        problems.append(_("Ngày đăng ký không thể sau hôm nay."))
    return problems


def _criteria_set_or_refuse(unit: AdminUnit, tier: str, year: int) -> CriteriaSet:
    """The criteria set the case will be judged by; CaseRefused if none applies."""
    criteria_set = set_for(unit, tier, year)
    if criteria_set is None:
        raise CaseRefused(
            [
                _("Không có bộ tiêu chí mức “%(tier)s” áp dụng cho %(unit)s trong năm %(year)s.")
                % {"tier": TierChoices(tier).label, "unit": unit.name, "year": year}
            ]
        )
    return criteria_set


def _refuse_open_or_held(unit: AdminUnit, tier: str, year: int, now: dt.datetime | None) -> None:
    """CaseRefused if the unit has a case of that tier and year not withdrawn, or holds the
    tier today."""
    existing = (
        RecognitionCase.objects.filter(unit=unit, tier=tier, year=year)
        .exclude(stage=Stage.WITHDRAWN)
        .first()
    )
    if existing is not None:
        raise CaseRefused(
            [
                _(
                    "%(unit)s đã có hồ sơ xét công nhận mức này năm %(year)s (đang ở bước “%(stage)s”)."
                )
                % {"unit": unit.name, "year": year, "stage": Stage(existing.stage).label}
            ]
        )
    held = (
        Recognition.objects.filter(unit=unit, tier=tier, decision_date__lte=_today(now))
        .exclude(revocation__decision_date__lte=_today(now))
        .first()
    )
    if held is not None:
        raise CaseRefused(
            [
                _("%(unit)s đang được công nhận mức này theo quyết định %(number)s ngày %(date)s.")
                % {
                    "unit": unit.name,
                    "number": held.decision_number,
                    "date": held.decision_date.strftime("%d/%m/%Y"),
                }
            ]
        )


@transaction.atomic
def register_case(
    *,
    unit: AdminUnit,
    tier: str,
    year: int,
    actor: Actor,
    registered_on: dt.date | None = None,
    comment: str = "",
    source: str = "",
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """Open a case (đăng ký): the commune registers to reach a tier in a year.
    ``now``: when it is entered, if not the present (the demo's clock)."""
    require_actor(actor.user, unit, COMMUNE)
    unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=unit.pk)
    registered_on = registered_on or _today(now)
    problems = _registration_problems(unit, tier, year, registered_on, now)
    if problems:
        raise CaseRefused(problems)
    criteria_set = _criteria_set_or_refuse(unit, tier, year)
    _refuse_open_or_held(unit, tier, year, now)
    registration = Registration.objects.filter(unit=unit, tier=tier, year=year).first()
    case = RecognitionCase(
        unit=unit,
        tier=tier,
        year=year,
        set_id=criteria_set.set_id,
        stage=Stage.SELF_ASSESSMENT,
        stage_since=now or timezone.now(),
        source=source,
        created_by=_user(actor),
        created_at=now or timezone.now(),
    )
    if registration is None:
        registration = record_registration(
            unit=unit,
            tier=tier,
            year=year,
            registered_on=registered_on,
            status_on=registered_on,
            source=source,
            note=comment,
            user=_user(actor),
            actor=actor,
            now=now,
        )
        case.registration = registration
        case.save()
    else:
        case.registration = registration
        case.save()
        _registration_status(case, RegistrationStatusChoices.IN_PROGRESS, registered_on, actor, now)
    _event(
        case,
        EventAction.REGISTER,
        actor,
        to_stage=Stage.SELF_ASSESSMENT,
        comment=_text(comment),
        details={"registered_on": registered_on.isoformat(), "set": criteria_set.set_id},
        now=now,
    )
    _audit(
        actor,
        case,
        "recognition_case.register",
        f"{unit.name}: {tier} {year} ({criteria_set.set_id})",
        new={"stage": case.stage, "tier": tier, "year": year, "set": criteria_set.set_id},
        reason=_text(comment),
        now=now,
    )
    return case


# --- The commune's steps -------------------------------------------------------------------


@transaction.atomic
def complete_self_assessment(
    *,
    case: RecognitionCase,
    assessed_on: dt.date,
    actor: Actor,
    comment: str = "",
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """The commune stands by its evaluation on a date: x/y criteria, under the set in force."""
    case = _locked(case)
    require_actor(actor.user, case.unit, COMMUNE)
    _require_stage(case, Stage.SELF_ASSESSMENT, doing=_("hoàn thành tự đánh giá"))
    problems: list[str] = []
    _not_future(problems, assessed_on, _("ngày tự đánh giá"), now)
    if assessed_on is not None and not is_in_force(case.unit, assessed_on):
        problems.append(not_in_force(case.unit, assessed_on))
    if problems:
        raise CaseRefused(problems)
    try:
        stored = get_set(case.set_id, on=assessed_on)
    except UnknownSet as error:
        raise CaseRefused([str(error)]) from None
    report = evaluate_unit(case.unit, stored, assessed_on)
    case.assessed_on = assessed_on
    case.assessed_met = report["met"]
    case.assessed_total = report["total"]
    case.assessed_set = stored.label
    left = _move(case, Stage.DOSSIER, now)
    case.save()
    details = {
        "assessed_on": assessed_on.isoformat(),
        "met": report["met"],
        "total": report["total"],
        "set": stored.label,
    }
    _record_step(
        case,
        EventAction.SELF_ASSESS,
        actor,
        left,
        f"{case.unit.name}: {report['met']}/{report['total']} ({stored.label})",
        details,
        comment,
        now,
    )
    return case


@dataclass(frozen=True)
class Declaration:
    """Declarations of conditions C2-C4; None leaves a condition as it is."""

    satisfaction_percent: Decimal | float | str | None = None
    satisfaction_on: dt.date | None = None
    has_construction_debt: bool | None = None
    debt_declared_on: dt.date | None = None
    is_security_complicated: bool | None = None
    security_confirmed_by: str = ""
    security_confirmed_on: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.satisfaction_percent is None
            and self.has_construction_debt is None
            and self.is_security_complicated is None
        )


#: Declared fields of each condition, for the audit trail.
_DECLARED = {
    "C2": ("satisfaction_percent", "satisfaction_on"),
    "C3": ("has_construction_debt", "debt_declared_on"),
    "C4": ("is_security_complicated", "security_confirmed_by", "security_confirmed_on"),
}


def _declared(case: RecognitionCase, codes: Iterable[str]) -> dict[str, Any]:
    found = {}
    for code in codes:
        for name in _DECLARED[code]:
            value = getattr(case, name)
            found[name] = str(value) if isinstance(value, Decimal) else value
    return found


def _percent(problems: list[str], raw: Decimal | float | str) -> Decimal | None:
    try:
        typed = parse_number(raw, locale=page_locale()) if isinstance(raw, str) else raw
        value = Decimal(str(typed))
    except (InvalidOperation, NumberError):
        problems.append(_("Tỷ lệ hài lòng “%(value)s” không phải là một số.") % {"value": raw})
        return None
    if not value.is_finite() or value < 0 or value > 100:
        problems.append(
            _("Tỷ lệ hài lòng phải từ 0 đến 100%%, nhận được %(value)s.") % {"value": raw}
        )
        return None
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def declare_conditions(
    *,
    case: RecognitionCase,
    declaration: Declaration,
    actor: Actor,
    comment: str = "",
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """Record the survey result (C2), the debt declaration (C3) or the police confirmation
    (C4), each only with its document already in the dossier."""
    case = _locked(case)
    require_actor(actor.user, case.unit, stage_actor(case))
    _require_stage(
        case,
        *BEFORE_DECISION,
        doing=_("kê khai điều kiện"),
    )
    if declaration.is_empty:
        raise CaseRefused([_("Chưa có điều kiện nào được kê khai.")])
    documents = set(
        case.documents.filter(is_removed=False).values_list("kind", flat=True).distinct()
    )
    problems: list[str] = []
    codes = []

    def needs(kind: str, code: str) -> None:
        if kind not in documents:
            problems.append(
                _(
                    "Kê khai %(code)s cần tài liệu “%(document)s” trong hồ sơ: tải tài liệu lên trước."
                )
                % {"code": code, "document": document_kinds()[kind].name}
            )

    percent = None
    if declaration.satisfaction_percent is not None:
        codes.append("C2")
        percent = _percent(problems, declaration.satisfaction_percent)
        _not_future(problems, declaration.satisfaction_on, _("ngày khảo sát"), now)
        needs("satisfaction_survey", "C2")
    if declaration.has_construction_debt is not None:
        codes.append("C3")
        _not_future(problems, declaration.debt_declared_on, _("ngày kê khai nợ đọng"), now)
        needs("debt_report", "C3")
    if declaration.is_security_complicated is not None:
        codes.append("C4")
        _required(problems, declaration.security_confirmed_by, _("cơ quan công an xác nhận"))
        _not_future(problems, declaration.security_confirmed_on, _("ngày xác nhận an ninh"), now)
        needs("security_confirmation", "C4")
    if problems:
        raise CaseRefused(problems)
    old = _declared(case, codes)
    if "C2" in codes:
        case.satisfaction_percent = percent
        case.satisfaction_on = declaration.satisfaction_on
    if "C3" in codes:
        case.has_construction_debt = declaration.has_construction_debt
        case.debt_declared_on = declaration.debt_declared_on
    if "C4" in codes:
        case.is_security_complicated = declaration.is_security_complicated
        case.security_confirmed_by = _text(declaration.security_confirmed_by)
        case.security_confirmed_on = declaration.security_confirmed_on
    case.save()
    new = _declared(case, codes)
    details = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in new.items()}
    _event(case, EventAction.DECLARE, actor, comment=_text(comment), details=details, now=now)
    _audit(
        actor,
        case,
        "recognition_case.declare",
        f"{case.unit.name}: {', '.join(codes)}",
        old=old,
        new=new,
        reason=_text(comment),
        now=now,
    )
    return case


@transaction.atomic
def submit_dossier(
    *, case: RecognitionCase, actor: Actor, comment: str = "", now: dt.datetime | None = None
) -> RecognitionCase:
    """The commune sends its dossier up: to the district, or straight to the province where
    there is no district (the skip is recorded with its reason)."""
    case = _locked(case)
    require_actor(actor.user, case.unit, COMMUNE)
    _require_stage(case, Stage.DOSSIER, doing=_("gửi hồ sơ"))
    left = case.stage
    if has_district(case.unit):
        _move(case, Stage.VERIFICATION, now)
        case.is_verification_skipped = False
        case.save()
        _event(
            case,
            EventAction.SUBMIT,
            actor,
            from_stage=left,
            to_stage=case.stage,
            comment=_text(comment),
            now=now,
        )
    else:
        _move(case, Stage.APPRAISAL, now)
        case.is_verification_skipped = True
        case.save()
        _event(
            case,
            EventAction.SUBMIT,
            actor,
            from_stage=left,
            to_stage=Stage.VERIFICATION,
            comment=_text(comment),
            now=now,
        )
        _event(
            case,
            EventAction.SKIP_VERIFICATION,
            actor,
            from_stage=Stage.VERIFICATION,
            to_stage=case.stage,
            comment=skip_note(case.unit),
            now=now,
        )
    _audit(
        actor,
        case,
        "recognition_case.submit",
        f"{case.unit.name}: {left} → {case.stage}",
        old={"stage": left},
        new={"stage": case.stage, "verification_skipped": case.is_verification_skipped},
        reason=_text(comment),
        now=now,
    )
    return case


def skip_note(unit: AdminUnit) -> str:
    """Why a commune's case goes to the province without district verification."""
    if unit.valid_from is not None and unit.valid_from >= REFORM_2025:
        return _(
            "Từ ngày 01/7/2025 không còn cấp huyện: hồ sơ chuyển thẳng lên tỉnh thẩm định, không "
            "qua bước thẩm tra của huyện (QĐ 18/2022 giao huyện thẩm tra; quy định thay thế cho "
            "giai đoạn 2026-2030 cần xác nhận)."
        )
    return _(
        "Xã không thuộc huyện nào: hồ sơ chuyển thẳng lên tỉnh thẩm định, không qua bước thẩm tra "
        "của huyện."
    )
