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
from ntm.programme.models import Target
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


def _best_recognitions(child_ids: list[int], as_of: date) -> dict[int, Recognition]:
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


def _next_targets(child_ids: list[int], ranks: dict[int, int]) -> dict[int, tuple[Target, bool]]:
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
