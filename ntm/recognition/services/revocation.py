"""Revocation of a recognition: starting it on a case, opening a revocation case, and
recording the decision.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.programme.models import Registration
from ntm.recognition.models import (
    EventAction,
    Recognition,
    RecognitionCase,
    Revocation,
    Stage,
)
from ntm.recognition.selectors import (
    PROVINCE,
)
from ntm.recognition.services.access import (
    CaseRefused,
    _audit,
    _event,
    _locked,
    _move,
    _not_future,
    _require_stage,
    _required,
    _text,
    _today,
    _user,
    require_actor,
)
from ntm.recognition.services.records import record_revocation
from ntm.recognition.services.steps import (
    set_for,
)
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.values.validation import AssessmentError, not_in_force

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
    if decision_date and not is_in_force(case.unit, decision_date):
        problems.append(not_in_force(case.unit, decision_date))
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
