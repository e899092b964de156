"""API: indicator values of a unit for a set and period, batches of values, submissions.

Session authentication for now (401 when not signed in). The same checks as the pages:
a unit outside the user's scope is a 404 on reads and a problem on writes, a role that
does not enter data is a 403, a batch with any problem writes nothing (422 with every
problem and where it is). ``dry_run`` returns the plan without writing.

Lost updates: a client that read values (``GET /api/values/{unit}``: each indicator's
``value_id``) sends, with each value it changed, ``expected`` = the value in force it
based its edit on. A value equal to its ``expected`` is unchanged (not written); a value
whose ``expected`` is no longer in force makes the whole batch a 409 that gives, per
cell, the current value, who saved it and when. Two requests colliding on the same cell
at the same moment get a 409 too ("reload and save again"), never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictFloat, StrictInt

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied
from ntm.approvals.models import Submission, SubmissionStatusChoices
from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorKind
from ntm.core.periods import PeriodError, parse_period
from ntm.criteria.selectors import get_set
from ntm.values.bulk import (
    CellInput,
    CellProblem,
    ChangeKind,
    ValuePlan,
    ValuesRefused,
    apply_values,
    plan_values,
    reason_problem,
)
from ntm.values.concurrency import Base, WriteConflict
from ntm.values.entry import (
    check_target,
    evaluate_with_cells,
    record_submission,
    values_in_force,
)
from ntm.values.validation import MAX_NOTE, MAX_REASON, MAX_SOURCE, AssessmentError

router = Router()


class Message(Schema):
    detail: str


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str


class SubmissionOut(Schema):
    unit_id: int
    set: str
    period: str
    observed_on: dt.date
    status: Literal["draft", "submitted"]
    updated_at: dt.datetime
    updated_by: str | None
    submitted_at: dt.datetime | None
    submitted_by: str | None


class IndicatorValueOut(Schema):
    key: str
    code: str
    criterion: str | None = Field(None, description="Criterion number; null for tier conditions.")
    name: str
    kind: str
    unit: str
    status: str = Field(..., description="met, not_met, missing or not_evaluable")
    threshold: float | None
    value: float | None = Field(None, description="Entered number, or the computed aggregate.")
    numerator: float | None
    denominator: float | None
    is_met: bool | None
    value_id: int | None = Field(
        None,
        description="Id of the value in force (null: none); send it back as "
        "`expected.value_id` with an edit of this indicator.",
    )
    observed_on: dt.date | None = Field(None, description="Day the value in force was observed.")
    is_this_period: bool = Field(
        False, description="The value in force was observed on the period's last day."
    )
    source: str
    note: str


class UnitValuesOut(Schema):
    unit: UnitRef
    set: str
    set_version: int
    period: str
    observed_on: dt.date
    met: int
    total: int
    submission: SubmissionOut | None
    indicators: list[IndicatorValueOut]


class ExpectedIn(Schema):
    """The value in force the client based its edit on."""

    value_id: StrictInt | None = Field(
        ...,
        description="The `value_id` the client read for this unit and indicator on this "
        "day (`GET /api/values/{unit_id}`), or null when it read no value in force.",
    )


class ValueIn(Schema):
    unit_id: StrictInt
    indicator_key: str = Field(..., examples=["commune-ntm-2016-2020:10"])
    period: str | None = Field(
        None, description="2024, 2024-H1, 2024-Q3, 2024-06 or 2021-09-25 (its last day)."
    )
    observed_on: dt.date | None = Field(
        None, description="Instead of a period; from 2010-01-01 to the end of next year."
    )
    value: StrictFloat | None = Field(None, description="A JSON number (not a string or bool).")
    numerator: StrictFloat | None = None
    denominator: StrictFloat | None = None
    is_met: StrictBool | None = None
    source: str = Field("", description=f"At most {MAX_SOURCE} characters.")
    note: str = Field("", description=f"At most {MAX_NOTE} characters.")
    expected: ExpectedIn | None = Field(
        None,
        description="Optional precondition against lost updates: the value in force this "
        "edit is based on. Without it the value is written whatever was saved meanwhile; "
        "with it, a value equal to the expected one is left unchanged, and a changed value "
        "whose expected value is no longer in force is refused (409, with the current value, "
        "who saved it and when).",
    )


class BatchIn(Schema):
    values: list[ValueIn]
    dry_run: bool = Field(False, description="Check and return the plan; write nothing.")
    reason: str = Field(
        "",
        description=f"Recorded in the audit trail with every change; at most {MAX_REASON} "
        "characters.",
    )


class ChangeOut(Schema):
    where: str
    unit_id: int
    indicator_key: str
    observed_on: dt.date
    kind: Literal["new", "changed", "unchanged"]


class CurrentOut(Schema):
    """The value in force that made an edit stale."""

    value_id: int | None
    observed_on: dt.date | None
    value: float | None
    numerator: float | None
    denominator: float | None
    is_met: bool | None
    entered_by: str | None
    entered_at: dt.datetime | None


class ProblemOut(Schema):
    where: str
    message: str
    unit_id: int | None
    indicator_key: str
    current: CurrentOut | None = Field(
        None, description="With a stale `expected`: the value in force now, who and when."
    )


class PlanOut(Schema):
    applied: bool
    dry_run: bool
    new: int
    changed: int
    unchanged: int
    changes: list[ChangeOut]
    problems: list[ProblemOut]


class SubmitIn(Schema):
    set: str
    period: str
    status: Literal["submitted", "draft"] = Field(
        "submitted", description="draft takes a submitted period back to draft."
    )


# --------------------------------------------------------------------------- helpers


def _submission(submission: Submission | None) -> dict[str, Any] | None:
    if submission is None:
        return None
    return {
        "unit_id": submission.unit_id,
        "set": submission.set_id,
        "period": submission.period,
        "observed_on": submission.observed_on,
        "status": submission.status,
        "updated_at": submission.updated_at,
        "updated_by": submission.updated_by.get_username() if submission.updated_by else None,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by.get_username() if submission.submitted_by else None,
    }


def _plan(plan: ValuePlan, *, applied: bool, dry_run: bool) -> dict[str, Any]:
    return {
        "applied": applied,
        "dry_run": dry_run,
        "new": plan.count(ChangeKind.NEW),
        "changed": plan.count(ChangeKind.CHANGED),
        "unchanged": plan.count(ChangeKind.UNCHANGED),
        "changes": [
            {
                "where": c.cell.where,
                "unit_id": c.cell.unit_id,
                "indicator_key": c.cell.indicator_key,
                "observed_on": c.cell.observed_on,
                "kind": c.kind.value,
            }
            for c in plan.changes
        ],
        "problems": [
            {
                "where": p.where,
                "message": p.message,
                "unit_id": p.unit_id,
                "indicator_key": p.indicator_key,
                "current": _current(p.conflict),
            }
            for p in plan.problems
        ],
    }


def _current(row) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "value_id": row.pk,
        "observed_on": row.observed_on if row.pk is not None else None,
        "value": row.value,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "is_met": row.is_met,
        "entered_by": row.entered_by.get_username() if row.entered_by_id else None,
        "entered_at": row.entered_at,
    }


def _refusal(plan: ValuePlan, *, dry_run: bool) -> Status:
    """409 when an expected value is stale (someone saved since), else 422."""
    code = 409 if any(p.conflict is not None for p in plan.problems) else 422
    return Status(code, _plan(plan, applied=False, dry_run=dry_run))


# --------------------------------------------------------------------------- endpoints


@router.get(
    "/{unit_id}",
    response={200: UnitValuesOut, 404: Message, 422: Message},
    summary="Values of a unit for a set and period, with the statuses they give",
)
def unit_values(request: HttpRequest, unit_id: Id, set: str, period: str) -> dict[str, Any]:
    """Every indicator of the set with the value in force on the period's last day."""
    unit = api_visible_unit(request, unit_id)
    stored = get_set(set)
    when = parse_period(period)
    definition = stored.to_domain()
    evaluation = evaluate_with_cells(stored, [unit], when.observed_on)
    report = evaluation.unit_report(unit.pk)
    rows = values_in_force([unit.pk], [i.key for i in definition.indicators], when.observed_on)
    criterion_of = {i.key: c.number for c in definition.criteria for i in c.indicators}
    results = {
        entry["key"]: entry
        for entry in [i for c in report["criteria"] for i in c["indicators"]] + report["conditions"]
    }
    indicators = []
    for indicator in definition.indicators:
        row = rows.get((unit.pk, indicator.key))
        result = results[indicator.key]
        computed = indicator.kind is IndicatorKind.AGGREGATE
        indicators.append(
            {
                "key": indicator.key,
                "code": indicator.code,
                "criterion": criterion_of.get(indicator.key),
                "name": indicator.name_vi,
                "kind": indicator.kind.value,
                "unit": indicator.unit,
                "status": result["status"],
                "threshold": result["threshold"],
                "value": result["value"] if computed else (row.value if row else None),
                "numerator": row.numerator if row else None,
                "denominator": row.denominator if row else None,
                "is_met": row.is_met if row else None,
                "value_id": row.pk if row else None,
                "observed_on": row.observed_on if row else None,
                "is_this_period": bool(row and row.observed_on == when.observed_on),
                "source": row.source if row else "",
                "note": row.note if row else "",
            }
        )
    submission = (
        Submission.objects.filter(unit=unit, set_id=stored.set_id, period=when.label)
        .select_related("updated_by", "submitted_by")
        .first()
    )
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level},
        "set": stored.set_id,
        "set_version": stored.version,
        "period": when.label,
        "observed_on": when.observed_on,
        "met": report["met"],
        "total": report["total"],
        "submission": _submission(submission),
        "indicators": indicators,
    }


@router.post(
    "",
    response={200: PlanOut, 403: Message, 409: PlanOut, 422: PlanOut},
    summary="Write a batch of values (all or nothing), or check it with dry_run",
)
def post_values(request: HttpRequest, payload: BatchIn):
    """Each value goes to a unit, an indicator key and a day (a period's last day).

    Unchanged values are skipped, changed ones keep their history, every write is
    audited. 200 with the plan when valid (written unless ``dry_run``); 422 with the
    plan and every problem when any value is refused, and then nothing is written; 409
    when a value's ``expected`` is no longer in force (each such problem gives the
    ``current`` value, who saved it and when) or another request wrote the same cell at
    the same moment: read the values again and resend.
    """
    cells: list[CellInput] = []
    problems: list[CellProblem] = []
    for n, item in enumerate(payload.values):
        where = f"values[{n}]"
        observed_on = item.observed_on
        if item.period:
            try:
                observed_on = parse_period(item.period).observed_on
            except PeriodError as error:
                problems.append(CellProblem(where, str(error), item.unit_id, item.indicator_key))
                continue
        if observed_on is None:
            problems.append(
                CellProblem(
                    where, "Give a period or observed_on.", item.unit_id, item.indicator_key
                )
            )
            continue
        cells.append(
            CellInput(
                unit_id=item.unit_id,
                indicator_key=item.indicator_key,
                observed_on=observed_on,
                value=item.value,
                numerator=item.numerator,
                denominator=item.denominator,
                is_met=item.is_met,
                source=item.source.strip(),
                note=item.note.strip(),
                where=where,
                base=Base(item.expected.value_id) if item.expected is not None else None,
            )
        )
    try:
        plan = plan_values(cells, user=request.user)
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    plan.problems[:0] = problems
    reason = payload.reason.strip()
    refused_reason = reason_problem(reason)
    if refused_reason is not None:
        plan.problems.append(refused_reason)
    if not plan.is_valid:
        return _refusal(plan, dry_run=payload.dry_run)
    if payload.dry_run:
        return Status(200, _plan(plan, applied=False, dry_run=True))
    try:
        plan = apply_values(cells, actor=Actor.from_request(request, channel="api"), reason=reason)
    except ValuesRefused as refused:
        return _refusal(refused.plan, dry_run=False)
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except WriteConflict as conflict:
        return Status(409, {**_plan(ValuePlan(), applied=False, dry_run=False),
                            "problems": [{"where": "", "message": str(conflict), "unit_id": None,
                                          "indicator_key": "", "current": None}]})  # fmt: skip
    return Status(200, _plan(plan, applied=True, dry_run=False))


@router.post(
    "/{unit_id}/submit",
    response={200: SubmissionOut, 403: Message, 404: Message, 409: Message, 422: Message},
    summary="Submit a unit's values for a set and period (or take them back to draft)",
)
def submit_period(request: HttpRequest, unit_id: Id, payload: SubmitIn):
    unit = api_visible_unit(request, unit_id)
    stored = get_set(payload.set)
    when = parse_period(payload.period)
    try:
        check_target(unit, stored, when)
        submission, _changed = record_submission(
            unit=unit,
            criteria_set=stored,
            period=when,
            status=SubmissionStatusChoices(payload.status),
            actor=Actor.from_request(request, channel="api"),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except WriteConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    except AssessmentError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, _submission(submission))
