"""API: whole criteria certified met or not met by a document (``certification``).

A token or the session (the API's default authentication, 401 without). The same checks
as the page: a unit outside the caller's scope is a 404; a caller who may not certify the
criterion (not its department's verifier, not the approving office) is a 403 whose
``detail`` names who may; bad input (no document number, a date in the future or when
the unit did not exist, an unknown criterion, the office without a note) and a period
under review or locked are a 422 with ``problems``. Nothing is written on a refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id
from ntm.accounts.permissions import WriteDenied
from ntm.approvals.freeze import PeriodFrozen
from ntm.audit.services import Actor
from ntm.criteria.selectors import get_set
from ntm.dashboards.evaluation import evaluate_unit
from ntm.units.selectors import default_as_of
from ntm.values.certification import (
    CertificationInvalid,
    certifiable_criteria,
    certify,
    current_certifications,
    responsibilities,
)
from ntm.values.models import CriterionCertification
from ntm.values.validation import AssessmentError

router = Router()


class Message(Schema):
    detail: str


class ProblemOut(Schema):
    field: str = Field("", description="The input at fault (empty: the request as a whole).")
    message: str


class ProblemsOut(Schema):
    detail: str
    problems: list[ProblemOut]


class CertificationOut(Schema):
    id: int
    unit_id: int
    criterion_key: str
    number: str
    is_met: bool
    certified_on: dt.date
    document_number: str
    department_id: int | None
    department: str | None
    note: str
    entered_by: str | None
    entered_at: dt.datetime


class CriterionCertificationOut(Schema):
    number: str
    key: str
    name: str
    status: str = Field(..., description="met, not_met, missing or not_evaluable on the date")
    certified: bool = Field(
        ..., description="The certification in force decides the criterion (no newer value)."
    )
    department_id: int | None = Field(None, description="The department that certifies it.")
    department: str | None = Field(None, description="None: the coordination office does.")
    certification: CertificationOut | None = Field(
        None, description="The certification in force on the date."
    )
    you_may_certify: bool
    note_required: bool = Field(
        False, description="The office certifies for the department: a note is required."
    )


class UnitCertificationsOut(Schema):
    unit_id: int
    unit: str
    set: str
    set_version: int
    date: dt.date
    criteria: list[CriterionCertificationOut]
    you_may_certify: list[str] = Field(..., description="Criterion numbers you may certify.")


class CertifyIn(Schema):
    set: str = Field(..., examples=["hatinh-commune-ntm"])
    criterion_key: str | None = Field(None, examples=["commune-ntm-2021-2025:2"])
    number: str | None = Field(None, description="Instead of criterion_key.", examples=["2"])
    is_met: StrictBool
    certified_on: dt.date = Field(..., description="The document's date; not in the future.")
    document_number: str = Field("", description="Required: the document's number.")
    note: str = Field(
        "", description="Required when the office certifies for the responsible department."
    )


# --------------------------------------------------------------------------- helpers


def _number(key: str) -> str:
    return key.rpartition(":")[2]


def _certification(row: CriterionCertification | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": row.pk,
        "unit_id": row.unit_id,
        "criterion_key": row.criterion_key,
        "number": _number(row.criterion_key),
        "is_met": row.is_met,
        "certified_on": row.certified_on,
        "document_number": row.document_number,
        "department_id": row.department_id,
        "department": row.department.name if row.department_id else None,
        "note": row.note,
        "entered_by": row.entered_by.get_username() if row.entered_by_id else None,
        "entered_at": row.entered_at,
    }


def _problem(message: str, field: str = "") -> Status:
    return Status(422, {"detail": message, "problems": [{"field": field, "message": message}]})


# --------------------------------------------------------------------------- endpoints


@router.get(
    "/{unit_id}",
    response={200: UnitCertificationsOut, 404: Message},
    summary="A unit's criteria with their certification in force and who certifies them",
)
def unit_certifications(
    request: HttpRequest, unit_id: Id, set: str, date: Day | None = None
) -> dict[str, Any]:
    """Every criterion of the set on a date (default: today, or the unit's last day): its
    status by the engine, the certification in force, the department that certifies it,
    and whether you may certify it."""
    unit = api_visible_unit(request, unit_id)
    day = date or default_as_of(unit)
    stored = get_set(set, on=day)
    definition = stored.to_domain()
    responsible = responsibilities(unit, definition)
    mine = {
        c.key: c
        for c in certifiable_criteria(request.user, unit, definition, responsible=responsible)
    }
    results = {c["key"]: c for c in evaluate_unit(unit, stored, day)["criteria"]}
    in_force = current_certifications(unit, [c.key for c in definition.criteria], day)
    criteria = []
    for criterion in definition.criteria:
        department = responsible[criterion.key].department
        result = results.get(criterion.key, {})
        criteria.append(
            {
                "number": criterion.number,
                "key": criterion.key,
                "name": criterion.name_vi,
                "status": result.get("status", ""),
                "certified": bool(result.get("certified")),
                "department_id": department.pk if department else None,
                "department": department.name if department else None,
                "certification": _certification(in_force.get(criterion.key)),
                "you_may_certify": criterion.key in mine,
                "note_required": criterion.key in mine and mine[criterion.key].on_behalf,
            }
        )
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "set": stored.set_id,
        "set_version": stored.version,
        "date": day,
        "criteria": criteria,
        "you_may_certify": [c.number for c in mine.values()],
    }


@router.post(
    "/{unit_id}",
    response={201: CertificationOut, 403: Message, 404: Message, 422: ProblemsOut},
    summary="Certify a whole criterion of a unit met or not met, with its document",
)
def post_certification(request: HttpRequest, unit_id: Id, payload: CertifyIn):
    """The department responsible for the criterion (a verifier in scope) or the approving
    office (with a note when it certifies for the department). A certification on the
    same day replaces the previous one, which stays in the history; audited as
    ``certification.record``."""
    unit = api_visible_unit(request, unit_id)
    stored = get_set(payload.set, on=payload.certified_on)
    wanted = (payload.criterion_key or payload.number or "").strip()
    try:
        row = certify(
            user=request.user,
            unit=unit,
            criteria_set=stored,
            criterion_key=wanted,
            is_met=payload.is_met,
            certified_on=payload.certified_on,
            document_number=payload.document_number,
            note=payload.note,
            actor=Actor.from_request(request, channel="api"),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except PeriodFrozen as frozen:
        return _problem(str(frozen), "certified_on")
    except CertificationInvalid as invalid:
        return _problem(str(invalid), invalid.field)
    except AssessmentError as error:
        return _problem(str(error))
    row = CriterionCertification.objects.select_related("department", "entered_by").get(pk=row.pk)
    return Status(201, _certification(row))
