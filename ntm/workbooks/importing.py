"""Read a filled template back: check the file, then every row, then plan or write the values.

Three layers of checks, each with a message that says where and why:
1. the file (size, a real .xlsx, the signed codes sheet, the set, the period, the units,
   the headers): a `WorkbookRefused` with one message, nothing else is looked at;
2. each row (codes, formulas, types, duplicates, scope): problems with sheet, row, column
   and the value shown;
3. each value against its indicator (`plan_values`): the same messages as every other way
   of entering values.
Only a file without any problem is written, all at once (`apply_values`). A blank cell
means "no value given" and never deletes a stored value; a cell that repeats the value in
force from an earlier date is not written again for this period.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.values.bulk import (
    CellInput,
    ChangeKind,
    ValuePlan,
    ValuesRefused,
    apply_values,
    plan_values,
)
from ntm.values.concurrency import WriteConflict
from ntm.workbooks.limits import (
    MAX_PROBLEMS,
    more_text,
)
from ntm.workbooks.reading import (
    Expectation,
    Location,
    Problem,
    WorkbookReading,
    WorkbookRefused,
)
from ntm.workbooks.rows import (
    Progress,
    read_workbook,
)
from ntm.workbooks.template_layout import number_text


@dataclass(frozen=True)
class ChangeRow:
    """One value that would be written, old -> new, for the preview table."""

    unit_name: str
    unit_code: str
    indicator_code: str
    indicator_name: str
    kind: str  # new | changed
    old: str
    old_on: date | None
    new: str
    source: str
    note: str
    location: Location | None


@dataclass
class ImportResult:
    """A preview (nothing written) or an import (written), or the problems that stop it."""

    reading: WorkbookReading
    plan: ValuePlan
    problems: list[Problem]
    applied: bool = False
    #: problems past the first MAX_PROBLEMS, counted only
    more_problems: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def more_problems_text(self) -> str:
        """ "… và 4.800 lỗi khác." when problems were left off the list, else ""."""
        return more_text(self.more_problems)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.plan.count(ChangeKind.NEW),
            "changed": self.plan.count(ChangeKind.CHANGED),
            "unchanged": self.plan.count(ChangeKind.UNCHANGED) + self.reading.kept,
            "blank": self.reading.blank,
            "problems": len(self.problems) + self.more_problems,
            "warnings": len(self.reading.warnings) + self.reading.more_warnings,
        }

    @property
    def fingerprint(self) -> str:
        """What would be written, as a digest: a confirmation writes what was previewed."""
        return plan_fingerprint(self.plan)

    def change_rows(self) -> list[ChangeRow]:
        definition = self.reading.criteria_set.to_domain()
        names = {i.key: i.name_vi for i in definition.indicators}
        rows = []
        for change in self.plan.writes:
            cell = change.cell
            indicator = change.indicator
            previous = change.previous
            earlier = self.reading.in_force.get((cell.unit_id, cell.indicator_key))
            old, old_on = "", None
            if previous is not None:
                old, old_on = value_text(previous, indicator), previous.observed_on
            elif earlier is not None:
                old, old_on = value_text(earlier, indicator), earlier.observed_on
            rows.append(
                ChangeRow(
                    unit_name=change.unit.name if change.unit else "",
                    unit_code=change.unit.code if change.unit else "",
                    indicator_code=indicator.code if indicator else cell.indicator_key,
                    indicator_name=names.get(cell.indicator_key, ""),
                    kind=change.kind.value,
                    old=old,
                    old_on=old_on,
                    new=value_text(cell, indicator),
                    source=cell.source,
                    note=cell.note,
                    location=self.reading.locations.get(cell.where),
                )
            )
        return rows


def plan_fingerprint(plan: ValuePlan) -> str:
    """What a plan would write, as a digest: a confirmation writes what was previewed."""
    digest = hashlib.sha256()
    for change in sorted(plan.writes, key=lambda c: (c.cell.unit_id, c.cell.indicator_key)):
        digest.update(
            repr(
                (
                    change.cell.cell_key,
                    sorted(change.cell.fields().items()),
                    change.previous.pk if change.previous is not None else None,
                )
            ).encode()
        )
    return digest.hexdigest()


def value_text(value: Any, indicator) -> str:
    """A value in words: "Đạt", "12,5 km", "8 / 10"."""
    measure = f" {indicator.unit}" if indicator is not None and indicator.unit else ""
    if getattr(value, "is_met", None) is not None:
        return _("Đạt") if value.is_met else _("Chưa đạt")
    if (
        getattr(value, "numerator", None) is not None
        or getattr(value, "denominator", None) is not None
    ):
        numerator = number_text(value.numerator) if value.numerator is not None else "…"
        denominator = number_text(value.denominator) if value.denominator is not None else "…"
        text = f"{numerator} / {denominator}"
        if value.numerator is not None and value.denominator:
            scale = indicator.ratio.scale if indicator is not None and indicator.ratio else 100.0
            text += (
                f" ({number_text(round(value.numerator / value.denominator * scale, 2))}{measure})"
            )
        return text
    if getattr(value, "value", None) is not None:
        return f"{number_text(value.value)}{measure}"
    return "—"


def _problems_of(reading: WorkbookReading, plan: ValuePlan) -> list[Problem]:
    found = list(reading.problems)
    for problem in plan.problems:
        found.append(Problem(reading.locations.get(problem.where), problem.message))
    found.sort(key=lambda p: (p.location.row, p.location.column) if p.location else (0, ""))
    return found


def _result(
    reading: WorkbookReading, plan: ValuePlan, problems: list[Problem], **extra: Any
) -> ImportResult:
    """The result with the first MAX_PROBLEMS problems; the others are counted."""
    more = max(len(problems) - MAX_PROBLEMS, 0) + reading.more_problems
    return ImportResult(reading, plan, problems[:MAX_PROBLEMS], more_problems=more, **extra)


def _scope_problems(reading: WorkbookReading, user) -> list[Problem]:
    """One problem per unit outside the user's scope that the file gives values for."""
    if user is None:
        return []
    scope = scope_of(user)
    outside: dict[int, list[CellInput]] = {}
    for cell in reading.cells:
        if not scope.allows(cell.unit_id):
            outside.setdefault(cell.unit_id, []).append(cell)
    problems = []
    for unit_id, cells in outside.items():
        unit = reading.units[unit_id]
        problems.append(
            Problem(
                reading.locations.get(cells[0].where),
                _(
                    "Đơn vị “%(unit)s” nằm ngoài phạm vi được giao của tài khoản này (%(count)d ô có số liệu); không nhập được số liệu của đơn vị này."
                )
                % {"unit": unit.name, "count": len(cells)},
            )
        )
    if outside:
        reading.cells = [c for c in reading.cells if c.unit_id not in outside]
    return problems


def preview_workbook(
    content: bytes,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    expect: Expectation | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read and check a file and say what it would change; writes nothing.

    WorkbookRefused for a file that cannot be read as a template or a user who may not
    enter values.
    """
    reading = read_workbook(content, expect=expect, today=today, progress=progress)
    scope_problems = _scope_problems(reading, user)
    try:
        plan = plan_values(reading.cells, user=user)
    except WriteDenied as error:
        raise WorkbookRefused(str(error)) from None
    return _result(reading, plan, _problems_of(reading, plan) + scope_problems)


def import_workbook(
    content: bytes,
    *,
    actor: Actor,
    filename: str = "",
    expect: Expectation | None = None,
    today: date | None = None,
) -> ImportResult:
    """Read a file and write every value of it in one transaction, or nothing."""
    reading = read_workbook(content, expect=expect, today=today)
    scope_problems = _scope_problems(reading, actor.user)
    if reading.problems or scope_problems:
        # Refused: the plan only completes the list of problems.
        try:
            plan = plan_values(reading.cells, user=actor.user)
        except WriteDenied as error:
            raise WorkbookRefused(str(error)) from None
        return _result(reading, plan, _problems_of(reading, plan) + scope_problems)
    # apply_values checks every cell again inside its transaction: one plan, not two.
    plan = apply_cells(
        reading.cells,
        actor=actor,
        reason=import_reason(filename, reading.criteria_set, reading.period),
    )
    if not plan.is_valid:
        return _result(reading, plan, _problems_of(reading, plan))
    return ImportResult(reading=reading, plan=plan, problems=[], applied=True)


def import_reason(filename: str, criteria_set: CriteriaSet, period: Period) -> str:
    return _("Nhập từ tệp Excel “%(file)s” (bộ %(set)s, kỳ %(period)s)") % {
        "file": filename or "?",
        "set": criteria_set,
        "period": period.label,
    }


def apply_cells(
    cells: Sequence[CellInput], *, actor: Actor, reason: str, fingerprint: str | None = None
) -> ValuePlan:
    """Write the cells of a checked file (all or nothing); the plan says what happened.

    With `fingerprint` (from the preview), raises StalePreview when what would be written
    changed since (values entered meanwhile), so the user looks at the new preview first.
    """
    try:
        if fingerprint is not None:
            current = plan_values(cells, user=actor.user)
            changed = current.is_valid and plan_fingerprint(current) != fingerprint
            if changed or any(p.conflict is not None for p in current.problems):
                raise StalePreview()
        return apply_values(cells, actor=actor, reason=reason)
    except ValuesRefused as refused:
        return refused.plan
    except (WriteDenied, WriteConflict) as error:
        raise WorkbookRefused(str(error)) from None


class StalePreview(Exception):
    """The values changed between the preview and the confirmation: nothing was written."""

    def __init__(self):
        super().__init__(
            _(
                "Số liệu trong hệ thống đã thay đổi từ lúc xem trước; không ghi gì. Hãy xem lại bản xem trước mới."
            )
        )
