"""The children overview: one row per child in force on the date and in scope, all
evaluated in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ntm.accounts.scope import Scope
from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import Tier
from ntm.core.hierarchy import LEVEL_DEPTH, Level, search_key
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets
from ntm.dashboards import below
from ntm.dashboards.evaluation import TIER_RANK, URBAN_KINDS, evaluate_with_ladder
from ntm.dashboards.selectors import (
    best_recognitions,
    has_demo_data,
    nearest_data_days,
    next_targets,
    requested_set,
    units_with_data,
)
from ntm.dashboards.unit_status.words import LEVEL_NOUNS
from ntm.presentation.labels import localized_name
from ntm.presentation.page_words import is_demo
from ntm.programme.models import Target
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on


@dataclass(frozen=True)
class ChildRow:
    unit: AdminUnit
    met: int | None
    total: int | None
    all_met: bool
    tier_rank: int
    recognition: Recognition | None
    target: Target | None
    target_reached: bool
    unmet: list[tuple[str, str]]
    missing: int
    not_evaluable: int = 0
    #: whether the child has any value or certification under the set on the date
    has_data: bool = True
    #: for a district: its communes, and how many are at standard
    communes: below.CommuneCount | None = None

    @property
    def tier(self) -> str | None:
        return self.recognition.tier if self.recognition else None


SORTS = {
    "name": lambda r: (search_key(r.unit.name), r.unit.pk),
    "met": lambda r: (r.met if r.met is not None and r.has_data else -1, search_key(r.unit.name)),
    "communes": lambda r: (r.communes.share if r.communes else -1, search_key(r.unit.name)),
    "tier": lambda r: (r.tier_rank, search_key(r.unit.name)),
    "target": lambda r: (r.target.year if r.target else 9999, search_key(r.unit.name)),
}


#: The direction a column sorts in on its first click: most criteria met first, say.
FIRST_DESCENDING = {"met", "tier", "communes"}


@dataclass
class ChildrenOverview:
    level: str | None
    rows: list[ChildRow]
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    total_criteria: int | None
    at_tier: dict[str, int]
    average_met: float | None
    sort: str
    has_demo: bool
    #: children of an urban kind, listed apart: the programme does not assess them
    urban: list[AdminUnit] = field(default_factory=list)
    #: for districts: their communes at standard, summed
    communes: below.CommuneCount | None = None
    #: when no child has data on the date: the nearest days with data before and after it
    data_before: date | None = None
    data_after: date | None = None

    @property
    def noun(self) -> str:
        return str(LEVEL_NOUNS.get(self.level or "", ""))

    @property
    def is_blank(self) -> bool:
        """Rows exist but none has a value or certification under the set on the date."""
        return (
            bool(self.rows)
            and self.criteria_set is not None
            and not any(r.has_data for r in self.rows)
        )


def parse_sort(sort: str) -> tuple[str, bool]:
    """ "-met" -> ("met", descending); unknown columns sort by name."""
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS:
        return "name", False
    return column, descending


def _children(unit: AdminUnit, scope: Scope, as_of: date):
    """The children in force on the date and in scope, of one level: (level, rural ones,
    urban ones)."""
    children = list(scope.filter(unit.children.filter(in_force_on(as_of))).order_by("name", "id"))
    for child in children:
        child.parent = unit  # spare a query per child when walking up to the province
    # Children are of one level; should a village hang under a district, the communes win.
    level = min((c.level for c in children), key=lambda lv: LEVEL_DEPTH[Level(lv)], default=None)
    urban = [c for c in children if c.level == level and c.kind in URBAN_KINDS]
    children = [c for c in children if c.level == level and c.kind not in URBAN_KINDS]
    return level, children, urban


def _chosen_set(
    first_child: AdminUnit, level: str | None, as_of: date, set_id: str
) -> tuple[list[CriteriaSet], CriteriaSet | None]:
    """The sets that apply to the children, and the one chosen: ``set_id`` if given (a
    published set of the level that does not apply is added), else the first."""
    sets = applicable_sets(first_child, as_of)
    chosen = next((s for s in sets if s.set_id == set_id), None)
    if chosen is None and set_id:
        chosen = requested_set(set_id, level)
        if chosen is not None:
            sets = [*sets, chosen]
    if chosen is None and sets:
        chosen = sets[0]
    return sets, chosen


@dataclass(frozen=True)
class _Context:
    """What every child row reads: the evaluation of all children, their recognitions,
    targets and (for districts) communes."""

    evaluation: Any
    position: dict[int, int]
    with_data: Any
    ranks: dict[int, int]
    best: dict[int, Recognition]
    targets: dict[int, tuple[Target, bool]]
    communes: dict[int, below.CommuneCount]
    level: str | None


def _child_row(child: AdminUnit, context: _Context) -> ChildRow:
    """One child's row: met/total, unmet criteria, recognition, next target, communes."""
    evaluation = context.evaluation
    level = context.level
    met = total = None
    all_met = False
    has_data = False
    unmet: list[tuple[str, str]] = []
    missing = not_evaluable = 0
    if evaluation is not None:
        criteria = evaluation.definition.criteria
        i = context.position[child.id]
        met, total = int(evaluation.met[i]), evaluation.total
        all_met = bool(evaluation.all_met[i])
        has_data = bool(context.with_data[i])
        statuses = evaluation.criterion_status[i]
        unmet = [
            (criteria[c].number, localized_name(criteria[c]))
            for c in np.flatnonzero(statuses == Status.NOT_MET)
        ]
        missing = int((statuses == Status.MISSING).sum())
        not_evaluable = int((statuses == Status.NOT_EVALUABLE).sum())
    target, reached = context.targets.get(child.id, (None, False))
    return ChildRow(
        unit=child,
        met=met,
        total=total,
        all_met=all_met,
        tier_rank=context.ranks.get(child.id, 0),
        recognition=context.best.get(child.id),
        target=target,
        target_reached=reached,
        unmet=unmet,
        missing=missing,
        not_evaluable=not_evaluable,
        has_data=has_data,
        communes=context.communes.get(child.id, below.CommuneCount(0, 0, 0))
        if level == "district"
        else None,
    )


def _rows_context(
    children: list[AdminUnit], level: str | None, chosen: CriteriaSet | None, as_of: date
) -> _Context:
    """Evaluate all children in one pass and read their recognitions, targets, communes."""
    child_ids = [c.id for c in children]
    best = best_recognitions(child_ids, as_of)
    ranks = {cid: TIER_RANK[Tier(r.tier)] for cid, r in best.items()}
    targets = next_targets(child_ids, ranks)

    evaluation = None
    if chosen is not None:
        evaluation, _eligibility, _ladder = evaluate_with_ladder(chosen, children, as_of)
    position = {int(uid): i for i, uid in enumerate(evaluation.units.ids)} if evaluation else {}
    with_data = units_with_data(evaluation) if evaluation is not None else None
    communes = below.communes_at_tier(child_ids, as_of) if level == "district" else {}
    return _Context(evaluation, position, with_data, ranks, best, targets, communes, level)


def _has_demo(rows: list[ChildRow], child_ids: list[int]) -> bool:
    """Whether the recognitions, targets, values or certifications shown are demo data."""
    sources = [r.recognition.source for r in rows if r.recognition] + [
        r.target.source for r in rows if r.target
    ]
    return any(is_demo(s) for s in sources) or has_demo_data(child_ids)


def children_overview(
    unit: AdminUnit, *, scope: Scope, as_of: date, set_id: str = "", sort: str = "name"
) -> ChildrenOverview:
    """One row per child in force on the date and in scope, all evaluated in one pass."""
    level, children, urban = _children(unit, scope, as_of)
    column, descending = parse_sort(sort)
    if not children:
        return ChildrenOverview(
            level=level,
            rows=[],
            sets=[],
            criteria_set=None,
            total_criteria=None,
            at_tier={},
            average_met=None,
            sort=f"{'-' if descending else ''}{column}",
            has_demo=False,
            urban=urban,
        )

    sets, chosen = _chosen_set(children[0], level, as_of, set_id)
    child_ids = [c.id for c in children]
    context = _rows_context(children, level, chosen, as_of)
    evaluation, communes = context.evaluation, context.communes
    rows = [_child_row(child, context) for child in children]
    rows.sort(key=SORTS[column], reverse=descending)

    at_tier = {
        tier.value: sum(1 for r in rows if r.tier_rank >= TIER_RANK[tier])
        for tier in (Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
    }
    mets = [r.met for r in rows if r.met is not None and r.has_data]
    overview = ChildrenOverview(
        level=level,
        rows=rows,
        sets=sets,
        criteria_set=chosen,
        total_criteria=evaluation.total if evaluation else None,
        at_tier=at_tier,
        average_met=sum(mets) / len(mets) if mets else None,
        sort=f"{'-' if descending else ''}{column}",
        has_demo=_has_demo(rows, child_ids),
        urban=urban,
        communes=below.CommuneCount(
            total=sum(c.total for c in communes.values()),
            standard=sum(c.standard for c in communes.values()),
            advanced=sum(c.advanced for c in communes.values()),
        )
        if level == "district"
        else None,
    )
    if overview.is_blank and evaluation is not None:
        overview.data_before, overview.data_after = nearest_data_days(
            child_ids, evaluation.definition, as_of
        )
    return overview


def sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort value its header link sets and its aria-sort."""
    column, descending = parse_sort(current)
    links = {}
    for name in SORTS:
        if name == column:
            links[name] = {
                "param": name if descending else f"-{name}",
                "aria": "descending" if descending else "ascending",
            }
        else:
            links[name] = {
                "param": f"-{name}" if name in FIRST_DESCENDING else name,
                "aria": "none",
            }
    return links
