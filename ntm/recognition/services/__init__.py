"""Write use cases of the recognition workflow: each step of a case, its documents and
declarations, re-acknowledgements of merged communes, and the province's settings.

Who does what (checked on the server for every write, with the unit in the user's scope):

- The commune prepares: registration, self-assessment, documents, the declarations of
  conditions C2-C4, sending the dossier. Roles: data entry or administrator.
- The district verifies (thẩm tra): an approver (or administrator) whose unit is a
  district. A commune with no district above it (every commune after the 2025 reform)
  skips verification; the skip is recorded with a note.
- The province appraises (thẩm định), records the decision, the announcement, starts and
  records a revocation, re-acknowledges merged communes and sets the procedure's
  settings: an approver (or administrator) whose unit is a province.
- A national office (an approver or administrator with no unit) may act at every office
  step.
- Whoever acts at a stage may add documents and declarations there and return the case to
  an earlier stage, with a comment. A case is withdrawn by the commune before it sends the
  dossier, or by the province office before a decision.

Every write runs in one transaction with its audit entries and a ``CaseEvent``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write
from ntm.assessments.evaluation import TIER_RANK, URBAN_KINDS, evaluate_unit
from ntm.assessments.services import record_recognition, record_registration, record_revocation
from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import Tier
from ntm.core.hierarchy import REFORM_2025
from ntm.core.numbers import NumberError, parse_number
from ntm.criteria.models import CriteriaSet, TierChoices
from ntm.criteria.selectors import UnknownSet, applicable_sets, get_set
from ntm.number_messages import number_in_text, page_locale
from ntm.programme.models import Registration, RegistrationStatusChoices
from ntm.recognition.conditions import ConditionsReport, check_conditions
from ntm.recognition.models import (
    CLOSED_STAGES,
    STAGE_ORDER,
    CaseDocument,
    CaseEvent,
    EventAction,
    ProcedureSetting,
    Reacknowledgement,
    Recognition,
    RecognitionCase,
    Revocation,
    Stage,
)
from ntm.recognition.procedure import document_kinds, procedure, setting_defs
from ntm.recognition.selectors import (
    BEFORE_DECISION,
    COMMUNE,
    DISTRICT,
    PROVINCE,
    STAGE_ACTOR,
    awaiting_for_unit,
    has_district,
    setting_value,
)
from ntm.units.media import discard, save_field_file
from ntm.units.models import AdminUnit
from ntm.values.evidence import EvidenceRefused, check_upload
from ntm.values.validation import AssessmentError

#: Roles that prepare a commune's case.
PREPARE_ROLES = frozenset({RoleChoices.DATA_ENTRY, RoleChoices.ADMINISTRATOR})


class CaseRefused(ValueError):
    """A step that cannot be taken, with every reason in the user's language."""

    def __init__(self, problems: Iterable[str]):
        self.problems = [str(p) for p in problems]
        super().__init__(" ".join(self.problems))


class DecisionRefused(CaseRefused):
    """A decision refused because conditions of Decision 18/2022 fail; ``report`` has them."""

    def __init__(self, report: ConditionsReport):
        self.report = report
        super().__init__(
            [
                _(
                    "Chưa thể ghi quyết định công nhận: %(count)s điều kiện của QĐ %(number)s chưa đạt."
                )
                % {"count": len(report.failing), "number": procedure()["legal_source"]["number"]},
                *(check.sentence() for check in report.failing),
            ]
        )


# --- Who may act -----------------------------------------------------------------------------


def acting_level(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The level of the unit a user works for; None for a national user."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or profile.unit_id is None:
        return None
    return profile.unit.level


_LEVEL_WORDS = {
    "province": _("tỉnh"),
    "district": _("huyện"),
    "commune": _("xã"),
    "village": _("thôn"),
}


def require_actor(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit, who: str) -> None:
    """Raise WriteDenied unless the user acts for `who` (commune, district, province) here."""
    if who == COMMUNE:
        require_write(user, unit, roles=PREPARE_ROLES)
        return
    require_write(user, unit, roles=OFFICE_ROLES)
    level = acting_level(user)
    if level is None or level == who:
        return
    if who == DISTRICT:
        raise WriteDenied(
            _(
                "Bước thẩm tra do văn phòng nông thôn mới cấp huyện thực hiện; tài khoản này "
                "thuộc cấp %(level)s."
            )
            % {"level": _LEVEL_WORDS.get(level, level)}
        )
    raise WriteDenied(
        _(
            "Bước này do văn phòng điều phối nông thôn mới cấp tỉnh thực hiện; tài khoản này "
            "thuộc cấp %(level)s."
        )
        % {"level": _LEVEL_WORDS.get(level, level)}
    )


def may_act(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit, who: str) -> bool:
    try:
        require_actor(user, unit, who)
    except WriteDenied:
        return False
    return True


def stage_actor(case: RecognitionCase) -> str:
    return STAGE_ACTOR.get(case.stage, PROVINCE)


def _require_stage(case: RecognitionCase, *stages: str, doing: str) -> None:
    if case.stage in stages:
        return
    raise CaseRefused(
        [
            _("Hồ sơ đang ở bước “%(stage)s”; không thể %(doing)s lúc này.")
            % {"stage": Stage(case.stage).label, "doing": doing}
        ]
    )


# --- Helpers ---------------------------------------------------------------------------------


def _locked(case: RecognitionCase) -> RecognitionCase:
    """The case row, locked for the transaction, with its unit and the unit's parents."""
    locked = RecognitionCase.objects.select_for_update().get(pk=case.pk)
    locked.unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=locked.unit_id)
    return locked


def _actor_label(actor: Actor) -> str:
    user = actor.user
    if user is None or not user.is_authenticated:
        return _("hệ thống")
    name = user.get_full_name() or user.get_username()
    profile = getattr(user, "profile", None)
    if profile is not None and profile.unit_id is not None:
        return f"{name} ({profile.unit.name})"
    return name


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _event(
    case: RecognitionCase,
    action: str,
    actor: Actor,
    *,
    from_stage: str = "",
    to_stage: str = "",
    comment: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=_user(actor),
        actor_name=actor.name,
        actor_label=_actor_label(actor)[:200],
        comment=comment,
        details=details or {},
    )


def _audit(
    actor: Actor,
    case: RecognitionCase,
    action: str,
    summary: str,
    *,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    obj: Any = None,
) -> None:
    record_change(
        actor,
        Change(
            action=action,
            obj=obj if obj is not None else case,
            unit_id=case.unit_id,
            unit_label=case.unit.name,
            summary=summary,
            old=old,
            new=new,
        ),
        reason=reason,
    )


def _record_step(
    case: RecognitionCase,
    action: EventAction,
    actor: Actor,
    left: str,
    summary: str,
    details: dict[str, Any],
    comment: str,
) -> None:
    """A step that moved the case from `left` to its stage: its event and its audit entry."""
    _event(
        case,
        action,
        actor,
        from_stage=left,
        to_stage=case.stage,
        comment=_text(comment),
        details=details,
    )
    _audit(
        actor,
        case,
        f"recognition_case.{action.value}",
        summary,
        old={"stage": left},
        new={"stage": case.stage, **details},
        reason=_text(comment),
    )


def _move(case: RecognitionCase, to_stage: str) -> str:
    """Put the case at a stage (from now); returns the stage it left."""
    left = case.stage
    case.stage = to_stage
    case.stage_since = timezone.now()
    return left


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(problems: list[str], value: str, label: str) -> str:
    text = _text(value)
    if not text:
        problems.append(_("Cần nhập %(field)s.") % {"field": label})
    return text


def _not_future(problems: list[str], day: dt.date | None, label: str) -> None:
    if day is None:
        problems.append(_("Cần nhập %(field)s.") % {"field": label})
    elif day > _today():
        problems.append(
            _("%(field)s (%(date)s) không thể sau hôm nay.")
            % {"field": label[:1].upper() + label[1:], "date": day.strftime("%d/%m/%Y")}
        )


def _in_force(unit: AdminUnit, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or day < unit.valid_to
    )


def _registration_status(case: RecognitionCase, status: str, on: dt.date, actor: Actor) -> None:
    registration = case.registration
    if registration is None or registration.status == status:
        return
    old = registration.status
    registration.status = status
    registration.status_on = on
    registration.save(update_fields=["status", "status_on"])
    _audit(
        actor,
        case,
        "registration.status",
        f"{case.unit.name} {case.tier} {case.year}: {old} → {status}",
        old={"status": old},
        new={"status": status, "status_on": on},
        obj=registration,
    )


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
) -> RecognitionCase:
    """Open a case (đăng ký): the commune registers to reach a tier in a year."""
    require_actor(actor.user, unit, COMMUNE)
    unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=unit.pk)
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
    registered_on = registered_on or _today()
    if registered_on > _today():
        problems.append(_("Ngày đăng ký không thể sau hôm nay."))
    if problems:
        raise CaseRefused(problems)
    criteria_set = set_for(unit, tier, year)
    if criteria_set is None:
        raise CaseRefused(
            [
                _("Không có bộ tiêu chí mức “%(tier)s” áp dụng cho %(unit)s trong năm %(year)s.")
                % {"tier": TierChoices(tier).label, "unit": unit.name, "year": year}
            ]
        )
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
        Recognition.objects.filter(unit=unit, tier=tier, decision_date__lte=_today())
        .exclude(revocation__decision_date__lte=_today())
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
    registration = Registration.objects.filter(unit=unit, tier=tier, year=year).first()
    case = RecognitionCase(
        unit=unit,
        tier=tier,
        year=year,
        set_id=criteria_set.set_id,
        stage=Stage.SELF_ASSESSMENT,
        source=source,
        created_by=_user(actor),
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
        )
        case.registration = registration
        case.save()
    else:
        case.registration = registration
        case.save()
        _registration_status(case, RegistrationStatusChoices.IN_PROGRESS, registered_on, actor)
    _event(
        case,
        EventAction.REGISTER,
        actor,
        to_stage=Stage.SELF_ASSESSMENT,
        comment=_text(comment),
        details={"registered_on": registered_on.isoformat(), "set": criteria_set.set_id},
    )
    _audit(
        actor,
        case,
        "recognition_case.register",
        f"{unit.name}: {tier} {year} ({criteria_set.set_id})",
        new={"stage": case.stage, "tier": tier, "year": year, "set": criteria_set.set_id},
        reason=_text(comment),
    )
    return case


# --- The commune's steps -------------------------------------------------------------------


@transaction.atomic
def complete_self_assessment(
    *, case: RecognitionCase, assessed_on: dt.date, actor: Actor, comment: str = ""
) -> RecognitionCase:
    """The commune stands by its evaluation on a date: x/y criteria, under the set in force."""
    case = _locked(case)
    require_actor(actor.user, case.unit, COMMUNE)
    _require_stage(case, Stage.SELF_ASSESSMENT, doing=_("hoàn thành tự đánh giá"))
    problems: list[str] = []
    _not_future(problems, assessed_on, _("ngày tự đánh giá"))
    if assessed_on is not None and not _in_force(case.unit, assessed_on):
        problems.append(
            _("%(unit)s không tồn tại vào ngày %(date)s.")
            % {"unit": case.unit.name, "date": assessed_on.strftime("%d/%m/%Y")}
        )
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
    left = _move(case, Stage.DOSSIER)
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
    *, case: RecognitionCase, declaration: Declaration, actor: Actor, comment: str = ""
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
        _not_future(problems, declaration.satisfaction_on, _("ngày khảo sát"))
        needs("satisfaction_survey", "C2")
    if declaration.has_construction_debt is not None:
        codes.append("C3")
        _not_future(problems, declaration.debt_declared_on, _("ngày kê khai nợ đọng"))
        needs("debt_report", "C3")
    if declaration.is_security_complicated is not None:
        codes.append("C4")
        _required(problems, declaration.security_confirmed_by, _("cơ quan công an xác nhận"))
        _not_future(problems, declaration.security_confirmed_on, _("ngày xác nhận an ninh"))
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
    _event(case, EventAction.DECLARE, actor, comment=_text(comment), details=details)
    _audit(
        actor,
        case,
        "recognition_case.declare",
        f"{case.unit.name}: {', '.join(codes)}",
        old=old,
        new=new,
        reason=_text(comment),
    )
    return case


@transaction.atomic
def submit_dossier(*, case: RecognitionCase, actor: Actor, comment: str = "") -> RecognitionCase:
    """The commune sends its dossier up: to the district, or straight to the province where
    there is no district (the skip is recorded with its reason)."""
    case = _locked(case)
    require_actor(actor.user, case.unit, COMMUNE)
    _require_stage(case, Stage.DOSSIER, doing=_("gửi hồ sơ"))
    left = case.stage
    if has_district(case.unit):
        _move(case, Stage.VERIFICATION)
        case.is_verification_skipped = False
        case.save()
        _event(
            case,
            EventAction.SUBMIT,
            actor,
            from_stage=left,
            to_stage=case.stage,
            comment=_text(comment),
        )
    else:
        _move(case, Stage.APPRAISAL)
        case.is_verification_skipped = True
        case.save()
        _event(
            case,
            EventAction.SUBMIT,
            actor,
            from_stage=left,
            to_stage=Stage.VERIFICATION,
            comment=_text(comment),
        )
        _event(
            case,
            EventAction.SKIP_VERIFICATION,
            actor,
            from_stage=Stage.VERIFICATION,
            to_stage=case.stage,
            comment=skip_note(case.unit),
        )
    _audit(
        actor,
        case,
        "recognition_case.submit",
        f"{case.unit.name}: {left} → {case.stage}",
        old={"stage": left},
        new={"stage": case.stage, "verification_skipped": case.is_verification_skipped},
        reason=_text(comment),
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


# --- The district's and the province's steps --------------------------------------------------


@transaction.atomic
def verify_case(
    *,
    case: RecognitionCase,
    verified_on: dt.date,
    report_number: str,
    actor: Actor,
    comment: str = "",
) -> RecognitionCase:
    """The district verifies (thẩm tra) the dossier and sends it to the province."""
    case = _locked(case)
    require_actor(actor.user, case.unit, DISTRICT)
    _require_stage(case, Stage.VERIFICATION, doing=_("thẩm tra"))
    problems: list[str] = []
    number = _required(problems, report_number, _("số báo cáo thẩm tra"))
    _not_future(problems, verified_on, _("ngày thẩm tra"))
    if verified_on and case.assessed_on and verified_on < case.assessed_on:
        problems.append(_("Ngày thẩm tra không thể trước ngày tự đánh giá."))
    if problems:
        raise CaseRefused(problems)
    case.verified_on = verified_on
    case.verification_number = number
    left = _move(case, Stage.APPRAISAL)
    case.save()
    details = {"verified_on": verified_on.isoformat(), "report_number": number}
    _record_step(
        case, EventAction.VERIFY, actor, left, f"{case.unit.name}: {number}", details, comment
    )
    return case


@transaction.atomic
def appraise_case(
    *,
    case: RecognitionCase,
    appraised_on: dt.date,
    report_number: str,
    council_name: str,
    council_members: int | None,
    votes_for: int | None,
    actor: Actor,
    comment: str = "",
) -> RecognitionCase:
    """The province appraises (thẩm định): the council, its vote and the appraisal report."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.APPRAISAL, doing=_("thẩm định"))
    problems: list[str] = []
    number = _required(problems, report_number, _("số báo cáo thẩm định"))
    council = _required(problems, council_name, _("tên hội đồng thẩm định"))
    _not_future(problems, appraised_on, _("ngày thẩm định"))
    earlier = case.verified_on or case.assessed_on
    if appraised_on and earlier and appraised_on < earlier:
        problems.append(
            _("Ngày thẩm định không thể trước ngày %(date)s của bước trước.")
            % {"date": earlier.strftime("%d/%m/%Y")}
        )
    if council_members is None or council_members < 1:
        problems.append(_("Số thành viên hội đồng phải là số nguyên dương."))
    if votes_for is None or votes_for < 0:
        problems.append(_("Cần nhập số phiếu đồng ý (số nguyên, từ 0)."))
    elif council_members and votes_for > council_members:
        problems.append(
            _("Số phiếu đồng ý (%(votes)s) không thể vượt số thành viên (%(members)s).")
            % {"votes": votes_for, "members": council_members}
        )
    if problems:
        raise CaseRefused(problems)
    case.appraised_on = appraised_on
    case.appraisal_number = number
    case.council_name = council
    case.council_members = council_members
    case.votes_for = votes_for
    left = _move(case, Stage.DECISION)
    case.save()
    _registration_status(case, RegistrationStatusChoices.APPRAISED, appraised_on, actor)
    details = {
        "appraised_on": appraised_on.isoformat(),
        "report_number": number,
        "council": council,
        "members": council_members,
        "votes_for": votes_for,
    }
    _record_step(
        case,
        EventAction.APPRAISE,
        actor,
        left,
        f"{case.unit.name}: {number}, {votes_for}/{council_members}",
        details,
        comment,
    )
    return case


def conditions_for(case: RecognitionCase, on: dt.date | None = None) -> ConditionsReport:
    """The four conditions on a date (default today), as the decision will check them."""
    return check_conditions(case, on=on or _today())


@transaction.atomic
def decide_case(
    *,
    case: RecognitionCase,
    decision_number: str,
    decision_date: dt.date,
    signer: str,
    issuer: str,
    actor: Actor,
    comment: str = "",
) -> Recognition:
    """Record the recognition decision once conditions C1-C4 hold on its date; it creates
    the unit's Recognition. A refusal lists every failing condition in words."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.DECISION, doing=_("ghi quyết định công nhận"))
    problems: list[str] = []
    number = _required(problems, decision_number, _("số quyết định"))
    signer = _required(problems, signer, _("người ký"))
    issuer = _required(problems, issuer, _("cơ quan ban hành"))
    _not_future(problems, decision_date, _("ngày quyết định"))
    if decision_date and case.appraised_on and decision_date < case.appraised_on:
        problems.append(_("Ngày quyết định không thể trước ngày thẩm định."))
    if decision_date and not _in_force(case.unit, decision_date):
        problems.append(
            _("%(unit)s không tồn tại vào ngày %(date)s.")
            % {"unit": case.unit.name, "date": decision_date.strftime("%d/%m/%Y")}
        )
    if (
        number
        and Recognition.objects.filter(
            unit=case.unit, tier=case.tier, decision_number=number
        ).exists()
    ):
        problems.append(
            _("Đã có quyết định công nhận số %(number)s cho %(unit)s ở mức này.")
            % {"number": number, "unit": case.unit.name}
        )
    if problems:
        raise CaseRefused(problems)
    report = check_conditions(case, on=decision_date)
    if not report.all_met:
        raise DecisionRefused(report)
    stored = get_set(case.set_id, on=decision_date)
    try:
        recognition = record_recognition(
            unit=case.unit,
            tier=case.tier,
            decision_number=number,
            decision_date=decision_date,
            issuer=issuer,
            signer=signer,
            criteria_set=stored,
            source=case.source,
            note=_("Hồ sơ xét công nhận năm %(year)s") % {"year": case.year},
            user=_user(actor),
            actor=actor,
        )
    except AssessmentError as error:
        raise CaseRefused([str(error)]) from None
    case.recognition = recognition
    left = _move(case, Stage.ANNOUNCEMENT)
    case.save()
    _registration_status(case, RegistrationStatusChoices.RECOGNIZED, decision_date, actor)
    details = {
        "decision_number": number,
        "decision_date": decision_date.isoformat(),
        "signer": signer,
        "issuer": issuer,
        "set": stored.label,
        "conditions": [c.sentence() for c in report.checks],
    }
    _event(
        case,
        EventAction.DECIDE,
        actor,
        from_stage=left,
        to_stage=case.stage,
        comment=_text(comment),
        details=details,
    )
    _audit(
        actor,
        case,
        "recognition_case.decide",
        f"{case.unit.name}: {number}",
        old={"stage": left},
        new={"stage": case.stage, "recognition": recognition.pk},
        reason=_text(comment),
    )
    return recognition


@transaction.atomic
def announce_case(
    *,
    case: RecognitionCase,
    announced_on: dt.date,
    where: str,
    actor: Actor,
    comment: str = "",
) -> RecognitionCase:
    """Record the public announcement (công bố); the decision then shows on the public list."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.ANNOUNCEMENT, doing=_("ghi việc công bố"))
    problems: list[str] = []
    where = _required(problems, where, _("nơi công bố"))
    _not_future(problems, announced_on, _("ngày công bố"))
    decided = case.recognition.decision_date if case.recognition else None
    if announced_on and decided and announced_on < decided:
        problems.append(_("Ngày công bố không thể trước ngày quyết định."))
    if problems:
        raise CaseRefused(problems)
    case.announced_on = announced_on
    case.announced_where = where[:300]
    left = _move(case, Stage.MONITORING)
    case.save()
    details = {"announced_on": announced_on.isoformat(), "where": case.announced_where}
    _record_step(
        case,
        EventAction.ANNOUNCE,
        actor,
        left,
        f"{case.unit.name}: {announced_on.isoformat()} {case.announced_where}",
        details,
        comment,
    )
    return case


# --- Revocation ------------------------------------------------------------------------------


def has_ended(unit: AdminUnit) -> bool:
    """Whether a unit no longer exists today (merged or reorganized away)."""
    return unit.valid_to is not None and unit.valid_to <= _today()


def _require_comment(comment: str, doing: str) -> str:
    text = _text(comment)
    if not text:
        raise CaseRefused([_("Cần ghi ý kiến (lý do) khi %(doing)s.") % {"doing": doing}])
    return text


@transaction.atomic
def start_revocation(*, case: RecognitionCase, actor: Actor, comment: str) -> RecognitionCase:
    """The province opens the review of a recognition (from monitoring), with its reason."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.MONITORING, doing=_("bắt đầu xem xét thu hồi"))
    text = _require_comment(comment, _("bắt đầu xem xét thu hồi"))
    recognition = case.recognition
    if recognition is None or Revocation.objects.filter(recognition=recognition).exists():
        raise CaseRefused([_("Quyết định công nhận của hồ sơ này đã bị thu hồi hoặc không còn.")])
    left = _move(case, Stage.REVOCATION)
    case.save()
    _event(
        case,
        EventAction.START_REVOCATION,
        actor,
        from_stage=left,
        to_stage=case.stage,
        comment=text,
    )
    _audit(
        actor,
        case,
        "recognition_case.start_revocation",
        f"{case.unit.name}: {recognition.decision_number}",
        old={"stage": left},
        new={"stage": case.stage},
        reason=text,
    )
    return case


@transaction.atomic
def open_revocation_case(
    *, recognition: Recognition, actor: Actor, comment: str
) -> RecognitionCase:
    """A revocation review of any recognition in force: through its case, or a case opened
    for it (recognitions recorded before the workflow, or without one)."""
    unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=recognition.unit_id)
    require_actor(actor.user, unit, PROVINCE)
    existing = RecognitionCase.objects.filter(recognition=recognition).first()
    if existing is not None:
        return start_revocation(case=existing, actor=actor, comment=comment)
    text = _require_comment(comment, _("bắt đầu xem xét thu hồi"))
    if Revocation.objects.filter(recognition=recognition).exists():
        raise CaseRefused([_("Quyết định công nhận này đã bị thu hồi.")])
    year = recognition.decision_date.year
    clash = (
        RecognitionCase.objects.filter(unit=unit, tier=recognition.tier, year=year)
        .exclude(stage=Stage.WITHDRAWN)
        .first()
    )
    if clash is not None:
        raise CaseRefused(
            [
                _("%(unit)s đã có một hồ sơ mức này năm %(year)s (bước “%(stage)s”): mở hồ sơ đó.")
                % {"unit": unit.name, "year": year, "stage": Stage(clash.stage).label}
            ]
        )
    set_id = recognition.criteria_set.set_id if recognition.criteria_set_id else ""
    if not set_id:
        found = set_for(unit, recognition.tier, year)
        set_id = found.set_id if found is not None else ""
    case = RecognitionCase.objects.create(
        unit=unit,
        tier=recognition.tier,
        year=year,
        set_id=set_id,
        registration=Registration.objects.filter(
            unit=unit, tier=recognition.tier, year=year
        ).first(),
        stage=Stage.REVOCATION,
        recognition=recognition,
        created_by=_user(actor),
    )
    _event(
        case,
        EventAction.START_REVOCATION,
        actor,
        to_stage=case.stage,
        comment=text,
        details={"recognition": recognition.decision_number},
    )
    _audit(
        actor,
        case,
        "recognition_case.start_revocation",
        f"{unit.name}: {recognition.decision_number}",
        new={"stage": case.stage, "recognition": recognition.pk},
        reason=text,
    )
    return case


@transaction.atomic
def revoke_case(
    *,
    case: RecognitionCase,
    decision_number: str,
    decision_date: dt.date,
    issuer: str,
    reason: str,
    actor: Actor,
) -> Revocation:
    """Record the revocation decision (thu hồi); it creates the Revocation of the case's
    recognition."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.REVOCATION, doing=_("ghi quyết định thu hồi"))
    problems: list[str] = []
    number = _required(problems, decision_number, _("số quyết định thu hồi"))
    issuer = _required(problems, issuer, _("cơ quan ban hành"))
    reason = _required(problems, reason, _("lý do thu hồi"))
    _not_future(problems, decision_date, _("ngày quyết định thu hồi"))
    recognition = case.recognition
    if recognition is None:
        problems.append(_("Hồ sơ không có quyết định công nhận để thu hồi."))
    elif decision_date and decision_date < recognition.decision_date:
        problems.append(
            _("Ngày thu hồi không thể trước ngày công nhận (%(date)s).")
            % {"date": recognition.decision_date.strftime("%d/%m/%Y")}
        )
    if decision_date and not _in_force(case.unit, decision_date):
        problems.append(
            _("%(unit)s không tồn tại vào ngày %(date)s.")
            % {"unit": case.unit.name, "date": decision_date.strftime("%d/%m/%Y")}
        )
    if problems:
        raise CaseRefused(problems)
    try:
        revocation = record_revocation(
            recognition=recognition,
            decision_number=number,
            decision_date=decision_date,
            issuer=issuer,
            reason=reason,
            user=_user(actor),
            actor=actor,
        )
    except AssessmentError:
        raise CaseRefused([_("Quyết định công nhận này đã bị thu hồi.")]) from None
    left = _move(case, Stage.REVOKED)
    case.save()
    details = {
        "decision_number": number,
        "decision_date": decision_date.isoformat(),
        "issuer": issuer,
    }
    _event(
        case,
        EventAction.REVOKE,
        actor,
        from_stage=left,
        to_stage=case.stage,
        comment=reason,
        details=details,
    )
    _audit(
        actor,
        case,
        "recognition_case.revoke",
        f"{case.unit.name}: {number}",
        old={"stage": left},
        new={"stage": case.stage, "revocation": revocation.pk},
        reason=reason,
    )
    return revocation


# --- Return and withdrawal --------------------------------------------------------------------


#: Stages a case can be returned from, and the stages it may go back to.
RETURNABLE = {
    Stage.DOSSIER: [Stage.SELF_ASSESSMENT],
    Stage.VERIFICATION: [Stage.SELF_ASSESSMENT, Stage.DOSSIER],
    Stage.APPRAISAL: [Stage.SELF_ASSESSMENT, Stage.DOSSIER, Stage.VERIFICATION],
    Stage.DECISION: [Stage.SELF_ASSESSMENT, Stage.DOSSIER, Stage.VERIFICATION, Stage.APPRAISAL],
    Stage.REVOCATION: [Stage.MONITORING],
}


def return_targets(case: RecognitionCase) -> list[str]:
    """The earlier stages a case may go back to (never verification where it was skipped)."""
    targets = RETURNABLE.get(case.stage, [])
    if case.stage == Stage.REVOCATION:
        return targets
    skipped = case.is_verification_skipped or not has_district(case.unit)
    return [s for s in targets if not (s == Stage.VERIFICATION and skipped)]


def _clear_from(case: RecognitionCase, stage: str) -> None:
    """Forget the results of a stage and the ones after it (their events stay)."""
    position = STAGE_ORDER.index(stage)
    if position <= STAGE_ORDER.index(Stage.SELF_ASSESSMENT):
        case.assessed_on = case.assessed_met = case.assessed_total = None
        case.assessed_set = ""
    if position <= STAGE_ORDER.index(Stage.VERIFICATION):
        case.verified_on = None
        case.verification_number = ""
        case.is_verification_skipped = False
    if position <= STAGE_ORDER.index(Stage.APPRAISAL):
        case.appraised_on = None
        case.appraisal_number = case.council_name = ""
        case.council_members = case.votes_for = None


@transaction.atomic
def return_case(
    *, case: RecognitionCase, to_stage: str, actor: Actor, comment: str
) -> RecognitionCase:
    """Send a case back to an earlier stage, with a comment saying what to fix."""
    case = _locked(case)
    require_actor(actor.user, case.unit, stage_actor(case))
    targets = return_targets(case)
    if not targets:
        _require_stage(case, *RETURNABLE, doing=_("trả lại bước trước"))
    text = _require_comment(comment, _("trả lại hồ sơ"))
    if to_stage not in targets:
        raise CaseRefused(
            [
                _("Không thể trả hồ sơ từ bước “%(stage)s” về bước “%(to)s”; chọn: %(targets)s.")
                % {
                    "stage": Stage(case.stage).label,
                    "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                    "targets": ", ".join(str(Stage(t).label) for t in targets),
                }
            ]
        )
    left = _move(case, to_stage)
    if to_stage != Stage.MONITORING:
        _clear_from(case, to_stage)
    case.save()
    if left == Stage.DECISION or left == Stage.APPRAISAL:
        _registration_status(case, RegistrationStatusChoices.IN_PROGRESS, _today(), actor)
    _event(case, EventAction.RETURN, actor, from_stage=left, to_stage=to_stage, comment=text)
    _audit(
        actor,
        case,
        "recognition_case.return",
        f"{case.unit.name}: {left} → {to_stage}",
        old={"stage": left},
        new={"stage": to_stage},
        reason=text,
    )
    return case


@transaction.atomic
def withdraw_case(*, case: RecognitionCase, actor: Actor, comment: str) -> RecognitionCase:
    """Withdraw a case (rút hồ sơ): the commune before sending its dossier, the province
    office before a decision. The registration is marked withdrawn."""
    case = _locked(case)
    if not may_act(actor.user, case.unit, PROVINCE):
        if case.stage in (Stage.SELF_ASSESSMENT, Stage.DOSSIER):
            require_actor(actor.user, case.unit, COMMUNE)
        else:
            require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(
        case,
        *BEFORE_DECISION,
        doing=_("rút hồ sơ"),
    )
    text = _require_comment(comment, _("rút hồ sơ"))
    left = _move(case, Stage.WITHDRAWN)
    case.save()
    _registration_status(case, RegistrationStatusChoices.WITHDRAWN, _today(), actor)
    _event(case, EventAction.WITHDRAW, actor, from_stage=left, to_stage=case.stage, comment=text)
    _audit(
        actor,
        case,
        "recognition_case.withdraw",
        f"{case.unit.name}: {left} → withdrawn",
        old={"stage": left},
        new={"stage": case.stage},
        reason=text,
    )
    return case


# --- Documents ---------------------------------------------------------------------------------


@transaction.atomic
def add_document(
    *,
    case: RecognitionCase,
    kind: str,
    upload: UploadedFile,
    actor: Actor,
    number: str = "",
    issued_on: dt.date | None = None,
) -> CaseDocument:
    """Attach a document to the case at its current stage, checked by content and size."""
    case = _locked(case)
    require_actor(actor.user, case.unit, stage_actor(case))
    if case.stage in CLOSED_STAGES:
        raise CaseRefused([_("Hồ sơ đã đóng; không thêm tài liệu được.")])
    kinds = document_kinds()
    if kind not in kinds:
        raise CaseRefused(
            [
                _("Loại tài liệu “%(kind)s” không có; chọn một trong: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(kinds)}
            ]
        )
    if issued_on is not None and issued_on > _today():
        raise CaseRefused([_("Ngày văn bản không thể sau hôm nay.")])
    try:
        file_type = check_upload(upload)
    except EvidenceRefused as refused:
        raise CaseRefused([str(refused)]) from None
    document = CaseDocument(
        case=case,
        kind=kind,
        stage=case.stage,
        number=_text(number)[:100],
        issued_on=issued_on,
        original_name=(upload.name or "")[:255],
        content_type=file_type.mime,
        size=upload.size or 0,
        uploaded_by=_user(actor),
    )
    # A random stored name: the original name stays in the row, never in a path. Written
    # whole before the row (StorageFailed, nothing changed, when the disk is full or locked).
    save_field_file(document.file, f"{uuid.uuid4().hex}{file_type.extension}", upload)
    try:
        document.save()
        _audit(
            actor,
            case,
            "recognition_case.document.add",
            f"{case.unit.name}: {kinds[kind].name_vi}: {document.original_name}",
            new={
                "kind": kind,
                "name": document.original_name,
                "type": document.content_type,
                "size": document.size,
                "number": document.number,
            },
            obj=document,
        )
    except BaseException:
        discard(document.file)
        raise
    return document


@transaction.atomic
def remove_document(*, document: CaseDocument, actor: Actor, reason: str = "") -> CaseDocument:
    """Take a document off the case (kept on disk and in the audit trail). Only documents of
    the current stage: earlier stages' documents are part of what was sent and checked."""
    case = _locked(document.case)
    require_actor(actor.user, case.unit, stage_actor(case))
    if document.is_removed:
        raise CaseRefused([_("Tài liệu này đã được gỡ.")])
    if document.stage != case.stage or case.stage in CLOSED_STAGES:
        raise CaseRefused(
            [
                _(
                    "Tài liệu được nộp ở bước “%(stage)s” thuộc phần hồ sơ đã gửi; muốn thay, trả "
                    "hồ sơ về bước đó."
                )
                % {"stage": Stage(document.stage).label}
            ]
        )
    document.is_removed = True
    document.save(update_fields=["is_removed"])
    _audit(
        actor,
        case,
        "recognition_case.document.remove",
        f"{case.unit.name}: {document.original_name}",
        old={"name": document.original_name, "is_removed": False},
        new={"name": document.original_name, "is_removed": True},
        reason=_text(reason),
        obj=document,
    )
    return document


# --- Re-acknowledgement of communes merged in 2025 -------------------------------------------


@transaction.atomic
def reacknowledge(
    *,
    unit: AdminUnit,
    tier: str,
    recognition_ids: Iterable[int],
    decision_number: str,
    decision_date: dt.date,
    issuer: str,
    actor: Actor,
    signer: str = "",
    note: str = "",
    source: str = "",
    now: dt.datetime | None = None,
) -> Reacknowledgement:
    """Record the province's decision acknowledging, for a commune formed on 1 July 2025,
    recognitions its predecessors held; the commune then holds the tier from that date.
    ``now``: when it was entered, if not the present (the demo's clock)."""
    unit = AdminUnit.objects.select_related("parent__parent").get(pk=unit.pk)
    require_actor(actor.user, unit, PROVINCE)
    awaiting = awaiting_for_unit(unit)
    if awaiting is None:
        raise CaseRefused(
            [
                _(
                    "%(unit)s không phải là xã hình thành khi sắp xếp ngày 01/7/2025 có đơn vị trước "
                    "sắp xếp được công nhận."
                )
                % {"unit": unit.name}
            ]
        )
    problems: list[str] = []
    if tier not in procedure()["scope"]["tiers"]:
        problems.append(_("Mức “%(tier)s” không thừa nhận được.") % {"tier": tier})
    number = _required(problems, decision_number, _("số quyết định"))
    issuer = _required(problems, issuer, _("cơ quan ban hành"))
    _not_future(problems, decision_date, _("ngày quyết định"))
    if decision_date and unit.valid_from and decision_date < unit.valid_from:
        problems.append(
            _("Ngày quyết định không thể trước ngày xã được thành lập (%(date)s).")
            % {"date": unit.valid_from.strftime("%d/%m/%Y")}
        )
    available = {r.pk: r for group in awaiting.recognitions.values() for r in group}
    chosen_ids = sorted({int(i) for i in recognition_ids})
    if not chosen_ids:
        problems.append(_("Chọn ít nhất một quyết định công nhận của đơn vị trước sắp xếp."))
    for recognition_id in chosen_ids:
        recognition = available.get(recognition_id)
        if recognition is None:
            problems.append(
                _(
                    "Quyết định công nhận #%(id)s không phải của một đơn vị trước sắp xếp của "
                    "%(unit)s còn hiệu lực ngày 30/6/2025."
                )
                % {"id": recognition_id, "unit": unit.name}
            )
        elif (
            tier in TierChoices.values and TIER_RANK[Tier(recognition.tier)] < TIER_RANK[Tier(tier)]
        ):
            problems.append(
                _(
                    "%(unit)s chỉ được công nhận mức “%(held)s” (QĐ %(number)s): không thừa nhận mức cao hơn."
                )
                % {
                    "unit": recognition.unit.name,
                    "held": TierChoices(recognition.tier).label,
                    "number": recognition.decision_number,
                }
            )
    if Reacknowledgement.objects.filter(unit=unit, tier=tier).exists():
        problems.append(_("%(unit)s đã được thừa nhận mức này.") % {"unit": unit.name})
    if number and Recognition.objects.filter(unit=unit, tier=tier, decision_number=number).exists():
        problems.append(
            _("Đã có quyết định số %(number)s cho %(unit)s ở mức này.")
            % {"number": number, "unit": unit.name}
        )
    if problems:
        raise CaseRefused(problems)
    acknowledged = [available[i] for i in chosen_ids]
    listing = ", ".join(f"{r.unit.name} ({r.decision_number})" for r in acknowledged)
    try:
        recognition = record_recognition(
            unit=unit,
            tier=tier,
            decision_number=number,
            decision_date=decision_date,
            issuer=issuer,
            signer=_text(signer),
            source=source,
            note=_("Thừa nhận công nhận của đơn vị trước sắp xếp: %(list)s") % {"list": listing},
            user=_user(actor),
            actor=actor,
        )
    except AssessmentError as error:
        raise CaseRefused([str(error)]) from None
    row = Reacknowledgement.objects.create(
        unit=unit,
        tier=tier,
        decision_number=number,
        decision_date=decision_date,
        issuer=issuer,
        signer=_text(signer),
        recognition=recognition,
        note=_text(note),
        source=source,
        entered_by=_user(actor),
        entered_at=now or timezone.now(),
    )
    row.acknowledged.set(acknowledged)
    new = {
        "tier": tier,
        "decision_number": number,
        "decision_date": decision_date,
        "issuer": issuer,
        "signer": _text(signer),
        "acknowledged": [r.pk for r in acknowledged],
        "recognition": recognition.pk,
    }
    for obj in (row,):
        record_change(
            actor,
            Change(
                action="recognition.reacknowledge",
                obj=obj,
                unit_id=unit.pk,
                unit_label=unit.name,
                summary=f"{unit.name}: {tier} {number} ← {listing}"[:300],
                new=new,
            ),
            reason=_text(note),
            now=now,
        )
    return row


# --- Settings ---------------------------------------------------------------------------------


@transaction.atomic
def set_procedure_setting(
    *,
    province: AdminUnit,
    key: str,
    value: float | None,
    decision_date: dt.date | None,
    actor: Actor,
    decision_number: str = "",
    issuer: str = "",
    note: str = "",
) -> ProcedureSetting:
    """A province fixes a value the procedure leaves open (a deadline, the satisfaction level,
    the monitoring band), with the document that sets it; earlier values stay as history."""
    require_actor(actor.user, province, PROVINCE)
    definitions = setting_defs()
    problems: list[str] = []
    if province.level != "province":
        problems.append(
            _("Thông số quy trình được đặt cho tỉnh, không cho %(unit)s.") % {"unit": province.name}
        )
    definition = definitions.get(key)
    if definition is None:
        raise CaseRefused([_("Không có thông số “%(key)s”.") % {"key": key}])
    if value is None:
        problems.append(_("Cần nhập giá trị."))
    elif not definition.minimum <= value <= definition.maximum:
        problems.append(
            _("%(label)s phải từ %(min)s đến %(max)s, nhận được %(value)s.")
            % {
                "label": definition.label,
                "min": number_in_text(definition.minimum),
                "max": number_in_text(definition.maximum),
                "value": number_in_text(value),
            }
        )
    elif definition.is_whole and value != int(value):
        problems.append(_("%(label)s phải là số nguyên.") % {"label": definition.label})
    if decision_date is None:
        problems.append(_("Cần nhập ngày áp dụng (ngày của văn bản quy định)."))
    if definition.is_legal:
        _required(problems, decision_number, _("số văn bản quy định"))
    if problems:
        raise CaseRefused(problems)
    before = setting_value(province, key, decision_date)
    row = ProcedureSetting.objects.create(
        province=province,
        key=key,
        value=float(value),
        decision_number=_text(decision_number),
        decision_date=decision_date,
        issuer=_text(issuer),
        note=_text(note),
        set_by=_user(actor),
    )
    record_change(
        actor,
        Change(
            action="recognition.setting",
            obj=row,
            unit_id=province.pk,
            unit_label=province.name,
            summary=f"{key} = {value:g} ({_text(decision_number) or '-'}, {decision_date.isoformat()})",
            old={"value": before.value},
            new={
                "value": float(value),
                "decision_number": _text(decision_number),
                "decision_date": decision_date,
                "issuer": _text(issuer),
            },
        ),
        reason=_text(note),
    )
    return row
