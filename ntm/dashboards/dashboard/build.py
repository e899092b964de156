"""The dashboard of a unit (or the whole country) on a date, built in named steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Min

from ntm.accounts.scope import Scope
from ntm.core import dashboard as stats
from ntm.core.criteria.engine import Evaluation
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.dashboard.rows import (
    Dashboard,
    GroupRow,
    HardCriterion,
    TierCounts,
    TrendPoint,
    UnitRow,
    _tier_counts,
)
from ntm.dashboards.dashboard.targets import _targets
from ntm.dashboards.dashboard.tree import (
    ASSESSED_LEVEL,
    TREND_EVALUATIONS,
    TREND_YEARS,
    Tree,
    choose_set,
    default_standard_set,
    read_tree,
    sets_for,
)
from ntm.dashboards.over_time import RecognitionRows, evaluate_on_dates, for_units
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.values.models import CriterionCertification, IndicatorValue


def _representative(tree: Tree, mask: np.ndarray) -> AdminUnit | None:
    """One assessed unit, with its parents loaded, to ask which sets apply."""
    picked = np.flatnonzero(mask)
    if not len(picked):
        return None
    return (
        AdminUnit.objects.select_related("parent__parent__parent")
        .filter(pk=int(tree.ids[picked[0]]))
        .first()
    )


def _evaluate_many(
    requests: list[tuple[CriteriaSet, date, np.ndarray]], tree: Tree
) -> list[tuple[Evaluation, np.ndarray]]:
    """Evaluate (set, date, units) requests with one read of the values per set.

    Returns, per request, the evaluation over the union of that set's units and the
    positions of the request's units in it.
    """
    by_set: dict[int, list[int]] = {}
    for index, (criteria_set, _day, _mask) in enumerate(requests):
        by_set.setdefault(criteria_set.pk, []).append(index)
    results: list[tuple[Evaluation, np.ndarray] | None] = [None] * len(requests)
    for indices in by_set.values():
        union = np.zeros(len(tree.ids), dtype=bool)
        for i in indices:
            union |= requests[i][2]
        rows = tree.rows(union)
        evaluations = evaluate_on_dates(
            requests[indices[0]][0], rows, [requests[i][1] for i in indices]
        )
        for i in indices:
            _set, day, mask = requests[i]
            positions = np.searchsorted(rows.ids, tree.ids[mask])
            results[i] = (evaluations[day], positions)
    return [r for r in results if r is not None]


def _first_data_day(ids: np.ndarray) -> date | None:
    """The first day any of the units has a value or a certification (for many units: any
    unit at all, which only starts the trends a little earlier)."""
    days = [
        IndicatorValue.objects.filter(**for_units(ids), is_current=True).aggregate(
            day=Min("observed_on")
        )["day"],
        CriterionCertification.objects.filter(**for_units(ids), is_current=True).aggregate(
            day=Min("certified_on")
        )["day"],
    ]
    days = [d for d in days if d is not None]
    return min(days) if days else None


def trend_days(first: date | None, as_of: date, unit: AdminUnit | None) -> list[date]:
    """Year ends from the first year with a recognition or data up to the date, and the date.

    Only days on which the unit exists; at most ``TREND_YEARS`` of them, the latest.
    """
    if first is None:
        return [as_of]
    days = [date(year, 12, 31) for year in range(first.year, as_of.year + 1)]
    days = [d for d in days if d < as_of] + [as_of]
    if unit is not None:
        days = [d for d in days if is_in_force(unit, d)]
    return days[-TREND_YEARS:]


def _trend_plan(
    tree: Tree,
    assessed_all: np.ndarray,
    recognitions: RecognitionRows,
    representative: AdminUnit | None,
    as_of: date,
    unit: AdminUnit | None,
) -> tuple[
    list[tuple[date, np.ndarray, CriteriaSet | None]], list[tuple[CriteriaSet, date, np.ndarray]]
]:
    """The trend days, each with the units in force and the set it is evaluated under (None:
    tiers only), and the evaluation requests for those days."""
    national = unit is None
    requests: list[tuple[CriteriaSet, date, np.ndarray]] = []
    trend_plan: list[tuple[date, np.ndarray, CriteriaSet | None]] = []
    first_recognition = (
        date.fromordinal(int(recognitions.decided.min())) if len(recognitions.decided) else None
    )
    first_data = _first_data_day(tree.ids[assessed_all])
    firsts = [d for d in (first_recognition, first_data) if d is not None]
    days = trend_days(min(firsts) if firsts else None, as_of, unit)
    evaluated_days = [
        d for d in days if first_data is not None and d >= first_data.replace(month=1, day=1)
    ]
    evaluated_days = evaluated_days[-TREND_EVALUATIONS:]
    for day in days:
        mask = assessed_all & tree.in_force(day)
        day_set = None
        if day in evaluated_days and mask.any():
            day_set = default_standard_set(sets_for(representative, day, national=national))
            if day_set is not None:
                requests.append((day_set, day, mask))
        trend_plan.append((day, mask, day_set))
    return trend_plan, requests


@dataclass
class _State:
    """The assessed units on the date under the chosen set: criteria met, whether they have
    data, the distribution of criteria met and the hardest criteria."""

    met: np.ndarray
    data: np.ndarray
    distribution: list[int]
    hardest: list[HardCriterion]
    total: int | None


def _state_on_date(
    evaluation: Evaluation | None, positions: np.ndarray | None, n_now: int
) -> _State:
    """Criteria met and the hardest criteria of the assessed units on the date."""
    met = np.zeros(n_now, dtype=np.int64)
    data = np.zeros(n_now, dtype=bool)
    distribution: list[int] = []
    hardest: list[HardCriterion] = []
    total = None
    if evaluation is not None and positions is not None:
        total = evaluation.total
        met = evaluation.met[positions]
        statuses = evaluation.criterion_status[positions]
        data = stats.has_data(statuses)
        distribution = stats.met_distribution(met[data], total).tolist()
        criteria = evaluation.definition.criteria
        hardest = [
            HardCriterion(
                number=criteria[f.index].number,
                name=criteria[f.index].name_vi,
                not_met=f.not_met,
                judged=f.judged,
                missing=f.missing,
            )
            for f in stats.hardest_criteria(statuses[data])
        ]
    return _State(met, data, distribution, hardest, total)


def _group_rows(
    tree: Tree,
    group_mask: np.ndarray,
    group_of: np.ndarray,
    state: _State,
    weak_flags: np.ndarray,
    tier_rows: np.ndarray,
) -> list[GroupRow]:
    """One row per child of the unit in force that groups assessed units (``group_mask``)."""
    n_groups = len(tree.ids)
    met, data = state.met, state.data
    averages = stats.group_means(group_of[data], met[data], n_groups)
    with_data = stats.group_counts(group_of, data, n_groups)
    weak = stats.group_counts(group_of, weak_flags, n_groups)
    groups: list[GroupRow] = []
    for g in np.flatnonzero(group_mask):
        groups.append(
            GroupRow(
                unit_id=int(tree.ids[g]),
                name=tree.names[g],
                code=tree.codes[g],
                tiers=TierCounts.from_row(tier_rows[g]),
                with_data=int(with_data[g]),
                average_met=None if np.isnan(averages[g]) else float(averages[g]),
                weak=int(weak[g]),
            )
        )
    groups.sort(key=lambda g: (g.tiers.total == 0, g.code, g.name))
    return groups


def _unit_rows(
    tree: Tree, unit_indices: np.ndarray, state: _State, ranks_now: np.ndarray, evaluated: bool
) -> list[UnitRow]:
    """One row per assessed unit on the date, with its place on the map."""
    return [
        UnitRow(
            unit_id=int(tree.ids[i]),
            name=tree.names[i],
            code=tree.codes[i],
            group=tree.names[tree.top[i]] if tree.top[i] != i else "",
            met=int(state.met[k]) if evaluated and state.data[k] else None,
            tier_rank=int(ranks_now[k]),
            latitude=None if np.isnan(tree.latitude[i]) else float(tree.latitude[i]),
            longitude=None if np.isnan(tree.longitude[i]) else float(tree.longitude[i]),
        )
        for k, i in enumerate(unit_indices.tolist())
    ]


def _trends(
    trend_plan: list[tuple[date, np.ndarray, CriteriaSet | None]],
    ranks: Callable[[date, np.ndarray], np.ndarray],
    evaluated: list[tuple[Evaluation, np.ndarray]],
) -> list[TrendPoint]:
    """One point per trend day: tiers held, and criteria met where evaluated (the
    evaluations are taken from ``evaluated`` in order)."""
    trends = []
    for day, mask, day_set in trend_plan:
        day_ranks = ranks(day, mask)
        point = TrendPoint(
            day=day,
            is_year_end=(day.month, day.day) == (12, 31),
            units=int(mask.sum()),
            tiers=_tier_counts(day_ranks),
        )
        if day_set is not None:
            day_evaluation, day_positions = evaluated.pop(0)
            day_met = day_evaluation.met[day_positions]
            day_data = stats.has_data(day_evaluation.criterion_status[day_positions])
            point = TrendPoint(
                day=point.day,
                is_year_end=point.is_year_end,
                units=point.units,
                tiers=point.tiers,
                criteria_set=day_set,
                total=day_evaluation.total,
                with_data=int(day_data.sum()),
                average_met=stats.mean_or_none(day_met[day_data]),
            )
        trends.append(point)
    return trends


def build_dashboard(
    unit: AdminUnit | None,
    *,
    scope: Scope,
    as_of: date,
    set_id: str = "",
    with_trends: bool = True,
) -> Dashboard:
    """The dashboard of a unit (None: the whole country) on a date, in the user's scope."""
    assessed_level = ASSESSED_LEVEL.get(unit.level if unit else None, "commune")
    tree = read_tree(unit, assessed_level, scope)
    assessed_all = (tree.levels == assessed_level) & ~tree.urban
    now = tree.in_force(as_of)
    assessed = assessed_all & now
    urban = int(((tree.levels == assessed_level) & tree.urban & now).sum())
    top_level_mask = tree.top == np.arange(len(tree.ids))
    children_are_assessed = not bool((top_level_mask & (tree.levels != assessed_level)).any())

    representative = _representative(tree, assessed) or _representative(tree, assessed_all)
    sets = sets_for(representative, as_of, national=unit is None)
    chosen = choose_set(sets, set_id, assessed_level)

    recognitions = RecognitionRows.read(tree.ids[assessed_all])
    rank_position = np.searchsorted(recognitions.unit_ids, tree.ids)

    def ranks(day: date, mask: np.ndarray) -> np.ndarray:
        return recognitions.ranks_on(day)[rank_position[mask]]

    ranks_now = ranks(as_of, assessed)
    n_now = int(assessed.sum())
    evaluation = positions = None
    requests: list[tuple[CriteriaSet, date, np.ndarray]] = []
    if chosen is not None and n_now:
        requests.append((chosen, as_of, assessed))
    trend_plan: list[tuple[date, np.ndarray, CriteriaSet | None]] = []
    if with_trends and assessed_all.any():
        trend_plan, trend_requests = _trend_plan(
            tree, assessed_all, recognitions, representative, as_of, unit
        )
        requests.extend(trend_requests)

    evaluated = _evaluate_many(requests, tree)
    if chosen is not None and n_now:
        evaluation, positions = evaluated.pop(0)

    # The state on the date.
    unit_indices = np.flatnonzero(assessed)
    group_of = tree.top[unit_indices]
    tier_rows = stats.tier_matrix(group_of, ranks_now, len(tree.ids))
    state = _state_on_date(evaluation, positions, n_now)
    weak_flags = state.data & (state.met < stats.WEAK_BELOW)
    has_weak_measure = state.total is not None and state.total >= stats.WEAK_BELOW
    groups: list[GroupRow] = []
    if not children_are_assessed:
        group_mask = top_level_mask & now & (tree.levels != assessed_level)
        groups = _group_rows(tree, group_mask, group_of, state, weak_flags, tier_rows)

    targets, own = _targets(unit, tree, assessed_all, assessed_level, ranks, as_of)
    return Dashboard(
        unit=unit,
        as_of=as_of,
        assessed_level=assessed_level,
        sets=sets,
        criteria_set=chosen,
        total_criteria=state.total,
        tiers=_tier_counts(ranks_now),
        with_data=int(state.data.sum()),
        average_met=stats.mean_or_none(state.met[state.data]),
        weak=int(weak_flags.sum()) if has_weak_measure else None,
        urban=urban,
        children_are_assessed=children_are_assessed,
        groups=groups,
        units=_unit_rows(tree, unit_indices, state, ranks_now, evaluation is not None),
        distribution=state.distribution,
        hardest=state.hardest,
        trends=_trends(trend_plan, ranks, evaluated),
        targets=targets,
        own_targets=own,
    )
