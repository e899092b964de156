"""What a dashboard and a map show for a unit (or the whole country) and what lies under it.

Everything is computed from the data on each request, in a fixed number of queries:
the units below are read level by level (every era at once), their values and
recognitions once per criteria set, and every figure (tiers, criteria met, the hardest
criteria, trends at each year end, targets against actual) comes from array operations.

The assessed units are the rural communes (xã) below a province, a district or the
country, or the villages below a commune; wards and townships are not assessed by the
programme and are only counted apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Min

from ntm.accounts.scope import Scope
from ntm.core import dashboard as stats
from ntm.core.criteria.engine import Evaluation
from ntm.core.criteria.model import Tier
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets, latest_sets
from ntm.dashboards.evaluation import TIER_RANK, UnitRows
from ntm.dashboards.over_time import (
    RecognitionRows,
    as_text,
    day_numbers,
    evaluate_on_dates,
    for_units,
    raw_rows,
)
from ntm.programme.models import Target
from ntm.units.models import AdminUnit
from ntm.values.models import CriterionCertification, IndicatorValue

#: The level assessed below a unit of each level (None = the whole country).
ASSESSED_LEVEL = {
    None: "commune",
    "province": "commune",
    "district": "commune",
    "commune": "village",
}
#: Urban kinds are not assessed by the programme (as in the children overview).
URBAN_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})
#: Trends: criteria met are evaluated at most on this many dates (the latest ones).
TREND_EVALUATIONS = 6
#: Trends: tiers are shown for at most this many year ends.
TREND_YEARS = 15
FIRST_DAY, LAST_DAY = date.min.toordinal(), date.max.toordinal()


# --- The units below --------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """The units below the dashboard's unit, every era, as parallel arrays sorted by id.

    ``top`` is the position of each unit's ancestor among the unit's children (for the
    whole country: its province), the unit itself for a child; ``ancestors`` maps each
    unit id to the ids of its ancestors inside the tree.
    """

    ids: np.ndarray
    parent_ids: np.ndarray
    levels: np.ndarray
    urban: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    top: np.ndarray
    names: list[str]
    codes: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    regions: list[str]
    commune_groups: list[int | None]
    ancestors: dict[int, tuple[int, ...]]

    def in_force(self, day: date) -> np.ndarray:
        ordinal = day.toordinal()
        return (self.valid_from <= ordinal) & (self.valid_to > ordinal)

    def rows(self, mask: np.ndarray) -> UnitRows:
        picked = np.flatnonzero(mask)
        return UnitRows(
            ids=self.ids[picked],
            regions=[self.regions[i] for i in picked],
            groups=[self.commune_groups[i] for i in picked],
        )


_FIELDS = (
    "id", "parent_id", "level", "kind", as_text("valid_from"), as_text("valid_to"), "name",
    "code", "latitude", "longitude", "region", "commune_group",
)  # fmt: skip


def _level_rows(**filters) -> list[tuple]:
    return raw_rows(AdminUnit.objects.filter(**filters).order_by().values_list(*_FIELDS))


def _ordinals(column: list[str | None], missing: int) -> np.ndarray:
    days = np.full(len(column), missing, dtype=np.int64)
    known = np.array([d is not None for d in column], dtype=bool)
    if known.any():
        days[known] = day_numbers([d for d in column if d is not None])
    return days


def read_tree(unit: AdminUnit | None, assessed_level: str, scope: Scope) -> Tree:
    """Every unit below, down to the assessed level, one query per level, in the scope."""
    top = {"level": "province"} if unit is None else {"parent_id": unit.pk}
    frontier = _level_rows(**top)
    rows: list[tuple] = []
    top_of: dict[int, int] = {}
    ancestors: dict[int, tuple[int, ...]] = {}
    depth = 0
    while frontier and depth < 4:
        if scope.unit_ids is not None:
            frontier = [r for r in frontier if r[0] in scope.unit_ids]
        expand = []
        for row in frontier:
            uid, parent_id, level = row[0], row[1], row[2]
            if depth == 0:
                top_of[uid] = uid
                ancestors[uid] = ()
            else:
                top_of[uid] = top_of[parent_id]
                ancestors[uid] = (*ancestors[parent_id], parent_id)
            rows.append(row)
            if level != assessed_level:
                expand.append(uid)
        depth += 1
        frontier = _level_rows(parent_id__in=expand) if expand else []
    rows.sort(key=lambda r: r[0])
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    tops = np.asarray([top_of[r[0]] for r in rows], dtype=np.int64)
    return Tree(
        ids=ids,
        parent_ids=np.asarray([r[1] or 0 for r in rows], dtype=np.int64),
        levels=np.asarray([r[2] for r in rows], dtype="U8"),
        urban=np.asarray([r[3] in URBAN_KINDS for r in rows], dtype=bool),
        valid_from=_ordinals([r[4] for r in rows], FIRST_DAY),
        valid_to=_ordinals([r[5] for r in rows], LAST_DAY),
        top=np.searchsorted(ids, tops).astype(np.int64),
        names=[r[6] for r in rows],
        codes=[r[7] for r in rows],
        latitude=np.asarray([np.nan if r[8] is None else r[8] for r in rows], dtype=float),
        longitude=np.asarray([np.nan if r[9] is None else r[9] for r in rows], dtype=float),
        regions=[r[10] for r in rows],
        commune_groups=[r[11] for r in rows],
        ancestors=ancestors,
    )


# --- Criteria sets ------------------------------------------------------------------------


def sets_for(representative: AdminUnit | None, as_of: date, *, national: bool) -> list[CriteriaSet]:
    """The sets to choose from for the assessed units on a date, the default first.

    Below a province, its own variants come first (as on the unit pages); for the whole
    country only national sets apply to every unit alike.
    """
    if representative is None:
        return []
    sets = applicable_sets(representative, as_of)
    if national:
        sets = [s for s in sets if not s.province_code]
    return sets


def choose_set(sets: list[CriteriaSet], set_id: str, level: str) -> CriteriaSet | None:
    """The set asked for (if it is for the level), else the first applicable one."""
    chosen = next((s for s in sets if s.set_id == set_id), None)
    if chosen is None and set_id:
        chosen = next((s for s in latest_sets() if s.set_id == set_id and s.level == level), None)
        if chosen is not None:
            sets.append(chosen)
    return chosen or (sets[0] if sets else None)


def default_standard_set(sets: Sequence[CriteriaSet]) -> CriteriaSet | None:
    """The set a trend point is evaluated under: the first standard-tier set applying."""
    return next((s for s in sets if s.tier == Tier.STANDARD.value), sets[0] if sets else None)


# --- The dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TierCounts:
    """Units by their highest tier: none, standard, advanced, model (adds up to ``total``)."""

    none: int
    standard: int
    advanced: int
    model: int

    @property
    def total(self) -> int:
        return self.none + self.standard + self.advanced + self.model

    @property
    def at_standard(self) -> int:
        """At standard or above (an advanced commune is also a standard one)."""
        return self.standard + self.advanced + self.model

    @property
    def at_advanced(self) -> int:
        return self.advanced + self.model

    @classmethod
    def from_row(cls, row: Sequence[int]) -> TierCounts:
        return cls(*(int(x) for x in row))


@dataclass(frozen=True)
class GroupRow:
    """One child of the unit (a district of a province, say) and its assessed units."""

    unit_id: int
    name: str
    code: str
    tiers: TierCounts
    with_data: int
    average_met: float | None
    weak: int


@dataclass(frozen=True)
class UnitRow:
    """One assessed unit: criteria met under the chosen set, tier held, place on the map."""

    unit_id: int
    name: str
    code: str
    group: str
    met: int | None
    tier_rank: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class HardCriterion:
    number: str
    name: str
    not_met: int
    judged: int
    missing: int

    @property
    def share(self) -> float | None:
        return self.not_met / self.judged if self.judged else None


@dataclass(frozen=True)
class TrendPoint:
    """The state at one date: tiers held, and criteria met if there was data to evaluate."""

    day: date
    is_year_end: bool
    units: int
    tiers: TierCounts
    criteria_set: CriteriaSet | None = None
    total: int | None = None
    with_data: int = 0
    average_met: float | None = None


@dataclass(frozen=True)
class TargetRow:
    """A target on children ("4 xã nâng cao năm 2022") and how many reached it, when."""

    unit_id: int
    unit_name: str
    tier: str
    year: int
    planned: int
    planned_max: int | None
    reached: int
    counted_on: date
    is_due: bool
    source: str = ""

    @property
    def is_met(self) -> bool:
        return self.reached >= self.planned


@dataclass(frozen=True)
class OwnTargets:
    """Assessed units' own targets of one tier and year, and how many reached the tier."""

    tier: str
    year: int
    planned: int
    reached: int
    counted_on: date
    is_due: bool
    planned_max: int | None = None

    @property
    def is_met(self) -> bool:
        return self.reached >= self.planned


@dataclass
class Dashboard:
    unit: AdminUnit | None
    as_of: date
    assessed_level: str
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    total_criteria: int | None
    tiers: TierCounts
    with_data: int
    average_met: float | None
    weak: int | None
    urban: int
    #: children are groups of assessed units (districts of a province), or are assessed
    children_are_assessed: bool
    groups: list[GroupRow]
    units: list[UnitRow]
    distribution: list[int]
    hardest: list[HardCriterion]
    trends: list[TrendPoint] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    own_targets: list[OwnTargets] = field(default_factory=list)

    @property
    def total_units(self) -> int:
        return self.tiers.total

    @property
    def no_data(self) -> int:
        return self.tiers.total - self.with_data


def _tier_counts(ranks: np.ndarray) -> TierCounts:
    matrix = stats.tier_matrix(np.zeros(len(ranks), dtype=np.int64), ranks, 1)
    return TierCounts.from_row(matrix[0])


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
        days = [
            d
            for d in days
            if (unit.valid_from is None or unit.valid_from <= d)
            and (unit.valid_to is None or d < unit.valid_to)
        ]
    return days[-TREND_YEARS:]


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
    national = unit is None
    sets = sets_for(representative, as_of, national=national)
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

    evaluated = _evaluate_many(requests, tree)
    if chosen is not None and n_now:
        evaluation, positions = evaluated.pop(0)

    # The state on the date.
    unit_indices = np.flatnonzero(assessed)
    n_groups = len(tree.ids)
    group_of = tree.top[unit_indices]
    tier_rows = stats.tier_matrix(group_of, ranks_now, n_groups)
    tiers = _tier_counts(ranks_now)
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
    weak_flags = data & (met < stats.WEAK_BELOW)
    has_weak_measure = total is not None and total >= stats.WEAK_BELOW

    groups: list[GroupRow] = []
    if not children_are_assessed:
        averages = stats.group_means(group_of[data], met[data], n_groups)
        with_data = stats.group_counts(group_of, data, n_groups)
        weak = stats.group_counts(group_of, weak_flags, n_groups)
        for g in np.flatnonzero(top_level_mask & now & (tree.levels != assessed_level)):
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

    units = [
        UnitRow(
            unit_id=int(tree.ids[i]),
            name=tree.names[i],
            code=tree.codes[i],
            group=tree.names[tree.top[i]] if tree.top[i] != i else "",
            met=int(met[k]) if evaluation is not None and data[k] else None,
            tier_rank=int(ranks_now[k]),
            latitude=None if np.isnan(tree.latitude[i]) else float(tree.latitude[i]),
            longitude=None if np.isnan(tree.longitude[i]) else float(tree.longitude[i]),
        )
        for k, i in enumerate(unit_indices.tolist())
    ]

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

    targets, own = _targets(unit, tree, assessed_all, assessed_level, ranks, as_of)
    return Dashboard(
        unit=unit,
        as_of=as_of,
        assessed_level=assessed_level,
        sets=sets,
        criteria_set=chosen,
        total_criteria=total,
        tiers=tiers,
        with_data=int(data.sum()),
        average_met=stats.mean_or_none(met[data]),
        weak=int(weak_flags.sum()) if has_weak_measure else None,
        urban=urban,
        children_are_assessed=children_are_assessed,
        groups=groups,
        units=units,
        distribution=distribution,
        hardest=hardest,
        trends=trends,
        targets=targets,
        own_targets=own,
    )


def _counted_on(year: int, as_of: date) -> tuple[date, bool]:
    """The day a target of a year is checked on: its year end, or the page's date before."""
    year_end = date(year, 12, 31)
    return (year_end, True) if year_end <= as_of else (as_of, False)


def _targets(unit, tree, assessed_all, assessed_level, ranks, as_of):
    """Targets on children against the tiers reached, all from arrays already read."""
    owners = {int(i) for i in tree.ids[tree.levels != assessed_level]}
    if unit is not None:
        owners.add(unit.pk)
    rows = [
        target
        for target in Target.objects.filter(
            **for_units(np.asarray(sorted(owners), dtype=np.int64)),
            child_count__isnull=False,
            child_level=assessed_level,
        )
        .select_related("unit")
        .order_by("year", "unit__name", "tier", "id")
        if target.unit_id in owners
    ]
    assessed_ids = tree.ids[assessed_all]
    position = {int(uid): i for i, uid in enumerate(tree.ids.tolist())}
    own_rows = [
        row
        for row in Target.objects.filter(**for_units(assessed_ids), child_count__isnull=True)
        .values_list("unit_id", "tier", "year")
        .order_by("year", "tier")
        if row[0] in position and assessed_all[position[row[0]]]
    ]
    # Which assessed units lie under each owner: the owner is one of their ancestors.
    under: dict[int, list[int]] = {}
    for i in np.flatnonzero(assessed_all).tolist():
        for ancestor in tree.ancestors.get(int(tree.ids[i]), ()):
            under.setdefault(ancestor, []).append(i)
    everything = np.flatnonzero(assessed_all).tolist()
    targets = []
    for target in rows:
        day, due = _counted_on(target.year, as_of)
        members = np.zeros(len(tree.ids), dtype=bool)
        members[
            everything
            if unit is not None and target.unit_id == unit.pk
            else under.get(target.unit_id, [])
        ] = True
        members &= tree.in_force(day)
        reached = int((ranks(day, members) >= TIER_RANK[Tier(target.tier)]).sum())
        targets.append(
            TargetRow(
                unit_id=target.unit_id,
                unit_name=target.unit.name,
                tier=target.tier,
                year=target.year,
                planned=int(target.child_count or 0),
                planned_max=target.child_count_max,
                reached=reached,
                counted_on=day,
                is_due=due,
                source=target.source,
            )
        )
    grouped: dict[tuple[str, int], list[int]] = {}
    for uid, tier, year in own_rows:
        grouped.setdefault((tier, year), []).append(position[int(uid)])
    own = []
    for (tier, year), indices in grouped.items():
        day, due = _counted_on(year, as_of)
        members = np.zeros(len(tree.ids), dtype=bool)
        members[indices] = True
        reached = int((ranks(day, members) >= TIER_RANK[Tier(tier)]).sum())
        own.append(OwnTargets(tier, year, len(set(indices)), reached, day, due))
    own.sort(key=lambda t: (t.year, TIER_RANK[Tier(t.tier)]))
    return targets, own
