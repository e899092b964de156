"""Write use cases for values: an indicator value, a criterion's certification; and the
checks the other apps' record writes share (the criterion, the unit in force, the tier)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, audit_write
from ntm.core.criteria.model import CriterionDef
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit, Department
from ntm.units.selectors import is_in_force
from ntm.values.models import CriterionCertification, IndicatorValue
from ntm.values.validation import AssessmentError, not_in_force


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
    if not is_in_force(unit, certified_on):
        raise AssessmentError(not_in_force(unit, certified_on))
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
    audit_write(
        actor, user, "certification.record", certification, unit=unit,
        summary=f"{criterion_key} {'đạt' if is_met else 'chưa đạt'} ngày {certified_on:%d/%m/%Y}"
        + (f" ({document_number})" if document_number else ""),
        old={"is_met": previous.is_met, "certification": previous.pk} if previous else None,
        new={"criterion_key": criterion_key, "is_met": is_met, "certified_on": certified_on,
             "document_number": document_number,
             "department": department.name if department else None},
    )  # fmt: skip
    return certification
