"""Many indicator values at once: check every cell, then write all of them or none.

The entry form, the bulk grid, the Excel import and the API all write values through
`plan_values` (a preview: what would be new, changed or unchanged, and every problem with
where it is) and `apply_values` (the same check inside one transaction, then the writes
and their audit entries in bulk). A few queries whatever the number of cells: the
definitions of the sets involved, the units, the current values.

A cell identical to the current value (same numbers, source and note) is "unchanged" and
writes nothing, so importing the same file twice changes nothing the second time.

A cell that would write into a period under review or locked (``locking``) is a problem
that says why, since when, by whom and who can unlock; an unchanged cell there is not,
so a template downloaded before the lock can still be imported for the other units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ntm.accounts.permissions import ENTRY_ROLES, WriteDenied, require_write
from ntm.accounts.scope import scope_of
from ntm.assessments.locking import frozen_cells
from ntm.assessments.models import IndicatorValue
from ntm.assessments.validation import AssessmentError, finite_number, validate_value
from ntm.audit.services import Actor, Change, record_changes
from ntm.core.criteria.model import IndicatorDef
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.units.models import AdminUnit, LevelChoices

#: The fields that make a value; the rest (who, when) is provenance.
VALUE_FIELDS = ("value", "numerator", "denominator", "is_met", "source", "note")


@dataclass(frozen=True)
class CellInput:
    """One value to write, with `where` it came from (sheet, row, column) for messages."""

    unit_id: int
    indicator_key: str
    observed_on: date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    is_met: bool | None = None
    source: str = ""
    note: str = ""
    where: str = ""

    @property
    def cell_key(self) -> tuple[int, str, date]:
        return (self.unit_id, self.indicator_key, self.observed_on)

    def fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in VALUE_FIELDS}


@dataclass(frozen=True)
class CellProblem:
    """Why a cell cannot be written, and where it is."""

    where: str
    message: str
    unit_id: int | None = None
    indicator_key: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PlannedChange:
    cell: CellInput
    kind: ChangeKind
    previous: IndicatorValue | None = None
    indicator: IndicatorDef | None = None
    unit: AdminUnit | None = None


@dataclass
class ValuePlan:
    """What a batch of cells would do: changes when valid, problems otherwise."""

    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind is kind)

    @property
    def writes(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.kind is not ChangeKind.UNCHANGED]


class ValuesRefused(Exception):
    """A batch with problems: nothing was written."""

    def __init__(self, plan: ValuePlan):
        self.plan = plan
        super().__init__(_("Không lưu gì: %(count)d ô có lỗi.") % {"count": len(plan.problems)})


def indicator_definitions(keys: set[str]) -> dict[str, tuple[IndicatorDef, str]]:
    """Each key's indicator and the level of its set, newest published version first."""
    set_ids = {key.partition(":")[0] for key in keys}
    found: dict[str, tuple[IndicatorDef, str]] = {}
    # Drafts do not count: values are entered only for indicators of a published version.
    published = CriteriaSet.objects.filter(set_id__in=set_ids, status=SetStatusChoices.PUBLISHED)
    for stored in published.order_by("set_id", "-version"):
        for indicator in stored.to_domain().indicators:
            if indicator.key in keys and indicator.key not in found:
                found[indicator.key] = (indicator, stored.level)
    return found


def _same(previous: IndicatorValue, cell: CellInput) -> bool:
    return all(getattr(previous, name) == getattr(cell, name) for name in VALUE_FIELDS)


def plan_values(
    cells: Sequence[CellInput],
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    lock: bool = False,
) -> ValuePlan:
    """Check every cell and compare it with the current value; writes nothing.

    With a user, their role must allow data entry (else WriteDenied for the whole batch)
    and each cell's unit must be in their scope (else a problem on that cell). A new or
    changed cell of a period under review or locked is a problem (whoever the user).
    """
    if user is not None:
        require_write(user, [], roles=ENTRY_ROLES)
    scope = scope_of(user) if user is not None else None
    plan = ValuePlan()
    definitions = indicator_definitions({c.indicator_key for c in cells})
    units = AdminUnit.objects.in_bulk({c.unit_id for c in cells})
    current_rows = IndicatorValue.objects.filter(is_current=True).filter(_cells_filter(cells))
    if lock:
        current_rows = current_rows.select_for_update()
    current = {(v.unit_id, v.indicator_key, v.observed_on): v for v in current_rows}
    frozen = frozen_cells((c.cell_key for c in cells), lock=lock)

    seen: dict[tuple[int, str, date], CellInput] = {}
    for cell in cells:
        problem = _check(cell, definitions, units, scope, seen)
        seen.setdefault(cell.cell_key, cell)
        if problem:
            plan.problems.append(CellProblem(cell.where, problem, cell.unit_id, cell.indicator_key))
            continue
        previous = current.get(cell.cell_key)
        if previous is None:
            kind = ChangeKind.NEW
        elif _same(previous, cell):
            kind = ChangeKind.UNCHANGED
        else:
            kind = ChangeKind.CHANGED
        if kind is not ChangeKind.UNCHANGED and cell.cell_key in frozen:
            plan.problems.append(
                CellProblem(cell.where, frozen[cell.cell_key], cell.unit_id, cell.indicator_key)
            )
            continue
        plan.changes.append(
            PlannedChange(
                cell, kind, previous, definitions[cell.indicator_key][0], units[cell.unit_id]
            )
        )
    return plan


def _cells_filter(cells: Sequence[CellInput]) -> Q:
    """A filter that holds every cell: by units, keys and dates (a superset, matched later)."""
    if not cells:
        return Q(pk__in=[])
    return Q(
        unit_id__in={c.unit_id for c in cells},
        indicator_key__in={c.indicator_key for c in cells},
        observed_on__in={c.observed_on for c in cells},
    )


def _check(
    cell: CellInput,
    definitions: dict[str, tuple[IndicatorDef, str]],
    units: dict[int, AdminUnit],
    scope,
    seen: dict[tuple[int, str, date], CellInput],
) -> str:
    """The problem with one cell, or an empty string."""
    unit = units.get(cell.unit_id)
    if unit is None:
        return _("Không có đơn vị mã nội bộ %(id)s.") % {"id": cell.unit_id}
    if scope is not None and not scope.allows(unit):
        return _("Đơn vị “%(unit)s” nằm ngoài phạm vi được giao của tài khoản này.") % {
            "unit": unit.name
        }
    if cell.indicator_key not in definitions:
        return _("Không bộ tiêu chí nào có chỉ tiêu “%(key)s”.") % {"key": cell.indicator_key}
    indicator, level = definitions[cell.indicator_key]
    if unit.level != level:
        return _("Chỉ tiêu %(code)s dành cho cấp %(level)s, không dùng cho %(unit)s.") % {
            "code": indicator.code,
            "level": LevelChoices(level).label,
            "unit": unit.name,
        }
    if not unit.to_domain().is_active(cell.observed_on):
        return _("%(unit)s không tồn tại vào ngày %(date)s.") % {
            "unit": unit.name,
            "date": cell.observed_on.strftime("%d/%m/%Y"),
        }
    if cell.cell_key in seen:
        first = seen[cell.cell_key]
        return _("Trùng với %(first)s (cùng đơn vị, chỉ tiêu và ngày).") % {
            "first": first.where or _("một ô trước đó")
        }
    try:
        for name in ("value", "numerator", "denominator"):
            finite_number(name, getattr(cell, name))
        validate_value(
            indicator,
            value=cell.value,
            numerator=cell.numerator,
            denominator=cell.denominator,
            is_met=cell.is_met,
        )
    except AssessmentError as error:
        return str(error)
    return ""


def apply_values(cells: Sequence[CellInput], *, actor: Actor, reason: str = "") -> ValuePlan:
    """Write every new or changed cell in one transaction, or nothing (ValuesRefused).

    A changed cell keeps its previous value in history (`is_current` false, linked by
    `supersedes`); every write gets an audit entry.
    """
    with transaction.atomic():
        plan = plan_values(cells, user=actor.user, lock=True)
        if not plan.is_valid:
            raise ValuesRefused(plan)
        writes = plan.writes
        replaced = [c.previous.pk for c in writes if c.previous is not None]
        if replaced:
            IndicatorValue.objects.filter(pk__in=replaced).update(is_current=False)
        user = actor.user if actor.user is not None and actor.user.is_authenticated else None
        created = IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    unit_id=c.cell.unit_id,
                    indicator_key=c.cell.indicator_key,
                    observed_on=c.cell.observed_on,
                    entered_by=user,
                    supersedes=c.previous,
                    **c.cell.fields(),
                )
                for c in writes
            ],
            batch_size=2000,
        )
        record_changes(
            actor,
            [
                Change(
                    action="value.correct" if c.previous is not None else "value.create",
                    object_type="assessments.indicatorvalue",
                    object_id=str(row.pk) if row.pk is not None else "",
                    unit_id=c.cell.unit_id,
                    unit_label=c.unit.name if c.unit else "",
                    summary=f"{c.cell.indicator_key} @ {c.cell.observed_on.isoformat()}",
                    old=_snapshot(c.previous) if c.previous is not None else None,
                    new=c.cell.fields(),
                )
                for c, row in zip(writes, created, strict=True)
            ],
            reason=reason,
        )
    return plan


def _snapshot(row: IndicatorValue) -> dict[str, object]:
    return {name: getattr(row, name) for name in VALUE_FIELDS}


__all__ = [
    "CellInput",
    "CellProblem",
    "ChangeKind",
    "PlannedChange",
    "ValuePlan",
    "ValuesRefused",
    "WriteDenied",
    "apply_values",
    "plan_values",
]
