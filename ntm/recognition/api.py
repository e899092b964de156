"""API of the recognition workflow (Decision 18/2022/QĐ-TTg): every step of a case, its
documents and conditions, monitoring after recognition, re-acknowledgements of communes
merged in 2025 and the province's procedure settings.

The same rules as the pages: a unit outside the user's scope is a 404; a role or level
that may not take a step is a 403 with the reason; a step refused for its content or its
order is a 422 listing every problem (a refused decision lists each failing condition),
and nothing is written. Every write is audited with the channel "api".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id, Offset, Year
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.recognition import services
from ntm.recognition.conditions import ConditionsReport
from ntm.recognition.models import CaseDocument, Recognition, RecognitionCase
from ntm.recognition.monitoring import MONITORING_FLAGS, monitor
from ntm.recognition.procedure import setting_defs
from ntm.recognition.selectors import (
    WAITING_STAGES,
    awaiting_reacknowledgement,
    cases_in_scope,
    filter_cases,
    settings_in_force,
    waiting_for,
)
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed
from ntm.units.models import AdminUnit
from ntm.units.selectors import default_as_of

router = Router()

StageName = Literal[
    "self_assessment",
    "dossier",
    "verification",
    "appraisal",
    "decision",
    "announcement",
    "monitoring",
    "revocation",
    "revoked",
    "withdrawn",
]
TierName = Literal["standard", "advanced", "model"]


class Message(Schema):
    detail: str


class ConditionOut(Schema):
    code: str = Field(..., examples=["C2"])
    name: str
    state: Literal["met", "not_met", "missing", "needs_setting"]
    reasons: list[str]
    summary: str


class ConditionsOut(Schema):
    on: dt.date
    all_met: bool
    checks: list[ConditionOut]


class Refusal(Schema):
    detail: str
    problems: list[str] = Field(..., description="Every reason, in Vietnamese.")
    conditions: ConditionsOut | None = Field(
        None, description="For a refused decision: the four conditions on its date."
    )


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str


class RecognitionOut(Schema):
    id: int
    tier: str
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str


class RevocationOut(Schema):
    decision_number: str
    decision_date: dt.date
    issuer: str
    reason: str


class EventOut(Schema):
    action: str
    from_stage: str
    to_stage: str
    at: dt.datetime
    actor: str
    comment: str
    details: dict[str, Any]


class DocumentOut(Schema):
    id: int
    kind: str
    stage: str
    number: str
    issued_on: dt.date | None
    name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: dt.datetime
    url: str = Field(..., description="Served only to users whose scope holds the unit.")


class CaseOut(Schema):
    id: int
    unit: UnitRef
    tier: str
    year: int
    set: str
    stage: StageName
    stage_since: dt.datetime
    waiting_for: Literal["commune", "district", "province"] | None = Field(
        None, description="The level the case waits for (None in monitoring and when closed)."
    )
    registered_on: dt.date | None
    assessed_on: dt.date | None
    assessed_met: int | None
    assessed_total: int | None
    satisfaction_percent: Decimal | None
    satisfaction_on: dt.date | None
    has_construction_debt: bool | None
    is_security_complicated: bool | None
    security_confirmed_by: str
    is_verification_skipped: bool
    verified_on: dt.date | None
    verification_number: str
    appraised_on: dt.date | None
    appraisal_number: str
    council_name: str
    council_members: int | None
    votes_for: int | None
    recognition: RecognitionOut | None
    announced_on: dt.date | None
    announced_where: str
    revocation: RevocationOut | None
    is_demo: bool


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    documents: list[DocumentOut]


class RegisterIn(Schema):
    unit_id: int
    tier: TierName
    year: int = Field(..., ge=2010, le=2100)
    registered_on: dt.date | None = None
    comment: str = ""


class CommentIn(Schema):
    comment: str = ""


class SelfAssessmentIn(Schema):
    assessed_on: dt.date
    comment: str = ""


class DeclarationIn(Schema):
    satisfaction_percent: Decimal | None = Field(None, ge=0, le=100)
    satisfaction_on: dt.date | None = None
    has_construction_debt: bool | None = None
    debt_declared_on: dt.date | None = None
    is_security_complicated: bool | None = None
    security_confirmed_by: str = ""
    security_confirmed_on: dt.date | None = None
    comment: str = ""


class VerifyIn(Schema):
    verified_on: dt.date
    report_number: str
    comment: str = ""


class AppraiseIn(Schema):
    appraised_on: dt.date
    report_number: str
    council_name: str
    council_members: int = Field(..., ge=1)
    votes_for: int = Field(..., ge=0)
    comment: str = ""


class DecideIn(Schema):
    decision_number: str = Field(..., examples=["1234/QĐ-UBND"])
    decision_date: dt.date
    signer: str
    issuer: str
    comment: str = ""


class AnnounceIn(Schema):
    announced_on: dt.date
    where: str
    comment: str = ""


class RevokeIn(Schema):
    decision_number: str
    decision_date: dt.date
    issuer: str
    reason: str


class ReturnIn(Schema):
    to_stage: StageName
    comment: str


class RemoveIn(Schema):
    reason: str = ""


class OpenRevocationIn(Schema):
    recognition_id: int
    comment: str


class MonitoringRowOut(Schema):
    unit: UnitRef
    recognition: RecognitionOut
    set: str | None
    met: int
    total: int
    failed: list[str]
    key_failed: list[str]
    missing: int
    not_evaluable: int
    failed_share: float
    flag: Literal["due", "close", "no_data", "ok"]
    case_id: int | None


class MonitoringOut(Schema):
    as_of: dt.date
    recognized: int
    due: int
    close: int
    no_data: int
    ok: int
    rows: list[MonitoringRowOut]


class AwaitingOut(Schema):
    unit: UnitRef
    predecessors: list[UnitRef]
    recognitions: list[RecognitionOut]
    recognized_predecessors: int
    acknowledged: list[RecognitionOut]


class ReacknowledgeIn(Schema):
    unit_id: int
    tier: TierName
    recognition_ids: list[int]
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str = ""
    note: str = ""


class ReacknowledgementOut(Schema):
    id: int
    unit: UnitRef
    tier: str
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str
    acknowledged: list[int]
    recognition_id: int


class SettingOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None = Field(None, description="None: not set (cần xác nhận).")
    is_legal: bool = Field(..., description="Needs the number of the document that sets it.")
    is_default: bool
    decision_number: str
    decision_date: dt.date | None


class SettingIn(Schema):
    province_id: int
    key: str = Field(..., examples=["satisfaction_min_percent", "deadline_days.appraisal"])
    value: float
    decision_date: dt.date
    decision_number: str = ""
    issuer: str = ""
    note: str = ""


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


# --------------------------------------------------------------------------- cases


@router.get("/cases", response=list[CaseOut], summary="Cases in your scope, oldest waiting first")
def list_cases(
    request: HttpRequest,
    stage: StageName | None = None,
    tier: TierName | None = None,
    year: Year | None = None,
    unit_id: Id | None = None,
    limit: int = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Without `stage`, the cases waiting for someone (not in monitoring, not closed)."""
    cases = filter_cases(
        cases_in_scope(scope_of(request.user)),
        stage=stage or "",
        tier=tier or "",
        year=year,
        unit_id=unit_id,
    ).select_related("registration", "recognition__revocation")
    if not stage:
        cases = cases.filter(stage__in=WAITING_STAGES)
    limit = max(1, min(limit, 500))
    rows = cases.order_by("stage_since", "id")[max(offset, 0) : max(offset, 0) + limit]
    return [_case_out(c) for c in rows]


@router.post(
    "/cases",
    response={201: CaseDetailOut, 403: Message, 404: Message, 422: Refusal},
    summary="Register a commune for a tier in a year (opens a case)",
)
def register_case(request: HttpRequest, payload: RegisterIn) -> Any:
    unit = api_visible_unit(request, payload.unit_id)
    try:
        case = services.register_case(
            unit=unit,
            tier=payload.tier,
            year=payload.year,
            registered_on=payload.registered_on,
            comment=payload.comment,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(201, _detail(case.pk))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, 404: Message}, summary="One case")
def get_case(request: HttpRequest, case_id: Id) -> Any:
    _case(request, case_id)
    return Status(200, _detail(case_id))


@router.get(
    "/cases/{case_id}/conditions",
    response={200: ConditionsOut, 404: Message},
    summary="Conditions C1-C4 of Decision 18/2022 on a date (default today)",
)
def get_conditions(request: HttpRequest, case_id: Id, on: Day | None = None) -> Any:
    case = _case(request, case_id)
    return Status(200, _conditions(services.conditions_for(case, on)))


@router.post(
    "/cases/{case_id}/self-assessment", response=STEP, summary="Complete the self-assessment"
)
def self_assessment(request: HttpRequest, case_id: Id, payload: SelfAssessmentIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.complete_self_assessment(
            case=case, assessed_on=payload.assessed_on, actor=actor, comment=payload.comment
        ),
    )


@router.post(
    "/cases/{case_id}/declarations",
    response=STEP,
    summary="Declare conditions C2-C4 (each needs its document in the dossier)",
)
def declare(request: HttpRequest, case_id: Id, payload: DeclarationIn) -> Any:
    declaration = services.Declaration(
        satisfaction_percent=payload.satisfaction_percent,
        satisfaction_on=payload.satisfaction_on,
        has_construction_debt=payload.has_construction_debt,
        debt_declared_on=payload.debt_declared_on,
        is_security_complicated=payload.is_security_complicated,
        security_confirmed_by=payload.security_confirmed_by,
        security_confirmed_on=payload.security_confirmed_on,
    )
    return _step(
        request,
        case_id,
        lambda case, actor: services.declare_conditions(
            case=case, declaration=declaration, actor=actor, comment=payload.comment
        ),
    )


@router.post(
    "/cases/{case_id}/documents",
    response={201: DocumentOut, 403: Message, 404: Message, 422: Refusal, 507: Message},
    summary="Upload a document (type checked by content, size limited)",
    description="507 when the server cannot store the file (nothing written).",
)
def upload_document(
    request: HttpRequest,
    case_id: Id,
    kind: str = Form(...),  # noqa: B008 - ninja's way of declaring form fields
    number: str = Form(""),  # noqa: B008
    issued_on: dt.date | None = Form(None),  # noqa: B008
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    case = _case(request, case_id)
    try:
        document = services.add_document(
            case=case,
            kind=kind,
            upload=file,
            number=number,
            issued_on=issued_on,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    except StorageFailed as failed:
        return Status(507, {"detail": failed.message})
    return Status(201, _document_out(document))


@router.post(
    "/cases/{case_id}/documents/{document_id}/remove",
    response=STEP,
    summary="Take a document of the current stage off the case",
)
def remove_document(request: HttpRequest, case_id: Id, document_id: Id, payload: RemoveIn) -> Any:
    document = CaseDocument.objects.filter(pk=document_id, case_id=case_id).first()
    if document is None:
        raise HttpError(404, f"No document {document_id} in case {case_id}.")
    return _step(
        request,
        case_id,
        lambda case, actor: services.remove_document(
            document=document, actor=actor, reason=payload.reason
        ),
    )


@router.get(
    "/documents/{document_id}/file",
    response={200: None, 404: Message},
    summary="A case document's file (only in your scope)",
)
def document_file(request: HttpRequest, document_id: Id) -> Any:
    document = CaseDocument.objects.select_related("case").filter(pk=document_id).first()
    if document is None or not scope_of(request.user).allows(document.case.unit_id):
        raise HttpError(404, f"No document {document_id} in your scope.")
    try:
        return file_response(document.file, document.original_name, document.content_type)
    except FileNotFoundError:
        raise HttpError(404, "The file is missing from storage.") from None


@router.post("/cases/{case_id}/submit", response=STEP, summary="Send the dossier up")
def submit(request: HttpRequest, case_id: Id, payload: CommentIn) -> Any:
    """To the district for verification, or straight to the province where the commune has
    no district (after 1 July 2025), which the case records."""
    return _step(
        request,
        case_id,
        lambda case, actor: services.submit_dossier(
            case=case, actor=actor, comment=payload.comment
        ),
    )


@router.post(
    "/cases/{case_id}/verification", response=STEP, summary="District verification (thẩm tra)"
)
def verify(request: HttpRequest, case_id: Id, payload: VerifyIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.verify_case(
            case=case,
            verified_on=payload.verified_on,
            report_number=payload.report_number,
            actor=actor,
            comment=payload.comment,
        ),
    )


@router.post("/cases/{case_id}/appraisal", response=STEP, summary="Province appraisal (thẩm định)")
def appraise(request: HttpRequest, case_id: Id, payload: AppraiseIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.appraise_case(
            case=case,
            appraised_on=payload.appraised_on,
            report_number=payload.report_number,
            council_name=payload.council_name,
            council_members=payload.council_members,
            votes_for=payload.votes_for,
            actor=actor,
            comment=payload.comment,
        ),
    )


@router.post(
    "/cases/{case_id}/decision",
    response=STEP,
    summary="Record the recognition decision (conditions C1-C4 checked on its date)",
)
def decide(request: HttpRequest, case_id: Id, payload: DecideIn) -> Any:
    """Creates the unit's Recognition. Refused (422) with each failing condition in words
    and the four conditions when any fails."""
    return _step(
        request,
        case_id,
        lambda case, actor: services.decide_case(
            case=case,
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            signer=payload.signer,
            issuer=payload.issuer,
            actor=actor,
            comment=payload.comment,
        ),
    )


@router.post(
    "/cases/{case_id}/announcement",
    response=STEP,
    summary="Record the public announcement (the decision then shows on /recognitions/)",
)
def announce(request: HttpRequest, case_id: Id, payload: AnnounceIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.announce_case(
            case=case,
            announced_on=payload.announced_on,
            where=payload.where,
            actor=actor,
            comment=payload.comment,
        ),
    )


@router.post(
    "/cases/{case_id}/revocation/start", response=STEP, summary="Start a revocation review"
)
def start_revocation(request: HttpRequest, case_id: Id, payload: CommentIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.start_revocation(
            case=case, actor=actor, comment=payload.comment
        ),
    )


@router.post(
    "/cases/{case_id}/revocation",
    response=STEP,
    summary="Record the revocation decision (creates the Revocation)",
)
def revoke(request: HttpRequest, case_id: Id, payload: RevokeIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.revoke_case(
            case=case,
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            issuer=payload.issuer,
            reason=payload.reason,
            actor=actor,
        ),
    )


@router.post(
    "/cases/{case_id}/return", response=STEP, summary="Return a case to an earlier stage (comment)"
)
def return_case(request: HttpRequest, case_id: Id, payload: ReturnIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.return_case(
            case=case, to_stage=payload.to_stage, actor=actor, comment=payload.comment
        ),
    )


@router.post("/cases/{case_id}/withdraw", response=STEP, summary="Withdraw a case (comment)")
def withdraw(request: HttpRequest, case_id: Id, payload: CommentIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.withdraw_case(case=case, actor=actor, comment=payload.comment),
    )


@router.post(
    "/revocations",
    response={200: CaseDetailOut, 403: Message, 404: Message, 422: Refusal},
    summary="Start the revocation review of any recognition in force",
)
def open_revocation(request: HttpRequest, payload: OpenRevocationIn) -> Any:
    """Through the recognition's case, or a case opened for it (decisions recorded before
    the workflow)."""
    recognition = Recognition.objects.filter(pk=payload.recognition_id).first()
    if recognition is None or not scope_of(request.user).allows(recognition.unit_id):
        raise HttpError(404, f"No recognition {payload.recognition_id} in your scope.")
    try:
        case = services.open_revocation_case(
            recognition=recognition, actor=_actor(request), comment=payload.comment
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(200, _detail(case.pk))


# --------------------------------------------------------------------------- monitoring


@router.get(
    "/monitoring",
    response={200: MonitoringOut, 404: Message, 422: Message},
    summary="Recognized communes meeting the revocation rule of 18/2022 or close to it",
)
def monitoring(
    request: HttpRequest,
    unit_id: Id | None = None,
    as_of: Day | None = None,
    show: Literal["flagged", "due", "close", "no_data", "ok", "all"] = "flagged",
) -> Any:
    """For a unit and below (default: your unit), computed from the data on the date
    (default: today, or the unit's last day). "close" is the province's warning band."""
    scope = scope_of(request.user)
    unit_id = unit_id or scope.root_id
    root = api_visible_unit(request, unit_id) if unit_id else None
    if root is None:
        raise HttpError(422, "Give unit_id: a province, district or commune in your scope.")
    day = as_of or (default_as_of(root) if root is not None else timezone.localdate())
    report = monitor(root, scope=scope, as_of=day)
    return Status(
        200,
        {
            "as_of": day,
            "recognized": report.recognized,
            **{flag: report.count(flag) for flag in MONITORING_FLAGS},
            "rows": [
                {
                    "unit": _unit_ref(r.unit),
                    "recognition": _recognition(r.recognition),
                    "set": r.criteria_set.label if r.criteria_set else None,
                    "met": r.met,
                    "total": r.total,
                    "failed": r.failed,
                    "key_failed": r.key_failed,
                    "missing": r.missing,
                    "not_evaluable": r.not_evaluable,
                    "failed_share": round(r.failed_share, 4),
                    "flag": r.flag,
                    "case_id": r.case.pk if r.case else None,
                }
                for r in report.flagged(show)
            ],
        },
    )


# --------------------------------------------------------------------------- re-acknowledgement


@router.get(
    "/reacknowledgements/pending",
    response={200: list[AwaitingOut], 404: Message},
    summary="Communes formed on 1 July 2025 awaiting re-acknowledgement (thừa nhận)",
)
def pending_reacknowledgements(request: HttpRequest, province_id: Id) -> Any:
    province = api_visible_unit(request, province_id)
    if province.level != "province":
        raise HttpError(404, f"Unit {province_id} is not a province.")
    items = awaiting_reacknowledgement(province, scope_of(request.user))
    return Status(
        200,
        [
            {
                "unit": _unit_ref(item.unit),
                "predecessors": [_unit_ref(p) for p in item.predecessors],
                "recognitions": [
                    _recognition(r) for group in item.recognitions.values() for r in group
                ],
                "recognized_predecessors": item.recognized_count,
                "acknowledged": [_recognition(a.recognition) for a in item.acknowledged],
            }
            for item in items
        ],
    )


@router.post(
    "/reacknowledgements",
    response={201: ReacknowledgementOut, 403: Message, 404: Message, 422: Refusal},
    summary="Record a re-acknowledgement decision for a commune formed in 2025",
)
def reacknowledge(request: HttpRequest, payload: ReacknowledgeIn) -> Any:
    unit = api_visible_unit(request, payload.unit_id)
    try:
        row = services.reacknowledge(
            unit=unit,
            tier=payload.tier,
            recognition_ids=payload.recognition_ids,
            decision_number=payload.decision_number,
            decision_date=payload.decision_date,
            issuer=payload.issuer,
            signer=payload.signer,
            note=payload.note,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(
        201,
        {
            "id": row.pk,
            "unit": _unit_ref(unit),
            "tier": row.tier,
            "decision_number": row.decision_number,
            "decision_date": row.decision_date,
            "issuer": row.issuer,
            "signer": row.signer,
            "acknowledged": sorted(row.acknowledged.values_list("pk", flat=True)),
            "recognition_id": row.recognition_id,
        },
    )


# --------------------------------------------------------------------------- settings


def _settings(province: AdminUnit) -> list[dict[str, Any]]:
    values = settings_in_force([province.pk], timezone.localdate())[province.pk]
    rows = []
    for key, definition in setting_defs().items():
        value = values[key]
        rows.append(
            {
                "key": key,
                "label": str(definition.label),
                "unit": str(definition.unit),
                "value": value.value,
                "is_legal": definition.is_legal,
                "is_default": value.is_default,
                "decision_number": value.row.decision_number if value.row else "",
                "decision_date": value.row.decision_date if value.row else None,
            }
        )
    return rows


@router.get(
    "/settings",
    response={200: list[SettingOut], 404: Message},
    summary="A province's procedure settings in force today",
)
def get_settings(request: HttpRequest, province_id: Id) -> Any:
    province = api_visible_unit(request, province_id)
    if province.level != "province":
        raise HttpError(404, f"Unit {province_id} is not a province.")
    return Status(200, _settings(province))


@router.post(
    "/settings",
    response={200: list[SettingOut], 403: Message, 404: Message, 422: Refusal},
    summary="Set a deadline, the satisfaction level or the monitoring band, with its document",
)
def set_setting(request: HttpRequest, payload: SettingIn) -> Any:
    province = api_visible_unit(request, payload.province_id)
    try:
        services.set_procedure_setting(
            province=province,
            key=payload.key,
            value=payload.value,
            decision_date=payload.decision_date,
            decision_number=payload.decision_number,
            issuer=payload.issuer,
            note=payload.note,
            actor=_actor(request),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except services.CaseRefused as refused:
        return Status(422, {"detail": " ".join(refused.problems), "problems": refused.problems})
    return Status(200, _settings(province))
