"""The bulk grid: one or several indicators across the communes under a unit.

Rows are the communes in force on the period's last day, inside the user's scope, under
the unit (directly, or through its districts for a province); wards and other urban units
are left out, as on the children overview. Each cell shows the value in force; only the
cells whose value the user changed are written, all with the grid's source, in one
``apply_values`` call. Queries do not grow with the number of communes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from ntm.accounts.scope import Scope
from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import URBAN_KINDS
from ntm.presentation.page_words import page_wording
from ntm.presentation.wording import COMPARATOR_SIGNS
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on
from ntm.values.bulk import CellInput, CellProblem, ChangeKind, ValuePlan, plan_values
from ntm.values.concurrency import Base
from ntm.values.entry import evaluate_with_cells, values_in_force
from ntm.values.entry_cells import RawValue, raw_from_stored, read_cell
from ntm.values.entry_form import base_rows, posted_bases, shown_row, slug_of
from ntm.values.models import IndicatorValue

#: The most indicators one grid shows side by side.
MAX_COLUMNS = 12

PARTS = {
    IndicatorKind.NUMBER: ("value",),
    IndicatorKind.RATIO: ("numerator", "denominator"),
    IndicatorKind.JUDGEMENT: ("judgement",),
}
SUFFIX = {"value": "", "judgement": "", "numerator": "-n", "denominator": "-d"}


def input_name(unit_id: int, indicator: IndicatorDef, part: str) -> str:
    return f"c-{unit_id}-{slug_of(indicator.code)}{SUFFIX[part]}"


def base_name(unit_id: int, indicator: IndicatorDef) -> str:
    """The hidden field holding the id of the value a grid cell showed ("" when none)."""
    return f"b-{unit_id}-{slug_of(indicator.code)}"


def grid_units(unit: AdminUnit, scope: Scope, period: Period) -> list[AdminUnit]:
    """The communes under a unit on the period's last day, in scope, rural, by district."""
    on = period.observed_on
    units = (
        AdminUnit.objects.filter(level="commune")
        .filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit))
        .filter(in_force_on(on))
        .exclude(kind__in=URBAN_KINDS)
        .select_related("parent")
    )
    rows = list(scope.filter(units))
    rows.sort(key=lambda u: (u.parent.name if u.parent_id != unit.pk and u.parent else "", u.name))
    return rows


def pick_indicators(
    criteria_set: CriteriaSet, codes: list[str]
) -> tuple[list[IndicatorDef], list[str]]:
    """The set's indicators named by code (or key), in the order given, and unknown names."""
    entered = [
        i for i in criteria_set.to_domain().indicators if i.kind is not IndicatorKind.AGGREGATE
    ]
    by_name = {i.code: i for i in entered} | {i.key: i for i in entered}
    chosen: list[IndicatorDef] = []
    unknown: list[str] = []
    for code in codes:
        indicator = by_name.get(code)
        if indicator is None:
            unknown.append(code)
        elif indicator not in chosen:
            chosen.append(indicator)
    return chosen, unknown


@dataclass
class GridInput:
    name: str
    part: str
    text: str
    #: the text the cell started with (the value in force), to mark changed cells
    initial: str
    #: the position among the grid's text columns (a ratio takes two), for the keyboard
    col: int = 0


@dataclass
class GridCell:
    indicator: IndicatorDef
    inputs: list[GridInput]
    in_force: IndicatorValue | None
    problems: list[str] = field(default_factory=list)
    is_written: bool = False
    #: the hidden field and the id of the value the cell showed ("" when none)
    base_name: str = ""
    base: str = ""

    @property
    def provenance(self) -> str:
        if self.in_force is None:
            return ""
        day = self.in_force.observed_on.strftime("%d/%m/%Y")
        if self.in_force.source:
            return _("số liệu ngày %(date)s · %(source)s") % {
                "date": day,
                "source": self.in_force.source,
            }
        return _("số liệu ngày %(date)s") % {"date": day}


@dataclass
class GridRow:
    unit: AdminUnit
    group: str
    cells: list[GridCell]
    met: int | None = None
    total: int | None = None
    #: criteria met before the typed values, when they change it
    met_before: int | None = None

    @property
    def has_problems(self) -> bool:
        return any(c.problems for c in self.cells)


@dataclass
class GridColumn:
    indicator: IndicatorDef
    threshold_text: str
    #: the column's position among the grid's text columns (a ratio takes two)
    first_index: int = 0

    @property
    def parts(self) -> tuple[str, ...]:
        return PARTS[self.indicator.kind]

    @property
    def slug(self) -> str:
        return slug_of(self.indicator.code)


@dataclass
class Grid:
    unit: AdminUnit
    criteria_set: CriteriaSet
    period: Period
    columns: list[GridColumn]
    rows: list[GridRow]
    source: str = ""
    cells: list[CellInput] = field(default_factory=list)
    plan: ValuePlan | None = None
    general: list[str] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return sum(len(c.problems) for r in self.rows for c in r.cells) + len(self.general)

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0

    @property
    def new_count(self) -> int:
        return self.plan.count(ChangeKind.NEW) if self.plan else 0

    @property
    def changed_count(self) -> int:
        return self.plan.count(ChangeKind.CHANGED) if self.plan else 0

    @property
    def problem_rows(self) -> list[GridRow]:
        return [r for r in self.rows if r.has_problems]

    def add_problems(self, problems: list[CellProblem]) -> None:
        cells = {(r.unit.pk, c.indicator.key): c for r in self.rows for c in r.cells}
        for problem in problems:
            target = cells.get((problem.unit_id, problem.indicator_key))
            if target is not None:
                target.problems.append(problem.message)
                target.is_written = False
                if problem.conflict is not None:
                    # Seen now: saving again after review replaces the newer value.
                    target.base = Base(problem.conflict.pk).text()
            else:
                self.general.append(str(problem))


def _raw_text(raw: RawValue, part: str) -> str:
    return getattr(raw, part)


def build_grid(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    indicators: list[IndicatorDef],
    scope: Scope,
    user: AbstractBaseUser | AnonymousUser | None,
    data: QueryDict | None = None,
    check: bool = False,
) -> Grid:
    """The grid as stored, or as posted with its cells, problems and resulting scores."""
    as_of = period.observed_on
    units = grid_units(unit, scope, period)
    in_force = values_in_force([u.pk for u in units], [i.key for i in indicators], as_of)
    source = (data.get("source", "") if data is not None else "").strip()
    bases: dict[str, Base | None] = {}
    if data is not None:
        names = {base_name(u.pk, i): base_name(u.pk, i) for u in units for i in indicators}
        bases = posted_bases(data, names)
    shown = base_rows(list(bases.values()))
    rows, cells = _grid_rows(
        unit,
        units,
        indicators,
        in_force,
        data=data,
        bases=bases,
        shown=shown,
        source=source,
        as_of=as_of,
    )

    plan = plan_values(cells, user=user) if check and cells else (ValuePlan() if check else None)
    refused = {(p.unit_id, p.indicator_key) for p in plan.problems} if plan else set()
    shown = [c for c in cells if (c.unit_id, c.indicator_key) not in refused]
    columns = [GridColumn(i, "") for i in indicators]
    if units:
        columns = _score_rows(criteria_set, units, rows, indicators, as_of, shown)
    index = 0
    for column in columns:
        column.first_index = index
        index += len(column.parts)
    grid = Grid(unit, criteria_set, period, columns, rows, source, cells, plan)
    if plan is not None:
        grid.add_problems(plan.problems)
    return grid


def _grid_rows(
    unit: AdminUnit,
    units: list[AdminUnit],
    indicators: list[IndicatorDef],
    in_force: dict[tuple[int, str], IndicatorValue],
    *,
    data: QueryDict | None,
    bases: dict[str, Base | None],
    shown: dict[int, IndicatorValue],
    source: str,
    as_of: date,
) -> tuple[list[GridRow], list[CellInput]]:
    """A row per unit, a cell per indicator, with the posted text read into cells to write
    (``read_cell``) and their problems; the cells without problems, in order."""
    rows: list[GridRow] = []
    cells: list[CellInput] = []
    for child in units:
        group = child.parent.name if child.parent_id != unit.pk and child.parent else ""
        row_cells = []
        col = 0
        for indicator in indicators:
            stored = in_force.get((child.pk, indicator.key))
            initial = raw_from_stored(indicator, stored, provenance=False, words=True)
            name_of_base = base_name(child.pk, indicator)
            base = bases.get(name_of_base)
            cell = GridCell(indicator, [], stored, base_name=name_of_base)
            cell.base = (
                base.text() if base is not None else Base(stored.pk if stored else None).text()
            )
            texts: dict[str, str] = {}
            for part in PARTS[indicator.kind]:
                name = input_name(child.pk, indicator, part)
                text = data.get(name, "") if data is not None else _raw_text(initial, part)
                texts[part] = text
                cell.inputs.append(GridInput(name, part, text, _raw_text(initial, part), col))
                col += 1
            if data is not None:
                read = read_cell(
                    indicator,
                    RawValue(**texts),
                    unit_id=child.pk,
                    observed_on=as_of,
                    in_force=shown_row(base, shown, stored),
                    where=_("%(unit)s (mã %(code)s), chỉ tiêu %(indicator)s")
                    % {"unit": child.name, "code": child.code, "indicator": indicator.code},
                    batch_source=source,
                )
                cell.problems.extend(read.problems)
                if read.cell is not None and not read.problems:
                    cells.append(replace(read.cell, base=base))
                    cell.is_written = True
            row_cells.append(cell)
        rows.append(GridRow(child, group, row_cells))
    return rows, cells


def _score_rows(
    criteria_set: CriteriaSet,
    units: list[AdminUnit],
    rows: list[GridRow],
    indicators: list[IndicatorDef],
    as_of: date,
    shown: list[CellInput],
) -> list[GridColumn]:
    """Each row's criteria met with the cells laid over the stored values (and before, when
    that differs); the columns with their thresholds."""
    evaluation = evaluate_with_cells(criteria_set, units, as_of, shown)
    position = {int(uid): n for n, uid in enumerate(evaluation.units.ids)}
    before = evaluate_with_cells(criteria_set, units, as_of) if shown else evaluation
    for row in rows:
        n = position[row.unit.pk]
        row.met, row.total = int(evaluation.met[n]), evaluation.total
        if int(before.met[n]) != row.met:
            row.met_before = int(before.met[n])
    return [GridColumn(i, _column_threshold(evaluation, i)) for i in indicators]


def _column_threshold(evaluation: Any, indicator: IndicatorDef) -> str:
    """The threshold of a column when every row has the same one, else "theo vùng"."""
    if indicator.kind is IndicatorKind.JUDGEMENT:
        return ""
    k = next(n for n, i in enumerate(evaluation.indicators) if i.key == indicator.key)
    values = evaluation.threshold[:, k]
    known = values[~np.isnan(values)]
    if not len(known):
        return _("cần xác nhận")
    if len(known) < len(values) or not np.all(known == known[0]):
        return _("theo vùng hoặc nhóm xã")
    sign = COMPARATOR_SIGNS.get(indicator.comparator.value if indicator.comparator else "", "")
    return f"{sign} {page_wording().amount(float(known[0]), indicator.unit)}".strip()
