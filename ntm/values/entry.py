"""Entering a unit's values for a set and a period: the values in force, a preview of the
statuses typed values would give, saving values with their evidence, the submission.

The form, the bulk grid and the API share these; every write goes through
``bulk.apply_values`` (all or nothing, audited) in the same transaction as the evidence
files and the submission row, so a refused value leaves no file and no status behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from django.db import transaction

from ntm.accounts.permissions import ENTRY_ROLES, require_write, role_of
from ntm.approvals import approval
from ntm.approvals.models import Submission, SubmissionStatusChoices
from ntm.audit.services import Actor
from ntm.core.criteria import engine
from ntm.core.criteria.model import IndicatorKind
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import UnitRows, child_aggregates, gather_inputs
from ntm.units.models import AdminUnit
from ntm.values.bulk import CellInput, ValuePlan, apply_values
from ntm.values.concurrency import conflicts_as_refusal, lock_unit_days
from ntm.values.evidence import CheckedUpload, discard_files, store_evidence
from ntm.values.models import EvidenceFile, IndicatorValue
from ntm.values.targets import check_target  # re-exported for the pages


def values_in_force(
    unit_ids: Iterable[int], keys: Iterable[str], on: date
) -> dict[tuple[int, str], IndicatorValue]:
    """The current value of each (unit, key) observed on or before a date, in one query."""
    unit_ids, keys = list(unit_ids), list(keys)
    if not unit_ids or not keys:
        return {}
    found: dict[tuple[int, str], IndicatorValue] = {}
    rows = IndicatorValue.objects.filter(
        unit_id__in=unit_ids, indicator_key__in=keys, observed_on__lte=on, is_current=True
    ).order_by("observed_on", "id")
    for row in rows.select_related("entered_by"):
        found[(row.unit_id, row.indicator_key)] = row
    return found


def evidence_for(unit: AdminUnit, keys: Iterable[str], days: Iterable[date]) -> list[EvidenceFile]:
    """The files kept for a unit's cells (keys × days), oldest first; removed ones left out."""
    return list(
        EvidenceFile.objects.filter(
            unit=unit, key__in=list(keys), observed_on__in=list(days), is_removed=False
        ).order_by("entered_at", "id")
    )


def evaluate_with_cells(
    criteria_set: CriteriaSet,
    units: Sequence[AdminUnit],
    as_of: date,
    cells: Sequence[CellInput] = (),
) -> engine.Evaluation:
    """Evaluate units as if the cells were saved: typed values laid over the stored ones.

    A typed cell is observed on its date (the period's last day), so, like a saved value,
    it is the newest evidence for its criterion and replaces an older certification.
    """
    definition = criteria_set.to_domain()
    unit_rows = UnitRows.from_queryset(units)
    inputs = gather_inputs(definition, unit_rows, as_of)
    kinds = {i.key: i.kind for i in definition.indicators}
    for cell in cells:
        kind = kinds.get(cell.indicator_key)
        if kind is None or kind is IndicatorKind.AGGREGATE or cell.observed_on > as_of:
            continue
        position = int(np.searchsorted(unit_rows.ids, cell.unit_id))
        if position >= len(unit_rows.ids) or unit_rows.ids[position] != cell.unit_id:
            continue
        key = cell.indicator_key
        if kind is IndicatorKind.JUDGEMENT:
            inputs.values[key][position] = np.nan if cell.is_met is None else float(cell.is_met)
        else:
            inputs.values[key][position] = np.nan if cell.value is None else cell.value
        inputs.numerators[key][position] = np.nan if cell.numerator is None else cell.numerator
        inputs.denominators[key][position] = (
            np.nan if cell.denominator is None else cell.denominator
        )
        if inputs.value_days is not None:
            inputs.value_days[key][position] = cell.observed_on.toordinal()
    aggregates = child_aggregates(definition, unit_rows, as_of)
    if aggregates:
        inputs = replace(inputs, values={**inputs.values, **aggregates})
    return engine.evaluate(definition, unit_rows.frame(), inputs, as_of)


@dataclass
class EntryResult:
    """What a save did: the value plan, the files kept, the submission and its change."""

    plan: ValuePlan
    evidence: list[EvidenceFile] = field(default_factory=list)
    submission: Submission | None = None
    status_changed: bool = False


def save_entry(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    cells: Sequence[CellInput],
    uploads: Sequence[CheckedUpload] = (),
    submit: bool = False,
    actor: Actor,
    reason: str = "",
) -> EntryResult:
    """Write the values and files of one unit's entry, and mark it draft or submitted.

    All or nothing: a refused value (``ValuesRefused``) or a refused user (``WriteDenied``)
    leaves no value, no file and no submission change.
    """
    require_write(actor.user, unit, roles=ENTRY_ROLES)
    check_target(unit, criteria_set, period)
    stored: list[EvidenceFile] = []
    try:
        with conflicts_as_refusal(), transaction.atomic():
            lock_unit_days([(unit.pk, period.observed_on)])
            plan = apply_values(cells, actor=actor, reason=reason) if cells else ValuePlan()
            stored = store_evidence(uploads, actor=actor)
            submission, status_changed = record_submission(
                unit=unit,
                criteria_set=criteria_set,
                period=period,
                status=SubmissionStatusChoices.SUBMITTED
                if submit
                else SubmissionStatusChoices.DRAFT,
                actor=actor,
                touched=bool(plan.writes or stored),
            )
    except BaseException:
        discard_files(stored)
        raise
    return EntryResult(plan, stored, submission, status_changed)


def record_submission(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    status: str,
    actor: Actor,
    touched: bool = True,
) -> tuple[Submission | None, bool]:
    """Mark a unit's entry for a set and period draft or submitted; returns it and whether
    the status changed. An untouched draft that does not exist yet is not created.

    Submitting sends a draft upward (``approval.submit_period``); asking for draft takes a
    submitted period back (``approval.withdraw_submission``), which is refused once a
    criterion has been verified. A period further on is refused with the reason.
    """
    require_write(actor.user, unit, roles=ENTRY_ROLES)
    check_target(unit, criteria_set, period)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    with conflicts_as_refusal(), transaction.atomic():
        lock_unit_days([(unit.pk, period.observed_on)])
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .filter(unit=unit, set_id=criteria_set.set_id, period=period.label)
            .select_related("unit__parent", "submitted_by", "approved_by", "locked_by")
            .first()
        )
        if status == SubmissionStatusChoices.SUBMITTED:
            if submission is not None and submission.status == SubmissionStatusChoices.SUBMITTED:
                return submission, False
            submitted = approval.submit_period(
                unit=unit, criteria_set=criteria_set, period=period, actor=actor
            )
            return submitted, True
        if submission is None:
            # A department entering its sector's figures does not open the unit's period.
            if not touched or role_of(actor.user) not in approval.SUBMIT_ROLES:
                return None, False
            created = approval.create_draft(
                unit=unit, set_id=criteria_set.set_id, period=period, actor=actor
            )
            return created, True
        if submission.status == SubmissionStatusChoices.DRAFT:
            if touched:
                submission.updated_by = user
                submission.save(update_fields=["updated_by", "updated_at"])
            return submission, False
        return approval.withdraw_submission(submission=submission, actor=actor), True
