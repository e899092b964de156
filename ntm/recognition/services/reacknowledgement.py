"""Re-acknowledgement of communes merged in 2025."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.model import Tier
from ntm.criteria.models import TierChoices
from ntm.dashboards.evaluation import TIER_RANK
from ntm.recognition.models import (
    Reacknowledgement,
    Recognition,
)
from ntm.recognition.procedure import procedure
from ntm.recognition.selectors import (
    PROVINCE,
    AwaitingCommune,
    awaiting_for_unit,
)
from ntm.recognition.services.access import (
    CaseRefused,
    _not_future,
    _required,
    _text,
    _user,
    require_actor,
)
from ntm.recognition.services.records import record_recognition
from ntm.units.models import AdminUnit
from ntm.values.validation import AssessmentError

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
    awaiting = _awaiting(unit)
    number, issuer, acknowledged = _checked(
        unit, awaiting, tier, recognition_ids, decision_number, decision_date, issuer, now
    )
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
            now=now,
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


def _awaiting(unit: AdminUnit) -> AwaitingCommune:
    """The predecessors' recognitions a commune formed on 1 July 2025 may have acknowledged;
    CaseRefused for any other unit."""
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
    return awaiting


def _checked(
    unit: AdminUnit,
    awaiting: AwaitingCommune,
    tier: str,
    recognition_ids: Iterable[int],
    decision_number: str,
    decision_date: dt.date,
    issuer: str,
    now: dt.datetime | None = None,
) -> tuple[str, str, list[Recognition]]:
    """The whole entry checked, CaseRefused with every problem; returns the decision's
    number and issuer (trimmed) and the recognitions acknowledged."""
    available = {r.pk: r for group in awaiting.recognitions.values() for r in group}
    chosen_ids = sorted({int(i) for i in recognition_ids})
    problems: list[str] = []
    number, issuer = _check_decision(
        problems, unit, tier, decision_number, decision_date, issuer, now
    )
    _check_chosen(problems, unit, tier, available, chosen_ids)
    _check_not_recorded(problems, unit, tier, number)
    if problems:
        raise CaseRefused(problems)
    return number, issuer, [available[i] for i in chosen_ids]


def _check_decision(
    problems: list[str],
    unit: AdminUnit,
    tier: str,
    decision_number: str,
    decision_date: dt.date,
    issuer: str,
    now: dt.datetime | None = None,
) -> tuple[str, str]:
    """The tier and the decision's number, issuer and date; returns the number and the
    issuer as entered (trimmed)."""
    if tier not in procedure()["scope"]["tiers"]:
        problems.append(_("Mức “%(tier)s” không thừa nhận được.") % {"tier": tier})
    number = _required(problems, decision_number, _("số quyết định"))
    issuer = _required(problems, issuer, _("cơ quan ban hành"))
    _not_future(problems, decision_date, _("ngày quyết định"), now)
    if decision_date and unit.valid_from and decision_date < unit.valid_from:
        problems.append(
            _("Ngày quyết định không thể trước ngày xã được thành lập (%(date)s).")
            % {"date": unit.valid_from.strftime("%d/%m/%Y")}
        )
    return number, issuer


def _check_chosen(
    problems: list[str],
    unit: AdminUnit,
    tier: str,
    available: dict[int, Recognition],
    chosen_ids: list[int],
) -> None:
    """The predecessors' recognitions chosen: at least one, each one of the commune's
    predecessors in force on 30 June 2025, none of a lower tier than the one acknowledged."""
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


def _check_not_recorded(problems: list[str], unit: AdminUnit, tier: str, number: str) -> None:
    """Not acknowledged at this tier already, nor a decision of that number at this tier."""
    if Reacknowledgement.objects.filter(unit=unit, tier=tier).exists():
        problems.append(_("%(unit)s đã được thừa nhận mức này.") % {"unit": unit.name})
    if number and Recognition.objects.filter(unit=unit, tier=tier, decision_number=number).exists():
        problems.append(
            _("Đã có quyết định số %(number)s cho %(unit)s ở mức này.")
            % {"number": number, "unit": unit.name}
        )
