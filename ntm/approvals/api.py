"""API: approval and locking of a unit's period, the queue, and who verifies which criterion.

The API's authentication (a bearer token or the session; 401 without) and the same checks
as the pages: a unit outside the user's scope is a 404; a role, department or office that
may not take a step is a 403; a step the period's state does not allow is a 409 (``detail`` says why
and what to do); a missing comment or reason, or a bad period, is a 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied
from ntm.approvals import approval
from ntm.approvals.approval import CommentRequired, TransitionRefused
from ntm.approvals.models import Submission
from ntm.approvals.queue import QueueFilter, build_queue
from ntm.approvals.responsibility import (
    assign_responsibility,
    candidate_departments,
    create_department,
    responsible_under,
    set_department_sector,
)
from ntm.audit.services import Actor
from ntm.core.periods import Period, parse_period
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import get_set
from ntm.units.models import AdminUnit, Department
from ntm.values.concurrency import WriteConflict
from ntm.values.validation import AssessmentError

router = Router()


class Message(Schema):
    detail: str


class PeriodIn(Schema):
    set: str = Field(..., examples=["hatinh-commune-ntm"])
    period: str = Field(..., description="2024, 2024-H1, 2024-Q3, 2024-06 or 2021-09-25.")
    comment: str = Field("", max_length=2000, description="Kept with the step and audited.")


class VerifyIn(PeriodIn):
    criteria: list[str] | None = Field(
        None,
        description="Criterion numbers; null: every criterion waiting for you. The office "
        "verifying for a department must give a comment (e.g. the department's letter).",
    )


class UnlockIn(Schema):
    set: str
    period: str
    reason: str = Field(..., max_length=2000, description="Required: why approved figures change.")


class CriterionOut(Schema):
    number: str
    key: str
    name: str
    department: str | None = Field(None, description="None: the coordination office verifies.")
    department_id: int | None
    verified: bool
    verified_by: str | None
    verified_at: dt.datetime | None
    on_behalf: bool = Field(False, description="Verified by the office for the department.")
    comment: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    by: str
    department: str | None
    at: dt.datetime
    comment: str
    data: dict[str, Any]


class ApprovalOut(Schema):
    unit_id: int
    unit: str
    set: str
    period: str
    observed_on: dt.date
    status: str = Field(..., description="none, draft, submitted, verified, approved or locked")
    status_label: str
    since: dt.datetime | None
    set_version: int | None
    submitted_by: str | None
    submitted_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    locked_by: str | None
    locked_at: dt.datetime | None
    approver: str = Field(..., description="Who approves, locks and unlocks this unit's periods.")
    criteria: list[CriterionOut]
    history: list[EventOut]
    actions: list[str] = Field(..., description="Steps you may take now.")
    you_may_verify: list[str] = Field(..., description="Criterion numbers you may verify now.")


class QueueItemOut(Schema):
    kind: str
    unit_id: int
    unit: str
    set: str
    period: str
    status: str
    since: dt.datetime
    age_days: int
    criteria: list[str]
    comment: str


class QueueOut(Schema):
    counts: dict[str, int]
    criteria_to_verify: int
    truncated: bool
    items: list[QueueItemOut]


class ResponsibilityOut(Schema):
    number: str
    key: str
    name: str
    sector: str | None
    department_id: int | None
    department: str | None
    assigned: bool = Field(..., description="Assigned by an office (else the sector default).")


class ResponsibilitiesOut(Schema):
    unit_id: int
    set: str
    set_version: int
    criteria: list[ResponsibilityOut]
    departments: list[dict[str, Any]]


class AssignIn(Schema):
    set: str
    criterion: str = Field(..., description="Criterion number, e.g. 2.")
    department_id: int | None = Field(None, description="None: back to the sector default.")


class DepartmentIn(Schema):
    name: str = Field(..., max_length=200)
    short_name: str = Field("", max_length=50)
    sector: str = Field("", description="A sector code of sectors.yaml, e.g. transport.")


class SectorIn(Schema):
    sector: str = Field(..., description="A sector code, or empty for none.")


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    unit_id: int
    sector: str


# --------------------------------------------------------------------------- helpers


def _submission(unit: AdminUnit, set_id: str, period: str) -> Submission:
    found = approval.find_submission(unit, set_id, parse_period(period))
    if found is None:
        raise HttpError(
            404, f"{unit.name} has no entry for {set_id} and period {period}: nothing to act on."
        )
    return found


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def _state(request: HttpRequest, unit: AdminUnit, set_id: str, period: Period) -> dict:
    submission = approval.find_submission(unit, set_id, period)
    rows = approval.current_round(submission) if submission is not None else []
    allowed = approval.allowed_actions(request.user, unit, submission, rows)
    names = {}
    versions = CriteriaSet.objects.filter(set_id=set_id)
    if submission is not None and submission.set_version is not None:
        versions = versions.filter(version=submission.set_version)
    stored = versions.order_by("-version").first()
    if stored is not None:
        names = {c.key: c.name_vi for c in stored.to_domain().criteria}
    events = (
        list(submission.events.select_related("department").order_by("at", "id"))
        if submission is not None
        else []
    )
    status = submission.status if submission is not None else "none"
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "set": set_id,
        "period": period.label,
        "observed_on": period.observed_on,
        "status": status,
        "status_label": approval.status_label(status) if submission is not None else "",
        "since": submission.status_changed_at if submission else None,
        "set_version": submission.set_version if submission else None,
        "submitted_by": _username(submission.submitted_by) if submission else None,
        "submitted_at": submission.submitted_at if submission else None,
        "approved_by": _username(submission.approved_by) if submission else None,
        "approved_at": submission.approved_at if submission else None,
        "locked_by": _username(submission.locked_by) if submission else None,
        "locked_at": submission.locked_at if submission else None,
        "approver": approval.approver_text(unit),
        "criteria": [
            {
                "number": r.number,
                "key": r.criterion_key,
                "name": names.get(r.criterion_key, ""),
                "department": r.department.name if r.department else None,
                "department_id": r.department_id,
                "verified": r.is_verified,
                "verified_by": _username(r.verified_by),
                "verified_at": r.verified_at,
                "on_behalf": r.on_behalf,
                "comment": r.comment,
            }
            for r in rows
        ],
        "history": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "by": e.actor_name,
                "department": e.department.name if e.department else None,
                "at": e.at,
                "comment": e.comment,
                "data": e.data,
            }
            for e in events
        ],
        "actions": allowed.names,
        "you_may_verify": [r.number for r in allowed.verify],
    }


def _step(request: HttpRequest, unit: AdminUnit, set_id: str, period: str, run) -> Status:
    """Run a step; the state after it (200) or the refusal with its status code."""
    try:
        run()
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except CommentRequired as missing:
        return Status(422, {"detail": str(missing)})
    except (TransitionRefused, WriteConflict) as refused:
        return Status(409, {"detail": str(refused)})
    except AssessmentError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, _state(request, unit, set_id, parse_period(period)))


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")


STEP_RESPONSES = {200: ApprovalOut, 403: Message, 404: Message, 409: Message, 422: Message}


# --------------------------------------------------------------------------- queue


@router.get("/queue", response=QueueOut, summary="What waits for your action, oldest first")
def queue(
    request: HttpRequest, kind: str = "", set: str = "", q: str = "", below: bool = False
) -> dict[str, Any]:
    """Criteria to verify (verifier; the office's own criteria), periods to approve and to
    lock (office: units directly below it, or every unit under it with ``below``), periods
    returned or unlocked (data entry). Counts are of periods; ``criteria_to_verify`` counts
    criteria."""
    found = build_queue(request.user, QueueFilter(kind=kind, set_id=set, query=q, below=below))
    now = timezone.now()
    return {
        "counts": {k.value: n for k, n in found.counts.items()},
        "criteria_to_verify": found.criteria_count,
        "truncated": found.truncated,
        "items": [
            {
                "kind": item.kind.value,
                "unit_id": item.submission.unit_id,
                "unit": item.unit.name,
                "set": item.submission.set_id,
                "period": item.submission.period,
                "status": item.submission.status,
                "since": item.since,
                "age_days": (now - item.since).days,
                "criteria": [r.number for r in item.criteria],
                "comment": item.comment,
            }
            for item in found.items
        ],
    }


# --------------------------------------------------------------------------- responsibilities


def _office(request: HttpRequest, unit_id: int) -> AdminUnit:
    return api_visible_unit(request, unit_id)


@router.get(
    "/responsibilities/{unit_id}",
    response={200: ResponsibilitiesOut, 404: Message},
    summary="The department verifying each criterion of a set for the units under an office",
)
def responsibilities(request: HttpRequest, unit_id: Id, set: str) -> dict[str, Any]:
    office = _office(request, unit_id)
    stored = get_set(set)
    definition = stored.to_domain()
    resolved = responsible_under(office, definition)
    return {
        "unit_id": office.pk,
        "set": stored.set_id,
        "set_version": stored.version,
        "criteria": [
            {
                "number": c.number,
                "key": c.key,
                "name": c.name_vi,
                "sector": resolved[c.key].sector.code if resolved[c.key].sector else None,
                "department_id": resolved[c.key].department.pk
                if resolved[c.key].department
                else None,
                "department": resolved[c.key].department.name
                if resolved[c.key].department
                else None,
                "assigned": resolved[c.key].is_assigned,
            }
            for c in definition.criteria
        ],
        "departments": [
            {"id": d.pk, "name": d.name, "unit_id": d.unit_id, "sector": d.sector}
            for d in candidate_departments(office)
        ],
    }


@router.put(
    "/responsibilities/{unit_id}",
    response={200: ResponsibilitiesOut, 403: Message, 404: Message, 422: Message},
    summary="Assign a criterion to a department for the units under an office",
)
def assign(request: HttpRequest, unit_id: Id, payload: AssignIn):
    office = _office(request, unit_id)
    stored = get_set(payload.set)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            return Status(422, {"detail": f"No department {payload.department_id}."})
    try:
        assign_responsibility(
            office=office,
            definition=stored.to_domain(),
            number=payload.criterion,
            department=department,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except AssessmentError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, responsibilities(request, unit_id, payload.set))


@router.post(
    "/departments/{unit_id}",
    response={201: DepartmentOut, 403: Message, 404: Message, 422: Message},
    summary="Add a department (sở, ngành) to an office, with the sector it covers",
)
def add_department(request: HttpRequest, unit_id: Id, payload: DepartmentIn):
    office = _office(request, unit_id)
    try:
        department = create_department(
            office=office,
            name=payload.name,
            short_name=payload.short_name,
            sector=payload.sector,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except AssessmentError as error:
        return Status(422, {"detail": str(error)})
    return Status(201, _department(department))


@router.patch(
    "/departments/{unit_id}/{department_id}",
    response={200: DepartmentOut, 403: Message, 404: Message, 422: Message},
    summary="Change the sector a department covers; its criteria follow",
)
def change_sector(request: HttpRequest, unit_id: Id, department_id: Id, payload: SectorIn):
    office = _office(request, unit_id)
    department = Department.objects.filter(pk=department_id, unit=office).first()
    if department is None:
        raise HttpError(404, f"No department {department_id} in {office.name}.")
    try:
        set_department_sector(department=department, sector=payload.sector, actor=_actor(request))
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except AssessmentError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, _department(department))


def _department(department: Department) -> dict[str, Any]:
    return {
        "id": department.pk,
        "name": department.name,
        "short_name": department.short_name,
        "unit_id": department.unit_id,
        "sector": department.sector,
    }


# --------------------------------------------------------------------------- a period


@router.get(
    "/{unit_id}",
    response={200: ApprovalOut, 404: Message, 422: Message},
    summary="A period's approval state, criteria verifications, history and your steps",
)
def state(request: HttpRequest, unit_id: Id, set: str, period: str) -> dict[str, Any]:
    unit = api_visible_unit(request, unit_id)
    return _state(request, unit, get_set(set).set_id, parse_period(period))


@router.post("/{unit_id}/submit", response=STEP_RESPONSES, summary="Submit a draft period (unit)")
def submit(request: HttpRequest, unit_id: Id, payload: PeriodIn):
    unit = api_visible_unit(request, unit_id)
    stored = get_set(payload.set)
    when = parse_period(payload.period)
    return _step(
        request,
        unit,
        stored.set_id,
        payload.period,
        lambda: approval.submit_period(
            unit=unit,
            criteria_set=stored,
            period=when,
            actor=_actor(request),
            comment=payload.comment,
        ),
    )


@router.post(
    "/{unit_id}/withdraw",
    response=STEP_RESPONSES,
    summary="Take a submitted period back to draft before any criterion is verified (unit)",
)
def withdraw(request: HttpRequest, unit_id: Id, payload: PeriodIn):
    unit = api_visible_unit(request, unit_id)
    submission = _submission(unit, payload.set, payload.period)
    return _step(
        request,
        unit,
        payload.set,
        payload.period,
        lambda: approval.withdraw_submission(
            submission=submission, actor=_actor(request), comment=payload.comment
        ),
    )


@router.post(
    "/{unit_id}/verify",
    response=STEP_RESPONSES,
    summary="Verify criteria of a submitted period (their department, or the office)",
)
def verify(request: HttpRequest, unit_id: Id, payload: VerifyIn):
    unit = api_visible_unit(request, unit_id)
    submission = _submission(unit, payload.set, payload.period)
    return _step(
        request,
        unit,
        payload.set,
        payload.period,
        lambda: approval.verify_criteria(
            submission=submission,
            numbers=payload.criteria,
            actor=_actor(request),
            comment=payload.comment,
        ),
    )


def _commented_step(request: HttpRequest, unit_id: int, payload: PeriodIn, service):
    """A step that takes the period and a comment (return, approve, lock)."""
    unit = api_visible_unit(request, unit_id)
    submission = _submission(unit, payload.set, payload.period)
    return _step(
        request,
        unit,
        payload.set,
        payload.period,
        lambda: service(submission=submission, actor=_actor(request), comment=payload.comment),
    )


@router.post(
    "/{unit_id}/return",
    response=STEP_RESPONSES,
    summary="Return a period to draft with a comment (a verifier of it, or the office)",
)
def give_back(request: HttpRequest, unit_id: Id, payload: PeriodIn):
    return _commented_step(request, unit_id, payload, approval.return_submission)


@router.post(
    "/{unit_id}/approve",
    response=STEP_RESPONSES,
    summary="Approve a verified period (the coordination office above the unit)",
)
def approve(request: HttpRequest, unit_id: Id, payload: PeriodIn):
    return _commented_step(request, unit_id, payload, approval.approve_submission)


@router.post(
    "/{unit_id}/lock",
    response=STEP_RESPONSES,
    summary="Lock an approved period: nothing of it changes until unlocked",
)
def lock(request: HttpRequest, unit_id: Id, payload: PeriodIn):
    return _commented_step(request, unit_id, payload, approval.lock_submission)


@router.post(
    "/{unit_id}/unlock",
    response=STEP_RESPONSES,
    summary="Unlock a period with a reason; it returns to draft",
)
def unlock(request: HttpRequest, unit_id: Id, payload: UnlockIn):
    unit = api_visible_unit(request, unit_id)
    submission = _submission(unit, payload.set, payload.period)
    return _step(
        request,
        unit,
        payload.set,
        payload.period,
        lambda: approval.unlock_submission(
            submission=submission, actor=_actor(request), reason=payload.reason
        ),
    )
