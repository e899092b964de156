"""The recognition API's router and the helpers its topic modules share: a case's
output, loading a case in the user's scope and running one step of it.

The topic modules register their operations on ``router`` in the order
``ntm.recognition.api`` imports them, and name each operation
``ntm_recognition_api_<function>`` so the ids stay those of the former single module.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.recognition import services
from ntm.recognition.api.schemas import (
    CaseDetailOut,
    Message,
    Refusal,
)
from ntm.recognition.conditions import ConditionsReport
from ntm.recognition.models import CaseDocument, Recognition, RecognitionCase
from ntm.recognition.selectors import (
    waiting_for,
)
from ntm.units.models import AdminUnit

router = Router()
# --------------------------------------------------------------------------- helpers


def _unit_ref(unit: AdminUnit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level}


def _recognition(recognition: Recognition | None) -> dict[str, Any] | None:
    if recognition is None:
        return None
    return {
        "id": recognition.pk,
        "tier": recognition.tier,
        "decision_number": recognition.decision_number,
        "decision_date": recognition.decision_date,
        "issuer": recognition.issuer,
        "signer": recognition.signer,
    }


def _case_out(case: RecognitionCase) -> dict[str, Any]:
    recognition = case.recognition
    revocation = getattr(recognition, "revocation", None) if recognition else None
    return {
        "id": case.pk,
        "unit": _unit_ref(case.unit),
        "tier": case.tier,
        "year": case.year,
        "set": case.set_id,
        "stage": case.stage,
        "stage_since": case.stage_since,
        "waiting_for": waiting_for(case.stage) or None,
        "registered_on": case.registration.registered_on if case.registration else None,
        **{
            name: getattr(case, name)
            for name in (
                "assessed_on",
                "assessed_met",
                "assessed_total",
                "satisfaction_percent",
                "satisfaction_on",
                "has_construction_debt",
                "is_security_complicated",
                "security_confirmed_by",
                "is_verification_skipped",
                "verified_on",
                "verification_number",
                "appraised_on",
                "appraisal_number",
                "council_name",
                "council_members",
                "votes_for",
                "announced_on",
                "announced_where",
            )
        },  # fmt: skip
        "recognition": _recognition(recognition),
        "revocation": {
            "decision_number": revocation.decision_number,
            "decision_date": revocation.decision_date,
            "issuer": revocation.issuer,
            "reason": revocation.reason,
        }
        if revocation
        else None,
        "is_demo": case.is_demo,
    }


def _document_out(document: CaseDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "stage": document.stage,
        "number": document.number,
        "issued_on": document.issued_on,
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_by": document.uploaded_by.get_username() if document.uploaded_by else None,
        "uploaded_at": document.uploaded_at,
        "url": f"/api/recognition/documents/{document.pk}/file",
    }


def _detail(case_id: int) -> dict[str, Any]:
    case = _load(case_id)
    return {
        **_case_out(case),
        "events": [
            {
                "action": e.action,
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                "at": e.at,
                "actor": e.actor_name,
                "comment": e.comment,
                "details": e.details,
            }
            for e in case.events.all()
        ],
        "documents": [
            _document_out(d)
            for d in case.documents.select_related("uploaded_by")
            if not d.is_removed
        ],
    }


def _load(case_id: int) -> RecognitionCase:
    case = (
        RecognitionCase.objects.select_related(
            "unit__parent__parent__parent", "recognition__revocation", "registration"
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise HttpError(404, f"No recognition case {case_id}.")
    return case


def _case(request: HttpRequest, case_id: int) -> RecognitionCase:
    case = _load(case_id)
    if not scope_of(request.user).allows(case.unit_id):
        raise HttpError(404, f"No recognition case {case_id} in your scope.")
    return case


def _conditions(report: ConditionsReport) -> dict[str, Any]:
    return {
        "on": report.on,
        "all_met": report.all_met,
        "checks": [
            {
                "code": c.code,
                "name": c.name,
                "state": c.state,
                "reasons": c.reasons,
                "summary": c.summary,
            }
            for c in report.checks
        ],
    }


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")


def _step(request: HttpRequest, case_id: int, call) -> Any:
    """Run one step on a case and answer with the case, or the refusal."""
    case = _case(request, case_id)
    try:
        call(case, _actor(request))
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.DecisionRefused as refused:
        return Status(
            422,
            {
                "detail": refused.problems[0],
                "problems": refused.problems,
                "conditions": _conditions(refused.report),
            },
        )
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(200, _detail(case.pk))


STEP = {200: CaseDetailOut, 403: Message, 404: Message, 422: Refusal}
