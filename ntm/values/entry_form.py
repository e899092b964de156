"""The assessment form of one unit, set and period: what it shows and what a post writes.

``build_entry_form`` serves the page, its live preview and the save: it reads the values
in force, turns posted text into cells (``entry_cells``), checks evidence files, asks
``plan_values`` about the cells when told to, and evaluates the unit with the typed
values laid over the stored ones, so the statuses shown are those a save would give.
A handful of queries whatever the size of the set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from ntm.approvals.models import Submission
from ntm.core.criteria.model import CriteriaSetDef, CriterionDef, IndicatorDef, IndicatorKind
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.selectors import latest_rows
from ntm.presentation.page_words import badge_class, page_wording
from ntm.presentation.wording import COMPARATOR_SIGNS, slug_of  # slug_of re-exported for the pages
from ntm.units.models import AdminUnit
from ntm.values.bulk import CellInput, CellProblem, ChangeKind, ValuePlan, plan_values
from ntm.values.concurrency import Base
from ntm.values.entry import evaluate_with_cells, evidence_for, values_in_force
from ntm.values.entry_cells import RawValue, ReadCell, raw_from_stored, read_cell, stored_text
from ntm.values.evidence import CheckedUpload, EvidenceRefused, check_upload
from ntm.values.models import CriterionCertification, EvidenceFile, IndicatorValue

#: The most evidence files one field takes in one save.
MAX_FILES_PER_FIELD = 10


def field_names(slug: str) -> dict[str, str]:
    return {
        "value": f"v-{slug}",
        "numerator": f"n-{slug}",
        "denominator": f"d-{slug}",
        "judgement": f"j-{slug}",
        "source": f"src-{slug}",
        "note": f"note-{slug}",
        "evidence": f"ev-{slug}",
        "base": f"b-{slug}",
    }


def raw_from_data(data: QueryDict, slug: str) -> RawValue:
    names = field_names(slug)
    return RawValue(
        value=data.get(names["value"], ""),
        numerator=data.get(names["numerator"], ""),
        denominator=data.get(names["denominator"], ""),
        judgement=data.get(names["judgement"], ""),
        source=data.get(names["source"], ""),
        note=data.get(names["note"], ""),
    )


@dataclass
class IndicatorField:
    """One indicator on the form: its requirement, what it holds, what it will give."""

    indicator: IndicatorDef
    raw: RawValue
    in_force: IndicatorValue | None
    result: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    evidence: list[EvidenceFile] = field(default_factory=list)
    #: a save would write this field (a new value or a correction)
    is_written: bool = False
    #: the id of the value in force the field's text is based on ("" when none), posted back
    base: str = ""

    @property
    def slug(self) -> str:
        return slug_of(self.indicator.code)

    @property
    def names(self) -> dict[str, str]:
        return field_names(self.slug)

    @property
    def kind(self) -> str:
        return self.indicator.kind.value

    @property
    def is_computed(self) -> bool:
        return self.indicator.kind is IndicatorKind.AGGREGATE

    @property
    def threshold_text(self) -> str:
        if self.indicator.kind is IndicatorKind.JUDGEMENT:
            return ""
        threshold = self.result.get("threshold")
        if threshold is None:
            return ""
        sign = COMPARATOR_SIGNS.get(self.result.get("comparator") or "", "")
        return f"{sign} {page_wording().amount(threshold, self.indicator.unit)}".strip()

    @property
    def needs_confirmation(self) -> bool:
        return self.indicator.kind is not IndicatorKind.JUDGEMENT and self.threshold_text == ""

    @property
    def threshold_confidence(self) -> str | None:
        return self.result.get("threshold_confidence")

    @property
    def status(self) -> str:
        return self.result["status"]

    @property
    def status_label(self) -> str:
        return page_wording().status(self.status)

    @property
    def badge(self) -> str:
        return badge_class(self.status)

    @property
    def value_text(self) -> str:
        return page_wording().value(self.result)

    @property
    def gap_text(self) -> str:
        return page_wording().gap(self.result)

    @property
    def is_own(self) -> bool:
        """The value in force was observed on the period's own day."""
        return self.in_force is not None and self.in_force.observed_on == self.period_day

    period_day: date | None = None

    @property
    def in_force_text(self) -> str:
        return stored_text(self.indicator, self.in_force) if self.in_force else ""

    @property
    def has_provenance_input(self) -> bool:
        return bool(self.raw.source or self.raw.note or self.problems)


@dataclass
class CriterionBlock:
    """A criterion with its status, its certification and its indicators."""

    criterion: CriterionDef | None
    result: dict[str, Any]
    fields: list[IndicatorField]
    certification: CriterionCertification | None = None

    @property
    def number(self) -> str:
        return self.criterion.number if self.criterion else ""

    @property
    def slug(self) -> str:
        return slug_of(self.number) if self.criterion else "conditions"

    @property
    def status(self) -> str:
        return self.result.get("status", "")

    @property
    def status_label(self) -> str:
        return page_wording().status(self.status) if self.status else ""

    @property
    def badge(self) -> str:
        return badge_class(self.status) if self.status else ""

    @property
    def certified(self) -> bool:
        """A certification decides the criterion (no value observed after it)."""
        return bool(self.result.get("certified"))

    @property
    def certification_replaced(self) -> bool:
        """A certification exists but a newer value decides instead."""
        return self.certification is not None and not self.certified


@dataclass
class EntryForm:
    unit: AdminUnit
    criteria_set: CriteriaSet
    period: Period
    blocks: list[CriterionBlock]
    met: int
    total: int
    submission: Submission | None
    cells: list[CellInput] = field(default_factory=list)
    uploads: list[CheckedUpload] = field(default_factory=list)
    plan: ValuePlan | None = None
    #: problems not tied to one field
    general: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[IndicatorField]:
        return [f for block in self.blocks for f in block.fields]

    @property
    def problem_count(self) -> int:
        return sum(len(f.problems) for f in self.fields) + len(self.general)

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0

    @property
    def new_count(self) -> int:
        return self.plan.count(ChangeKind.NEW) if self.plan else 0

    @property
    def changed_count(self) -> int:
        return self.plan.count(ChangeKind.CHANGED) if self.plan else 0

    def add_problems(self, problems: Sequence[CellProblem]) -> None:
        """Put the problems of a plan next to their fields."""
        by_key = {f.indicator.key: f for f in self.fields}
        for problem in problems:
            target = by_key.get(problem.indicator_key)
            if target is not None:
                target.problems.append(problem.message)
                target.is_written = False
                if problem.conflict is not None:
                    # Seen now: saving again after review replaces the newer value.
                    target.base = Base(problem.conflict.pk).text()
            else:
                self.general.append(str(problem))


def posted_bases(data: QueryDict, names: dict[str, str]) -> dict[str, Base | None]:
    """Each posted base field (by field key) read as a ``Base``; None when not posted."""
    return {key: Base.parse(data.get(name)) for key, name in names.items()}


def base_rows(bases: Sequence[Base | None]) -> dict[int, IndicatorValue]:
    """The rows the bases name, in one query."""
    ids = {b.id for b in bases if b is not None and b.id is not None}
    return IndicatorValue.objects.in_bulk(ids) if ids else {}


def shown_row(
    base: Base | None, rows: dict[int, IndicatorValue], in_force: IndicatorValue | None
) -> IndicatorValue | None:
    """The value the page showed: the base's row, else (no base posted) the one in force."""
    if base is None:
        return in_force
    return rows.get(base.id) if base.id is not None else None


def _certifications(
    unit: AdminUnit, criteria: Sequence[CriterionDef], as_of: date
) -> dict[str, CriterionCertification]:
    rows = CriterionCertification.objects.filter(
        unit=unit,
        criterion_key__in=[c.key for c in criteria],
        certified_on__lte=as_of,
        is_current=True,
    ).select_related("department")
    return latest_rows(rows, "criterion_key", "certified_on")


def _uploads(
    files: MultiValueDict | None, indicator: IndicatorDef, unit: AdminUnit, as_of: date
) -> tuple[list[CheckedUpload], list[str]]:
    if files is None:
        return [], []
    sent = [f for f in files.getlist(field_names(slug_of(indicator.code))["evidence"]) if f]
    checked: list[CheckedUpload] = []
    problems: list[str] = []
    if len(sent) > MAX_FILES_PER_FIELD:
        problems.append(
            _("Mỗi chỉ tiêu nhận tối đa %(count)d tệp trong một lần lưu.")
            % {"count": MAX_FILES_PER_FIELD}
        )
        return [], problems
    for upload in sent:
        try:
            kind = check_upload(upload)
        except EvidenceRefused as refused:
            problems.append(str(refused))
            continue
        checked.append(CheckedUpload(upload, kind, unit.pk, indicator.key, as_of))
    return checked, problems


@dataclass
class _FieldInputs:
    """What the fields hold: their text (stored, or as posted), the posted text read into
    cells, the files checked to keep, and the posted bases (by indicator key)."""

    raws: dict[str, RawValue] = field(default_factory=dict)
    reads: dict[str, ReadCell] = field(default_factory=dict)
    uploads: list[CheckedUpload] = field(default_factory=list)
    bases: dict[str, Base | None] = field(default_factory=dict)


def build_entry_form(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    user: AbstractBaseUser | AnonymousUser | None,
    data: QueryDict | None = None,
    files: MultiValueDict | None = None,
    check: bool = False,
) -> EntryForm:
    """The form as stored (no data), or as posted: cells to write, problems, statuses.

    With ``check``, the cells also go through ``plan_values`` (scope, kind and range
    checks), and the problems it finds are put next to their fields.
    """
    definition = criteria_set.to_domain()
    as_of = period.observed_on
    entered = [i for i in definition.indicators if i.kind is not IndicatorKind.AGGREGATE]
    in_force = values_in_force([unit.pk], [i.key for i in entered], as_of)
    inputs = _field_inputs(unit, entered, in_force, as_of, data, files)

    cells = [r.cell for r in inputs.reads.values() if r.cell is not None and not r.problems]
    plan = plan_values(cells, user=user) if check and cells else (ValuePlan() if check else None)
    refused = {p.indicator_key for p in plan.problems} if plan else set()
    shown = [c for c in cells if c.indicator_key not in refused]
    evaluation = evaluate_with_cells(criteria_set, [unit], as_of, shown)
    report = evaluation.unit_report(unit.pk)
    evidence = _evidence_by_key(unit, entered, in_force, as_of)
    blocks = _blocks(
        unit, definition, report, inputs, in_force, evidence, as_of, posted=data is not None
    )

    form = EntryForm(
        unit=unit,
        criteria_set=criteria_set,
        period=period,
        blocks=blocks,
        met=report["met"],
        total=report["total"],
        submission=Submission.objects.filter(
            unit=unit, set_id=criteria_set.set_id, period=period.label
        )
        .select_related("submitted_by", "updated_by")
        .first(),
        cells=cells,
        uploads=inputs.uploads,
        plan=plan,
    )
    if plan is not None:
        form.add_problems(plan.problems)
    return form


def _field_inputs(
    unit: AdminUnit,
    entered: Sequence[IndicatorDef],
    in_force: dict[tuple[int, str], IndicatorValue],
    as_of: date,
    data: QueryDict | None,
    files: MultiValueDict | None,
) -> _FieldInputs:
    """Each entered indicator's text: as stored (no data), or as posted, read into a cell
    against the value the page showed, with its files checked."""
    inputs = _FieldInputs()
    if data is not None:
        inputs.bases = posted_bases(
            data, {i.key: field_names(slug_of(i.code))["base"] for i in entered}
        )
    shown = base_rows(list(inputs.bases.values()))
    for indicator in entered:
        row = in_force.get((unit.pk, indicator.key))
        if data is None:
            own = row is not None and row.observed_on == as_of
            inputs.raws[indicator.key] = raw_from_stored(indicator, row, provenance=own)
            continue
        raw = raw_from_data(data, slug_of(indicator.code))
        checked, file_problems = _uploads(files, indicator, unit, as_of)
        base = inputs.bases.get(indicator.key)
        read = read_cell(
            indicator,
            raw,
            unit_id=unit.pk,
            observed_on=as_of,
            in_force=shown_row(base, shown, row),
            where=_("Chỉ tiêu %(code)s") % {"code": indicator.code},
            has_files=bool(checked or file_problems),
        )
        if read.cell is not None:
            read.cell = replace(read.cell, base=base)
        read.problems.extend(file_problems)
        inputs.raws[indicator.key], inputs.reads[indicator.key] = raw, read
        if read.problems or not checked:
            continue
        if read.cell is None and row is not None:
            # Files for a value kept as it is go with that value, on its own day.
            checked = [replace(c, observed_on=row.observed_on) for c in checked]
        inputs.uploads.extend(checked)
    return inputs


def _evidence_by_key(
    unit: AdminUnit,
    entered: Sequence[IndicatorDef],
    in_force: dict[tuple[int, str], IndicatorValue],
    as_of: date,
) -> dict[str, list[EvidenceFile]]:
    """The files of each field: those of the period's day and of the value in force."""
    days = {as_of} | {row.observed_on for row in in_force.values()}
    evidence: dict[str, list[EvidenceFile]] = {}
    for file in evidence_for(unit, [i.key for i in entered], days):
        row = in_force.get((unit.pk, file.key))
        if file.observed_on == as_of or (row is not None and file.observed_on == row.observed_on):
            evidence.setdefault(file.key, []).append(file)
    return evidence


def _blocks(
    unit: AdminUnit,
    definition: CriteriaSetDef,
    report: dict[str, Any],
    inputs: _FieldInputs,
    in_force: dict[tuple[int, str], IndicatorValue],
    evidence: dict[str, list[EvidenceFile]],
    as_of: date,
    *,
    posted: bool,
) -> list[CriterionBlock]:
    """A block per criterion (with its certification) and one for the conditions, each
    with its fields and their results."""

    def make_field(indicator: IndicatorDef, result: dict[str, Any]) -> IndicatorField:
        read = inputs.reads.get(indicator.key)
        row = in_force.get((unit.pk, indicator.key))
        base = inputs.bases.get(indicator.key) if posted else None
        return IndicatorField(
            indicator=indicator,
            raw=inputs.raws.get(indicator.key, RawValue()),
            in_force=in_force.get((unit.pk, indicator.key)),
            result=result,
            problems=list(read.problems) if read else [],
            evidence=evidence.get(indicator.key, []),
            is_written=bool(read and read.cell is not None and not read.problems),
            period_day=as_of,
            base=base.text() if base is not None else Base(row.pk if row else None).text(),
        )

    certifications = _certifications(unit, definition.criteria, as_of)
    blocks = []
    for criterion, result in zip(definition.criteria, report["criteria"], strict=True):
        fields = [
            make_field(indicator, entry)
            for indicator, entry in zip(criterion.indicators, result["indicators"], strict=True)
        ]
        blocks.append(CriterionBlock(criterion, result, fields, certifications.get(criterion.key)))
    if definition.conditions:
        fields = [
            make_field(indicator, entry)
            for indicator, entry in zip(definition.conditions, report["conditions"], strict=True)
        ]
        blocks.append(CriterionBlock(None, {}, fields))
    return blocks
