"""Write use cases for assessments: values, certifications, recognitions, targets, sponsors."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import CriterionDef, Tier
from ntm.criteria.models import CriteriaSet
from ntm.programme.models import Registration, RegistrationStatusChoices, Sponsorship, Target
from ntm.recognition.models import Recognition, Revocation
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit, Department
from ntm.values.models import CriterionCertification, IndicatorValue
from ntm.values.validation import AssessmentError


def _audit(
    actor: Actor | None,
    user: AbstractBaseUser | None,
    action: str,
    obj,
    *,
    unit: AdminUnit,
    summary: str,
    new: dict,
    old: dict | None = None,
    reason: str = "",
) -> None:
    """Every write here leaves an entry; without an actor, the user (or the system) acts."""
    if actor is None:
        actor = Actor(
            user=user if getattr(user, "is_authenticated", False) else None, channel="system"
        )
    record_change(
        actor,
        Change(action=action, obj=obj, unit_id=unit.pk, unit_label=unit.name, summary=summary,
               old=old, new=new),
        reason=reason,
    )  # fmt: skip


def find_criterion(criterion_key: str) -> CriterionDef:
    set_id, _sep, number = criterion_key.partition(":")
    for stored in CriteriaSet.objects.filter(set_id=set_id).order_by("-version"):
        for criterion in stored.to_domain().criteria:
            if criterion.key == criterion_key:
                return criterion
    raise AssessmentError(
        _("Không bộ tiêu chí nào có tiêu chí “%(key)s”.") % {"key": criterion_key}
    )


def record_value(
    *,
    unit: AdminUnit,
    indicator_key: str,
    observed_on: date,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    is_met: bool | None = None,
    source: str = "",
    note: str = "",
    actor: Actor | None = None,
    reason: str = "",
) -> IndicatorValue:
    """Record one value; a second value for the same unit, indicator and date is a correction
    that keeps the previous one in history. The same checks and audit as a bulk write."""
    from ntm.values.bulk import CellInput, ValuesRefused, apply_values

    cell = CellInput(
        unit_id=unit.pk, indicator_key=indicator_key, observed_on=observed_on, value=value,
        numerator=numerator, denominator=denominator, is_met=is_met, source=source, note=note,
    )  # fmt: skip
    try:
        apply_values([cell], actor=actor or Actor.system(), reason=reason)
    except ValuesRefused as refused:
        raise AssessmentError(refused.plan.problems[0].message) from None
    return IndicatorValue.objects.get(
        unit=unit, indicator_key=indicator_key, observed_on=observed_on, is_current=True
    )


def unit_active(unit: AdminUnit, on: date) -> bool:
    return unit.to_domain().is_active(on)


def _not_in_force(unit: AdminUnit, on: date) -> str:
    return _("%(unit)s không tồn tại vào ngày %(date)s.") % {
        "unit": unit.name,
        "date": on.strftime("%d/%m/%Y"),
    }


@transaction.atomic
def certify_criterion(
    *,
    unit: AdminUnit,
    criterion_key: str,
    is_met: bool,
    certified_on: date,
    document_number: str = "",
    department: Department | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> CriterionCertification:
    """A department certifies a whole criterion met or not met, with its document.

    Refused (``PeriodFrozen``) for a criterion of a period under review or locked.
    """
    from ntm.approvals.locking import refuse_frozen

    find_criterion(criterion_key)
    refuse_frozen([(unit.pk, criterion_key, certified_on)], lock=True)
    if not unit_active(unit, certified_on):
        raise AssessmentError(_not_in_force(unit, certified_on))
    previous = (
        CriterionCertification.objects.select_for_update()
        .filter(unit=unit, criterion_key=criterion_key, certified_on=certified_on, is_current=True)
        .first()
    )
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    certification = CriterionCertification.objects.create(
        unit=unit,
        criterion_key=criterion_key,
        is_met=is_met,
        certified_on=certified_on,
        document_number=document_number,
        department=department,
        source=source,
        note=note,
        entered_by=user,
        supersedes=previous,
    )
    _audit(
        actor, user, "certification.record", certification, unit=unit,
        summary=f"{criterion_key} {'đạt' if is_met else 'chưa đạt'} ngày {certified_on:%d/%m/%Y}"
        + (f" ({document_number})" if document_number else ""),
        old={"is_met": previous.is_met, "certification": previous.pk} if previous else None,
        new={"criterion_key": criterion_key, "is_met": is_met, "certified_on": certified_on,
             "document_number": document_number,
             "department": department.name if department else None},
    )  # fmt: skip
    return certification


def _tier(value: str) -> Tier:
    try:
        return Tier(value)
    except ValueError:
        raise AssessmentError(
            f"{value!r} is not a tier; use one of {', '.join(t.value for t in Tier)}."
        ) from None


@transaction.atomic
def record_recognition(
    *,
    unit: AdminUnit,
    tier: str,
    decision_number: str,
    decision_date: date,
    issuer: str = "",
    signer: str = "",
    criteria_set: CriteriaSet | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> Recognition:
    """Record a recognition decision (the workflow checks come with the recognition issue)."""
    _tier(tier)
    if not decision_number.strip():
        raise AssessmentError("A recognition needs its decision number.")
    if not unit_active(unit, decision_date):
        raise AssessmentError(_not_in_force(unit, decision_date))
    recognition = Recognition.objects.create(
        unit=unit,
        tier=tier,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        issuer=issuer,
        signer=signer,
        criteria_set=criteria_set,
        source=source,
        note=note,
        entered_by=user,
    )
    _audit(
        actor, user, "recognition.record", recognition, unit=unit,
        summary=f"{tier}: {recognition.decision_number} ngày {decision_date:%d/%m/%Y}",
        new={"tier": tier, "decision_number": recognition.decision_number,
             "decision_date": decision_date, "issuer": issuer, "signer": signer,
             "criteria_set": criteria_set.label if criteria_set else None},
    )  # fmt: skip
    return recognition


@transaction.atomic
def record_revocation(
    *,
    recognition: Recognition,
    decision_number: str,
    decision_date: date,
    issuer: str = "",
    reason: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> Revocation:
    if decision_date < recognition.decision_date:
        raise AssessmentError("A revocation cannot precede the recognition it revokes.")
    if Revocation.objects.filter(recognition=recognition).exists():
        raise AssessmentError("This recognition has already been revoked.")
    revocation = Revocation.objects.create(
        recognition=recognition,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=issuer,
        reason=reason,
        entered_by=user,
    )
    _audit(
        actor, user, "revocation.record", revocation, unit=recognition.unit,
        summary=f"Thu hồi {recognition.decision_number}: {decision_number} "
        f"ngày {decision_date:%d/%m/%Y}",
        old={"recognition": recognition.pk, "revoked": False},
        new={"recognition": recognition.pk, "revoked": True, "decision_number": decision_number,
             "decision_date": decision_date, "issuer": issuer},
        reason=reason,
    )  # fmt: skip
    return revocation


@transaction.atomic
def record_target(
    *,
    unit: AdminUnit,
    tier: str,
    year: int,
    child_level: str = "",
    child_count: int | None = None,
    child_count_max: int | None = None,
    fields_of_excellence: str = "",
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> Target:
    """A target: the unit reaches a tier in a year, or has N (to M) child units at a tier."""
    _tier(tier)
    if (child_count is None) != (not child_level):
        raise AssessmentError("An aggregate target needs both the child level and the count.")
    if child_count_max is not None and (child_count is None or child_count_max < child_count):
        raise AssessmentError("A target range needs a count and a maximum not below it.")
    target = Target.objects.create(
        unit=unit, tier=tier, year=year, child_level=child_level, child_count=child_count,
        child_count_max=child_count_max, fields_of_excellence=fields_of_excellence.strip(),
        source=source, note=note, entered_by=user,
    )  # fmt: skip
    _audit(
        actor, user, "target.record", target, unit=unit,
        summary=f"Mục tiêu {tier} năm {year}"
        + (f": {child_count} {child_level}" if child_count is not None else ""),
        new={"tier": tier, "year": year, "child_level": child_level or None,
             "child_count": child_count, "child_count_max": child_count_max},
    )  # fmt: skip
    return target


@transaction.atomic
def record_registration(
    *,
    unit: AdminUnit,
    tier: str,
    year: int,
    registered_on: date | None = None,
    status: str = RegistrationStatusChoices.IN_PROGRESS,
    status_on: date | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> Registration:
    _tier(tier)
    if status not in RegistrationStatusChoices.values:
        raise AssessmentError(f"Unknown registration status {status!r}.")
    previous = Registration.objects.filter(unit=unit, tier=tier, year=year).first()
    registration, _created = Registration.objects.update_or_create(
        unit=unit, tier=tier, year=year,
        defaults={
            "registered_on": registered_on, "status": status, "status_on": status_on,
            "source": source, "note": note, "entered_by": user,
        },
    )  # fmt: skip
    _audit(
        actor, user, "registration.record", registration, unit=unit,
        summary=f"Đăng ký {tier} năm {year}: {status}",
        old={"status": previous.status, "status_on": previous.status_on} if previous else None,
        new={"tier": tier, "year": year, "status": status, "status_on": status_on,
             "registered_on": registered_on},
    )  # fmt: skip
    return registration


@transaction.atomic
def record_sponsorship(
    *,
    unit: AdminUnit,
    sponsor: Department,
    start_date: date | None = None,
    end_date: date | None = None,
    source: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> Sponsorship:
    if start_date and end_date and end_date < start_date:
        raise AssessmentError("A sponsorship cannot end before it starts.")
    sponsorship = Sponsorship.objects.create(
        unit=unit, sponsor=sponsor, start_date=start_date, end_date=end_date,
        source=source, note=note, entered_by=user,
    )  # fmt: skip
    _audit(
        actor, user, "sponsorship.record", sponsorship, unit=unit,
        summary=f"Đơn vị đỡ đầu: {sponsor.name}",
        new={"sponsor": sponsor.name, "start_date": start_date, "end_date": end_date},
    )  # fmt: skip
    return sponsorship


@transaction.atomic
def record_figure(
    *,
    unit: AdminUnit,
    metric: str,
    label: str,
    reported_on: date,
    source: str,
    value: float | None = None,
    value_text: str = "",
    unit_of_measure: str = "",
    period: str = "",
    note: str = "",
    user: AbstractBaseUser | None = None,
    actor: Actor | None = None,
) -> ReportedFigure:
    """A figure as a report states it, with its source (kept as reported)."""
    if not metric.strip() or not label.strip() or not source.strip():
        raise AssessmentError(_("Số liệu báo cáo cần có mã chỉ số, nội dung và nguồn."))
    if value is None and not value_text.strip():
        raise AssessmentError(
            _("Số liệu “%(label)s” cần có giá trị hoặc giá trị bằng chữ.") % {"label": label}
        )
    figure = ReportedFigure.objects.create(
        unit=unit, metric=metric.strip(), label=label.strip(), value=value,
        value_text=value_text, unit_of_measure=unit_of_measure, reported_on=reported_on,
        period=period, source=source, note=note, entered_by=user,
    )  # fmt: skip
    _audit(
        actor, user, "figure.record", figure, unit=unit,
        summary=f"{label}: {value_text or value} ({reported_on:%d/%m/%Y})",
        new={"metric": metric, "value": value, "value_text": value_text,
             "unit_of_measure": unit_of_measure, "reported_on": reported_on, "period": period},
    )  # fmt: skip
    return figure
