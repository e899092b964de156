"""Fetch, compute: gather the facts for many units in a few queries, then run the engine.

Nothing here issues a query per unit: values, certifications, recognitions and children
are read in bulk and turned into arrays for ``ntm.core.criteria.engine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from ntm.core.criteria import engine
from ntm.core.criteria.model import CriteriaSetDef, IndicatorKind, Tier
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import ladder_of
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit
from ntm.values.inputs import read_inputs

#: Tiers in ladder order: a unit recognized at a tier also holds the tiers below it.
#: Urban kinds: wards, townships, urban districts and residential groups are not assessed
#: for the NTM programme (it covers xã, huyện and their thôn): "100% số xã trên địa bàn
#: đạt chuẩn" counts xã, not the district's thị trấn.
URBAN_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})

TIER_RANK = {Tier.STANDARD: 1, Tier.ADVANCED: 2, Tier.MODEL: 3, Tier.MODERN: 3, Tier.COMPLETION: 1}


@dataclass(frozen=True)
class UnitRows:
    """The units being evaluated, as parallel arrays (sorted by id)."""

    ids: np.ndarray
    regions: list[str]
    groups: list[int | None]

    @classmethod
    def from_queryset(cls, units: QuerySet[AdminUnit] | Sequence[AdminUnit]) -> UnitRows:
        if isinstance(units, QuerySet):
            rows = list(units.order_by("id").values_list("id", "region", "commune_group"))
        else:
            rows = sorted((u.id, u.region, u.commune_group) for u in units)
        return cls(
            ids=np.asarray([r[0] for r in rows], dtype=np.int64),
            regions=[r[1] for r in rows],
            groups=[r[2] for r in rows],
        )

    def frame(self) -> engine.UnitFrame:
        return engine.UnitFrame.build(self.ids.tolist(), self.regions, self.groups)


def gather_inputs(definition: CriteriaSetDef, unit_rows: UnitRows, as_of: date) -> engine.Inputs:
    """Values and certifications in force on a date for all units, in two queries."""
    return read_inputs(definition, unit_rows.ids, [as_of])[as_of]


def recognized_tier_rank(unit_ids: np.ndarray, as_of: date) -> np.ndarray:
    """The highest tier rank each unit holds on a date (0 = none), revocations applied."""
    rank = np.zeros(len(unit_ids), dtype=np.int8)
    if not len(unit_ids):
        return rank
    rows = (
        Recognition.objects.filter(unit_id__in=unit_ids.tolist(), decision_date__lte=as_of)
        .exclude(revocation__decision_date__lte=as_of)
        .values_list("unit_id", "tier")
    )
    for unit_id, tier in rows:
        position = int(np.searchsorted(unit_ids, unit_id))
        rank[position] = max(rank[position], TIER_RANK[Tier(tier)])
    return rank


def child_aggregates(
    definition: CriteriaSetDef, unit_rows: UnitRows, as_of: date
) -> dict[str, np.ndarray]:
    """Aggregate indicator values (shares or counts of children at a tier) for all units."""
    aggregates = [i for i in definition.indicators if i.kind is IndicatorKind.AGGREGATE]
    if not aggregates or not len(unit_rows.ids):
        return {}
    n = len(unit_rows.ids)
    result: dict[str, np.ndarray] = {}
    for indicator in aggregates:
        spec = indicator.aggregate
        assert spec is not None
        child_ids, parent_pos = children_on(unit_rows.ids, spec.child_level, as_of)
        ranks = recognized_tier_rank(child_ids, as_of)
        counts, totals = engine.aggregate_children(parent_pos, ranks >= TIER_RANK[spec.tier], n)
        result[indicator.key] = (
            engine.share_percent(counts, totals)
            if spec.measure == "share_at_tier"
            else counts.astype(float)
        )
    return result


def children_on(parent_ids: np.ndarray, level: str, as_of: date) -> tuple[np.ndarray, np.ndarray]:
    """Rural children at a level active on a date, sorted by id, with their parent's position."""
    rows = list(
        AdminUnit.objects.filter(parent_id__in=parent_ids.tolist(), level=level)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .exclude(kind__in=URBAN_KINDS)
        .order_by("id")
        .values_list("id", "parent_id")
    )
    child_ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    parents = np.asarray([r[1] for r in rows], dtype=np.int64)
    return child_ids, np.searchsorted(parent_ids, parents).astype(np.int64)


def evaluate_units(
    criteria_set: CriteriaSet,
    units: QuerySet[AdminUnit] | Sequence[AdminUnit],
    as_of: date,
) -> engine.Evaluation:
    """Evaluate many units against one stored set version as of a date."""
    definition = criteria_set.to_domain()
    unit_rows = UnitRows.from_queryset(units)
    inputs = gather_inputs(definition, unit_rows, as_of)
    aggregates = child_aggregates(definition, unit_rows, as_of)
    if aggregates:
        # Keep the observation days: the newest evidence decides here too.
        inputs = replace(inputs, values={**inputs.values, **aggregates})
    return engine.evaluate(definition, unit_rows.frame(), inputs, as_of)


def evaluate_with_ladder(
    criteria_set: CriteriaSet, units: QuerySet[AdminUnit] | Sequence[AdminUnit], as_of: date
) -> tuple[engine.Evaluation, dict[Tier, np.ndarray], list[CriteriaSet]]:
    """Evaluate a set and the other tiers of its ladder; return tier eligibility too.

    A district's standard tier also needs every commune under it at standard
    (recognized as of the date).
    """
    ladder = ladder_of(criteria_set)
    evaluations = {s.set_id: evaluate_units(s, units, as_of) for s in ladder}
    main = evaluations[criteria_set.set_id]
    prerequisites: dict[Tier, np.ndarray] = {}
    if criteria_set.level == "district":
        child_ids, parent_pos = children_on(main.units.ids, "commune", as_of)
        ranks = recognized_tier_rank(child_ids, as_of)
        counts, totals = engine.aggregate_children(
            parent_pos, ranks >= TIER_RANK[Tier.STANDARD], len(main.units.ids)
        )
        prerequisites[Tier.STANDARD] = (totals > 0) & (counts == totals)
    eligibility = engine.eligible_tiers(
        [(Tier(s.tier), evaluations[s.set_id].all_met) for s in ladder], prerequisites
    )
    return main, eligibility, ladder


def evaluate_unit(unit: AdminUnit, criteria_set: CriteriaSet, as_of: date) -> dict[str, Any]:
    """One unit's evaluation as plain data, with its eligible tiers and recognitions."""
    main, eligibility, ladder = evaluate_with_ladder(criteria_set, [unit], as_of)
    report = main.unit_report(unit.id)
    report["eligible_tiers"] = [tier.value for tier, ok in eligibility.items() if bool(ok[0])]
    report["ladder"] = [f"{s.set_id}@{s.version}" for s in ladder]
    report["recognitions_in_force"] = [
        {
            "tier": r.tier,
            "decision_number": r.decision_number,
            "decision_date": r.decision_date.isoformat(),
            "issuer": r.issuer,
        }
        for r in Recognition.objects.filter(unit=unit, decision_date__lte=as_of)
        .exclude(revocation__decision_date__lte=as_of)
        .order_by("decision_date")
    ]
    return report
