"""Recognition API: cases, their documents and every step of the procedure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id, Offset, Year
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.recognition import services
from ntm.recognition.api.common import (
    STEP,
    _actor,
    _case,
    _case_out,
    _conditions,
    _detail,
    _document_out,
    _step,
    router,
)
from ntm.recognition.api.schemas import (
    AnnounceIn,
    AppraiseIn,
    CaseDetailOut,
    CaseOut,
    CommentIn,
    ConditionsOut,
    DecideIn,
    DeclarationIn,
    DocumentOut,
    Message,
    OpenRevocationIn,
    Refusal,
    RegisterIn,
    RemoveIn,
    ReturnIn,
    RevokeIn,
    SelfAssessmentIn,
    StageName,
    TierName,
    VerifyIn,
)
from ntm.recognition.models import CaseDocument, Recognition
from ntm.recognition.selectors import (
    WAITING_STAGES,
    cases_in_scope,
    filter_cases,
)
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed

# --------------------------------------------------------------------------- cases


@router.get(
    "/cases",
    response=list[CaseOut],
    summary="Cases in your scope, oldest waiting first",
    operation_id="ntm_recognition_api_list_cases",
)
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
    operation_id="ntm_recognition_api_register_case",
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


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 404: Message},
    summary="One case",
    operation_id="ntm_recognition_api_get_case",
)
def get_case(request: HttpRequest, case_id: Id) -> Any:
    _case(request, case_id)
    return Status(200, _detail(case_id))


@router.get(
    "/cases/{case_id}/conditions",
    response={200: ConditionsOut, 404: Message},
    summary="Conditions C1-C4 of Decision 18/2022 on a date (default today)",
    operation_id="ntm_recognition_api_get_conditions",
)
def get_conditions(request: HttpRequest, case_id: Id, on: Day | None = None) -> Any:
    case = _case(request, case_id)
    return Status(200, _conditions(services.conditions_for(case, on)))


@router.post(
    "/cases/{case_id}/self-assessment",
    response=STEP,
    summary="Complete the self-assessment",
    operation_id="ntm_recognition_api_self_assessment",
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
    operation_id="ntm_recognition_api_declare",
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
    operation_id="ntm_recognition_api_upload_document",
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
    operation_id="ntm_recognition_api_remove_document",
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
    operation_id="ntm_recognition_api_document_file",
)
def document_file(request: HttpRequest, document_id: Id) -> Any:
    document = CaseDocument.objects.select_related("case").filter(pk=document_id).first()
    if document is None or not scope_of(request.user).allows(document.case.unit_id):
        raise HttpError(404, f"No document {document_id} in your scope.")
    try:
        return file_response(document.file, document.original_name, document.content_type)
    except FileNotFoundError:
        raise HttpError(404, "The file is missing from storage.") from None


@router.post(
    "/cases/{case_id}/submit",
    response=STEP,
    summary="Send the dossier up",
    operation_id="ntm_recognition_api_submit",
)
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
    "/cases/{case_id}/verification",
    response=STEP,
    summary="District verification (thẩm tra)",
    operation_id="ntm_recognition_api_verify",
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


@router.post(
    "/cases/{case_id}/appraisal",
    response=STEP,
    summary="Province appraisal (thẩm định)",
    operation_id="ntm_recognition_api_appraise",
)
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
    operation_id="ntm_recognition_api_decide",
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
    operation_id="ntm_recognition_api_announce",
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
    "/cases/{case_id}/revocation/start",
    response=STEP,
    summary="Start a revocation review",
    operation_id="ntm_recognition_api_start_revocation",
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
    operation_id="ntm_recognition_api_revoke",
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
    "/cases/{case_id}/return",
    response=STEP,
    summary="Return a case to an earlier stage (comment)",
    operation_id="ntm_recognition_api_return_case",
)
def return_case(request: HttpRequest, case_id: Id, payload: ReturnIn) -> Any:
    return _step(
        request,
        case_id,
        lambda case, actor: services.return_case(
            case=case, to_stage=payload.to_stage, actor=actor, comment=payload.comment
        ),
    )


@router.post(
    "/cases/{case_id}/withdraw",
    response=STEP,
    summary="Withdraw a case (comment)",
    operation_id="ntm_recognition_api_withdraw",
)
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
    operation_id="ntm_recognition_api_open_revocation",
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
