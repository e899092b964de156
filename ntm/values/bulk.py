"""Many indicator values at once: check every cell, then write all of them or none.

The entry form, the bulk grid, the Excel import and the API all write values through
`plan_values` (a preview: what would be new, changed or unchanged, and every problem with
where it is) and `apply_values` (the same check inside one transaction, then the writes
and their audit entries in bulk). A few queries whatever the number of cells: the
definitions of the sets involved, the units, the current values.

A cell identical to the current value (same numbers, source and note) is "unchanged" and
writes nothing, so importing the same file twice changes nothing the second time.

A cell that would write into a period under review or locked (``ntm.approvals.freeze``) is a problem
that says why, since when, by whom and who can unlock; an unchanged cell there is not,
so a template downloaded before the lock can still be imported for the other units.

A cell may carry its ``base`` (``concurrency.Base``: the value in force the page, the
template or the API client showed). A cell equal to its base is unchanged whatever has
been saved since, so a stale form never undoes someone else's correction; a changed cell
whose base is no longer the value in force on its day is refused with the newer value,
who saved it and when (``CellProblem.conflict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ntm.accounts.permissions import ENTRY_ROLES, WriteDenied, require_write
from ntm.accounts.scope import scope_of
from ntm.approvals.freeze import frozen_cells
from ntm.audit.services import Actor, Change, record_changes
from ntm.core.criteria.model import IndicatorDef
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.number_messages import number_in_text
from ntm.units.models import AdminUnit, LevelChoices
from ntm.values.concurrency import (
    Base,
    WriteConflict,
    conflicts_as_refusal,
    is_stale,
    lock_unit_days,
    stale_message,
)
from ntm.values.models import IndicatorValue
from ntm.values.validation import (
    MAX_NOTE,
    MAX_REASON,
    MAX_SOURCE,
    AssessmentError,
    check_length,
    check_observed_on,
    finite_number,
    not_in_force,
    validate_value,
)
from ntm.values.verifier_entry import foreign_indicators

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
    #: the value in force the edit was based on (None: not checked)
    base: Base | None = None

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
    #: the newer value in force when the cell's base is stale
    conflict: IndicatorValue | None = None

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
    changed cell of a period under review or locked is a problem (whoever the user), and
    so is a changed cell whose base is stale.
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
    bases = _Bases(cells)
    foreign = foreign_indicators(user, cells)

    seen: dict[tuple[int, str, date], CellInput] = {}
    for cell in cells:
        problem = _check(cell, definitions, units, scope, seen)
        seen.setdefault(cell.cell_key, cell)
        if problem:
            plan.problems.append(CellProblem(cell.where, problem, cell.unit_id, cell.indicator_key))
            continue
        previous = current.get(cell.cell_key)
        if bases.unchanged(cell) or (previous is not None and _same(previous, cell)):
            kind = ChangeKind.UNCHANGED
        else:
            kind = ChangeKind.CHANGED if previous is not None else ChangeKind.NEW
        indicator = definitions[cell.indicator_key][0]
        # An unchanged cell writes nothing: neither a frozen period nor a verifier's
        # department refuses it (a form or template re-sends every value it shows).
        refusal = (
            ""
            if kind is ChangeKind.UNCHANGED
            else (frozen.get(cell.cell_key) or foreign.get((cell.unit_id, cell.indicator_key), ""))
        )
        if refusal:
            plan.problems.append(CellProblem(cell.where, refusal, cell.unit_id, cell.indicator_key))
            continue
        newer = bases.stale(cell) if kind is not ChangeKind.UNCHANGED else None
        if newer is not None:
            message = (
                stale_message(
                    value_text=value_text(indicator, newer),
                    who=newer.entered_by,
                    when=newer.entered_at,
                )
                if newer.pk is not None
                else _("Giá trị bạn đã xem không còn hiệu lực vào ngày này; hãy tải lại trang.")
            )
            plan.problems.append(
                CellProblem(cell.where, message, cell.unit_id, cell.indicator_key, newer)
            )
            continue
        plan.changes.append(PlannedChange(cell, kind, previous, indicator, units[cell.unit_id]))
    return plan


class _Bases:
    """The rows the cells' bases name, and the values in force on the cells' days."""

    def __init__(self, cells: Sequence[CellInput]):
        based = [c for c in cells if c.base is not None]
        ids = {c.base.id for c in based if c.base is not None and c.base.id is not None}
        self.rows = IndicatorValue.objects.in_bulk(ids) if ids else {}
        self.in_force: dict[tuple[int, str], list[IndicatorValue]] = {}
        if based:
            rows = IndicatorValue.objects.filter(
                is_current=True,
                unit_id__in={c.unit_id for c in based},
                indicator_key__in={c.indicator_key for c in based},
                observed_on__lte=max(c.observed_on for c in based),
            ).select_related("entered_by")
            for row in rows.order_by("observed_on", "id"):
                self.in_force.setdefault((row.unit_id, row.indicator_key), []).append(row)

    def unchanged(self, cell: CellInput) -> bool:
        """The cell repeats the value it was based on: not a write."""
        if cell.base is None or cell.base.id is None:
            return False
        row = self.rows.get(cell.base.id)
        return (
            row is not None
            and (row.unit_id, row.indicator_key) == (cell.unit_id, cell.indicator_key)
            and _same(row, cell)
        )

    def stale(self, cell: CellInput) -> IndicatorValue | None:
        """The value in force on the cell's day when it is not the cell's base."""
        if cell.base is None:
            return None
        rows = self.in_force.get((cell.unit_id, cell.indicator_key), [])
        in_force = next((r for r in reversed(rows) if r.observed_on <= cell.observed_on), None)
        if not is_stale(cell.base, in_force.pk if in_force is not None else None):
            return None
        # Nothing in force (a base that never was, e.g. of another day): an unsaved row.
        return in_force if in_force is not None else IndicatorValue()


def value_text(indicator: IndicatorDef, row: IndicatorValue) -> str:
    """A stored value in words for messages: "70 %", "8/10", "Đạt"."""
    if row.pk is None:
        return ""
    if row.is_met is not None:
        return _("Đạt") if row.is_met else _("Chưa đạt")

    def number(x: float | None) -> str:
        return "—" if x is None else number_in_text(x)

    if row.numerator is not None or row.denominator is not None:
        return f"{number(row.numerator)}/{number(row.denominator)}"
    text = number(row.value)
    return f"{text} {indicator.unit}".strip() if indicator.unit else text


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
    try:
        check_observed_on(cell.observed_on)
        check_length(_("Nguồn số liệu"), cell.source, MAX_SOURCE)
        check_length(_("Ghi chú"), cell.note, MAX_NOTE)
    except AssessmentError as error:
        return str(error)
    if not unit.to_domain().is_active(cell.observed_on):
        return not_in_force(unit, cell.observed_on)
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


def apply_values(
    cells: Sequence[CellInput], *, actor: Actor, reason: str = "", now: datetime | None = None
) -> ValuePlan:
    """Write every new or changed cell in one transaction, or nothing (ValuesRefused).

    ``now`` dates the audit entries when the values were not entered at present (the
    demo's clock, ``ntm.audit.services``); real requests never pass it.

    A changed cell keeps its previous value in history (`is_current` false, linked by
    `supersedes`); every write gets an audit entry. Writers of the same unit and day
    take turns; one that still collides with another is refused (``WriteConflict``).
    """
    refused = reason_problem(reason)
    if refused is not None:
        raise ValuesRefused(ValuePlan(problems=[refused]))
    with conflicts_as_refusal(), transaction.atomic():
        lock_unit_days((c.unit_id, c.observed_on) for c in cells)
        plan = plan_values(cells, user=actor.user, lock=True)
        if not plan.is_valid:
            raise ValuesRefused(plan)
        _write(plan.writes, actor=actor, reason=reason, now=now)
    return plan


def reason_problem(reason: str) -> CellProblem | None:
    """The problem with a batch's reason for change (too long), or None."""
    try:
        check_length(_("Lý do thay đổi"), reason, MAX_REASON)
    except AssessmentError as error:
        return CellProblem(_("Lý do thay đổi"), str(error))
    return None


def _write(
    writes: list[PlannedChange], *, actor: Actor, reason: str, now: datetime | None = None
) -> None:
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
                object_type=IndicatorValue._meta.label_lower,
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
        now=now,
    )


def _snapshot(row: IndicatorValue) -> dict[str, object]:
    return {name: getattr(row, name) for name in VALUE_FIELDS}


__all__ = [
    "CellInput",
    "CellProblem",
    "ChangeKind",
    "PlannedChange",
    "ValuePlan",
    "ValuesRefused",
    "WriteConflict",
    "WriteDenied",
    "apply_values",
    "plan_values",
]
