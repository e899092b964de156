"""Record a recognition decision and its revocation as their documents state them: the
entry of past decisions, and the last step of the recognition workflow (``decisions``,
``revocation``, ``reacknowledgement``)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, audit_write
from ntm.criteria.models import CriteriaSet
from ntm.recognition.models import Recognition, Revocation
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.values.validation import AssessmentError, not_in_force, parse_tier


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
    now: datetime | None = None,
) -> Recognition:
    """Record a recognition decision as its document states it. The conditions of Decision
    18/2022 are checked by the workflow that calls it (``decisions.decide_case``); here the
    tier, the number and the unit in force on the decision date. ``now``: the time of the
    entry if not the present (the demo's clock)."""
    parse_tier(tier)
    if not decision_number.strip():
        raise AssessmentError(_("Quyết định công nhận cần có số quyết định."))
    if not is_in_force(unit, decision_date):
        raise AssessmentError(not_in_force(unit, decision_date))
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
    audit_write(
        actor, user, "recognition.record", recognition, unit=unit,
        summary=f"{tier}: {recognition.decision_number} ngày {decision_date:%d/%m/%Y}",
        new={"tier": tier, "decision_number": recognition.decision_number,
             "decision_date": decision_date, "issuer": issuer, "signer": signer,
             "criteria_set": criteria_set.label if criteria_set else None},
        now=now,
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
    now: datetime | None = None,
) -> Revocation:
    """Record the revocation of a recognition as its decision states it (not before the
    recognition, once only). ``now``: the time of the entry if not the present."""
    if decision_date < recognition.decision_date:
        raise AssessmentError(
            _("Ngày thu hồi %(revoked)s không thể trước ngày công nhận %(recognized)s.")
            % {"revoked": decision_date.strftime("%d/%m/%Y"),
               "recognized": recognition.decision_date.strftime("%d/%m/%Y")}
        )  # fmt: skip
    if Revocation.objects.filter(recognition=recognition).exists():
        raise AssessmentError(
            _("Quyết định công nhận %(number)s đã bị thu hồi.")
            % {"number": recognition.decision_number}
        )
    revocation = Revocation.objects.create(
        recognition=recognition,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=issuer,
        reason=reason,
        entered_by=user,
    )
    audit_write(
        actor, user, "revocation.record", revocation, unit=recognition.unit,
        summary=f"Thu hồi {recognition.decision_number}: {decision_number} "
        f"ngày {decision_date:%d/%m/%Y}",
        old={"recognition": recognition.pk, "revoked": False},
        new={"recognition": recognition.pk, "revoked": True, "decision_number": decision_number,
             "decision_date": decision_date, "issuer": issuer},
        reason=reason,
        now=now,
    )  # fmt: skip
    return revocation
