"""The queries of the unit and children pages (moved out of ``ntm/web/unit_status.py``,
issue 10): which units have data, the latest rows per key, the set asked for, children at a
tier, their best recognitions and next targets, the days with data. No wording."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Max, Min

from ntm.core.criteria.model import IndicatorKind, Tier
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import latest_sets
from ntm.dashboards.evaluation import TIER_RANK, URBAN_KINDS, recognized_tier_rank
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on
from ntm.values.models import CriterionCertification, IndicatorValue


def units_with_data(evaluation: Any) -> np.ndarray:
    """Per unit evaluated: whether any criterion is certified or any entered indicator (not
    one computed from the children) holds a value. Without either, "0/19" means "no data"."""
    entered = [
        k for k, i in enumerate(evaluation.indicators) if i.kind is not IndicatorKind.AGGREGATE
    ]
    has_value = (
        ~np.isnan(evaluation.indicator_value[:, entered]).all(axis=1)
        if entered
        else np.zeros(len(evaluation.met), dtype=bool)
    )
    return evaluation.certified.any(axis=1) | has_value


def requested_set(set_id: str, level: str) -> CriteriaSet | None:
    """A published set asked for by id, if it is for this level."""
    if not set_id:
        return None
    return next((s for s in latest_sets() if s.set_id == set_id and s.level == level), None)


def latest_rows(rows: Iterable[Any], key: str, day: str) -> dict[str, Any]:
    """The last row per key by date (rows of one unit)."""
    latest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (getattr(r, day), r.pk)):
        latest[getattr(row, key)] = row
    return latest


def children_at_tier(unit: AdminUnit, level: str, tier: Tier | None, on: date) -> int:
    """How many (rural) children at a level the unit has on a date, at a tier or above."""
    child_ids = np.asarray(
        AdminUnit.objects.filter(parent=unit, level=level)
        .filter(in_force_on(on))
        .exclude(kind__in=URBAN_KINDS)
        .order_by("id")
        .values_list("id", flat=True),
        dtype=np.int64,
    )
    if tier is None:
        return len(child_ids)
    return int((recognized_tier_rank(child_ids, on) >= TIER_RANK[tier]).sum())


def best_recognitions(child_ids: list[int], as_of: date) -> dict[int, Recognition]:
    best: dict[int, Recognition] = {}
    for recognition in (
        Recognition.objects.filter(unit_id__in=child_ids, decision_date__lte=as_of)
        .exclude(revocation__decision_date__lte=as_of)
        .order_by("decision_date", "id")
    ):
        held = best.get(recognition.unit_id)
        if held is None or TIER_RANK[Tier(recognition.tier)] >= TIER_RANK[Tier(held.tier)]:
            best[recognition.unit_id] = recognition
    return best


def next_targets(child_ids: list[int], ranks: dict[int, int]) -> dict[int, tuple[Target, bool]]:
    """Per child, its first target above the tier it holds, else its last target (reached)."""
    by_child: dict[int, list[Target]] = {}
    for target in Target.objects.filter(unit_id__in=child_ids, child_count__isnull=True).order_by(
        "year", "id"
    ):
        by_child.setdefault(target.unit_id, []).append(target)
    chosen: dict[int, tuple[Target, bool]] = {}
    for child_id, targets in by_child.items():
        rank = ranks.get(child_id, 0)
        ahead = [t for t in targets if TIER_RANK[Tier(t.tier)] > rank]
        chosen[child_id] = (ahead[0], False) if ahead else (targets[-1], True)
    return chosen


def nearest_data_days(
    unit_ids: list[int], definition: Any, as_of: date
) -> tuple[date | None, date | None]:
    """The last day before `as_of` and the first after it on which any of the units has a
    certification or an entered value under the set (four aggregate queries)."""
    certifications = CriterionCertification.objects.filter(
        unit_id__in=unit_ids,
        criterion_key__in=[c.key for c in definition.criteria],
        is_current=True,
    )
    values = IndicatorValue.objects.filter(
        unit_id__in=unit_ids,
        indicator_key__in=[
            i.key for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE
        ],
        is_current=True,
    )
    before = [
        certifications.filter(certified_on__lt=as_of).aggregate(day=Max("certified_on"))["day"],
        values.filter(observed_on__lt=as_of).aggregate(day=Max("observed_on"))["day"],
    ]
    after = [
        certifications.filter(certified_on__gt=as_of).aggregate(day=Min("certified_on"))["day"],
        values.filter(observed_on__gt=as_of).aggregate(day=Min("observed_on"))["day"],
    ]
    return (
        max((d for d in before if d), default=None),
        min((d for d in after if d), default=None),
    )


def unit_recognitions(unit: AdminUnit) -> list[Recognition]:
    """The unit's recognitions, oldest first, with their set and revocation."""
    return list(
        Recognition.objects.filter(unit=unit)
        .select_related("criteria_set", "revocation")
        .order_by("decision_date", "id")
    )


def earlier_recognitions(earlier_ids: list[int]) -> list[Recognition]:
    """The recognitions of the units a unit succeeded (ids in scope), oldest first."""
    if not earlier_ids:
        return []
    return list(
        Recognition.objects.filter(unit_id__in=earlier_ids)
        .select_related("unit", "revocation")
        .order_by("decision_date", "id")
    )


def unit_registrations(unit: AdminUnit) -> list[Registration]:
    return list(Registration.objects.filter(unit=unit).order_by("year", "tier"))


def unit_sponsorships(unit: AdminUnit) -> list[Sponsorship]:
    return list(
        Sponsorship.objects.filter(unit=unit).select_related("sponsor").order_by("start_date")
    )


def last_data_day(unit: AdminUnit) -> date | None:
    """The last day the unit has any value or certification, under any set."""
    return max(
        (
            day
            for day in (
                IndicatorValue.objects.filter(unit=unit, is_current=True)
                .order_by("-observed_on")
                .values_list("observed_on", flat=True)
                .first(),
                CriterionCertification.objects.filter(unit=unit, is_current=True)
                .order_by("-certified_on")
                .values_list("certified_on", flat=True)
                .first(),
            )
            if day is not None
        ),
        default=None,
    )


def has_demo_data(unit_ids: list[int]) -> bool:
    """Whether any of the units holds a demo value or certification."""
    return (
        IndicatorValue.objects.filter(unit_id__in=unit_ids, source__istartswith="demo").exists()
        or CriterionCertification.objects.filter(
            unit_id__in=unit_ids, source__istartswith="demo"
        ).exists()
    )


def current_values(unit: AdminUnit, keys: list[str], as_of: date) -> dict[str, Any]:
    """The unit's latest current value per indicator key up to a date."""
    return latest_rows(
        IndicatorValue.objects.filter(
            unit=unit, indicator_key__in=keys, observed_on__lte=as_of, is_current=True
        ),
        "indicator_key",
        "observed_on",
    )


def current_certifications(unit: AdminUnit, keys: list[str], as_of: date) -> dict[str, Any]:
    """The unit's latest current certification per criterion key up to a date."""
    return latest_rows(
        CriterionCertification.objects.filter(
            unit=unit,
            criterion_key__in=keys,
            certified_on__lte=as_of,
            is_current=True,
        ).select_related("department"),
        "criterion_key",
        "certified_on",
    )


def data_days(
    unit: AdminUnit, definition: Any, as_of: date
) -> tuple[dict[date, int], dict[date, int]]:
    """Up to a date, the days the unit has entered values under the set and the days it has
    certifications, each with how many."""
    keys = [i.key for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE]
    value_days: dict[date, int] = {}
    for day in IndicatorValue.objects.filter(
        unit=unit, indicator_key__in=keys, observed_on__lte=as_of, is_current=True
    ).values_list("observed_on", flat=True):
        value_days[day] = value_days.get(day, 0) + 1
    cert_days: dict[date, int] = {}
    for day in CriterionCertification.objects.filter(
        unit=unit,
        criterion_key__in=[c.key for c in definition.criteria],
        certified_on__lte=as_of,
        is_current=True,
    ).values_list("certified_on", flat=True):
        cert_days[day] = cert_days.get(day, 0) + 1
    return value_days, cert_days
