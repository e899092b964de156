"""The district's and the province's steps: verification, appraisal, the decision and its
announcement.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.criteria.selectors import get_set
from ntm.programme.models import RegistrationStatusChoices
from ntm.recognition.conditions import ConditionsReport, check_conditions
from ntm.recognition.models import (
    EventAction,
    Recognition,
    RecognitionCase,
    Stage,
)
from ntm.recognition.selectors import (
    DISTRICT,
    PROVINCE,
)
from ntm.recognition.services.access import (
    CaseRefused,
    DecisionRefused,
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
)
from ntm.recognition.services.records import record_recognition
from ntm.units.selectors import is_in_force
from ntm.values.validation import AssessmentError, not_in_force

# --- The district's and the province's steps --------------------------------------------------


@transaction.atomic
def verify_case(
    *,
    case: RecognitionCase,
    verified_on: dt.date,
    report_number: str,
    actor: Actor,
    comment: str = "",
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """The district verifies (thẩm tra) the dossier and sends it to the province."""
    case = _locked(case)
    require_actor(actor.user, case.unit, DISTRICT)
    _require_stage(case, Stage.VERIFICATION, doing=_("thẩm tra"))
    problems: list[str] = []
    number = _required(problems, report_number, _("số báo cáo thẩm tra"))
    _not_future(problems, verified_on, _("ngày thẩm tra"), now)
    if verified_on and case.assessed_on and verified_on < case.assessed_on:
        problems.append(_("Ngày thẩm tra không thể trước ngày tự đánh giá."))
    if problems:
        raise CaseRefused(problems)
    case.verified_on = verified_on
    case.verification_number = number
    left = _move(case, Stage.APPRAISAL, now)
    case.save()
    details = {"verified_on": verified_on.isoformat(), "report_number": number}
    _record_step(
        case, EventAction.VERIFY, actor, left, f"{case.unit.name}: {number}", details, comment, now
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
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """The province appraises (thẩm định): the council, its vote and the appraisal report."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.APPRAISAL, doing=_("thẩm định"))
    problems: list[str] = []
    number = _required(problems, report_number, _("số báo cáo thẩm định"))
    council = _required(problems, council_name, _("tên hội đồng thẩm định"))
    _not_future(problems, appraised_on, _("ngày thẩm định"), now)
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
    left = _move(case, Stage.DECISION, now)
    case.save()
    _registration_status(case, RegistrationStatusChoices.APPRAISED, appraised_on, actor, now)
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
        now,
    )
    return case


def conditions_for(case: RecognitionCase, on: dt.date | None = None) -> ConditionsReport:
    """The four conditions on a date (default today), as the decision will check them."""
    return check_conditions(case, on=on or _today())


def _checked_decision(
    case: RecognitionCase,
    decision_number: str,
    decision_date: dt.date,
    signer: str,
    issuer: str,
    now: dt.datetime | None = None,
) -> tuple[str, str, str]:
    """The decision's number, signer, issuer and date checked, CaseRefused with every
    problem; returns the number, the signer and the issuer (trimmed)."""
    problems: list[str] = []
    number = _required(problems, decision_number, _("số quyết định"))
    signer = _required(problems, signer, _("người ký"))
    issuer = _required(problems, issuer, _("cơ quan ban hành"))
    _not_future(problems, decision_date, _("ngày quyết định"), now)
    if decision_date and case.appraised_on and decision_date < case.appraised_on:
        problems.append(_("Ngày quyết định không thể trước ngày thẩm định."))
    if decision_date and not is_in_force(case.unit, decision_date):
        problems.append(not_in_force(case.unit, decision_date))
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
    return number, signer, issuer


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
    now: dt.datetime | None = None,
) -> Recognition:
    """Record the recognition decision once conditions C1-C4 hold on its date; it creates
    the unit's Recognition. A refusal lists every failing condition in words."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.DECISION, doing=_("ghi quyết định công nhận"))
    number, signer, issuer = _checked_decision(
        case, decision_number, decision_date, signer, issuer, now
    )
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
            now=now,
        )
    except AssessmentError as error:
        raise CaseRefused([str(error)]) from None
    case.recognition = recognition
    left = _move(case, Stage.ANNOUNCEMENT, now)
    case.save()
    _registration_status(case, RegistrationStatusChoices.RECOGNIZED, decision_date, actor, now)
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
        now=now,
    )
    _audit(
        actor,
        case,
        "recognition_case.decide",
        f"{case.unit.name}: {number}",
        old={"stage": left},
        new={"stage": case.stage, "recognition": recognition.pk},
        reason=_text(comment),
        now=now,
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
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """Record the public announcement (công bố); the decision then shows on the public list."""
    case = _locked(case)
    require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(case, Stage.ANNOUNCEMENT, doing=_("ghi việc công bố"))
    problems: list[str] = []
    where = _required(problems, where, _("nơi công bố"))
    _not_future(problems, announced_on, _("ngày công bố"), now)
    decided = case.recognition.decision_date if case.recognition else None
    if announced_on and decided and announced_on < decided:
        problems.append(_("Ngày công bố không thể trước ngày quyết định."))
    if problems:
        raise CaseRefused(problems)
    case.announced_on = announced_on
    case.announced_where = where[:300]
    left = _move(case, Stage.MONITORING, now)
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
        now,
    )
    return case
