"""Recognition pages: the steps taken on a case and its documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.recognition import forms, services
from ntm.recognition.models import (
    CaseDocument,
    RecognitionCase,
    Stage,
)
from ntm.recognition.views.case import (
    ACTION_FORMS,
    render_case,
)
from ntm.recognition.views.helpers import (
    _case,
    _forbidden,
)
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed


def _self_assessment(
    case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str
) -> str:
    """The commune's self-assessment, with its count of criteria met."""
    case = services.complete_self_assessment(
        case=case, assessed_on=data["assessed_on"], actor=actor, comment=comment
    )
    return _(
        "Đã hoàn thành tự đánh giá: %(met)s/%(total)s tiêu chí. Bước tiếp theo: hoàn thiện hồ sơ."
    ) % {
        "met": case.assessed_met,
        "total": case.assessed_total,
    }


def _declare(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The commune's declaration of conditions C2-C4."""
    yes_no = forms.DeclarationForm.yes_no
    services.declare_conditions(
        case=case,
        declaration=services.Declaration(
            satisfaction_percent=data["satisfaction_percent"],
            satisfaction_on=data["satisfaction_on"],
            has_construction_debt=yes_no(data["has_construction_debt"]),
            debt_declared_on=data["debt_declared_on"],
            is_security_complicated=yes_no(data["is_security_complicated"]),
            security_confirmed_by=data["security_confirmed_by"],
            security_confirmed_on=data["security_confirmed_on"],
        ),
        actor=actor,
        comment=comment,
    )
    return _("Đã ghi kê khai điều kiện.")


def _submit(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The dossier sent up: to the district, or to the province where there is none."""
    case = services.submit_dossier(case=case, actor=actor, comment=comment)
    if case.stage == Stage.APPRAISAL:
        return _("Đã gửi hồ sơ lên tỉnh thẩm định (không có cấp huyện thẩm tra).")
    return _("Đã gửi hồ sơ lên huyện thẩm tra.")


def _verify(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The district's verification."""
    services.verify_case(
        case=case,
        verified_on=data["verified_on"],
        report_number=data["report_number"],
        actor=actor,
        comment=comment,
    )
    return _("Đã ghi kết quả thẩm tra; hồ sơ chuyển lên tỉnh thẩm định.")


def _appraise(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The province's appraisal."""
    services.appraise_case(
        case=case,
        appraised_on=data["appraised_on"],
        report_number=data["report_number"],
        council_name=data["council_name"],
        council_members=data["council_members"],
        votes_for=data["votes_for"],
        actor=actor,
        comment=comment,
    )
    return _("Đã ghi kết quả thẩm định. Bước tiếp theo: quyết định công nhận.")


def _decide(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The recognition decision."""
    recognition = services.decide_case(
        case=case,
        decision_number=data["decision_number"],
        decision_date=data["decision_date"],
        signer=data["signer"],
        issuer=data["issuer"],
        actor=actor,
        comment=comment,
    )
    return _("Đã ghi quyết định công nhận số %(number)s. Bước tiếp theo: công bố.") % {
        "number": recognition.decision_number
    }


def _announce(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The decision's announcement."""
    services.announce_case(
        case=case,
        announced_on=data["announced_on"],
        where=data["where"],
        actor=actor,
        comment=comment,
    )
    return _("Đã ghi việc công bố; quyết định hiện trên trang công nhận công khai.")


def _start_revocation(
    case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str
) -> str:
    """A revocation review started."""
    services.start_revocation(case=case, actor=actor, comment=comment)
    return _("Đã bắt đầu xem xét thu hồi.")


def _revoke(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The revocation decision."""
    services.revoke_case(
        case=case,
        decision_number=data["decision_number"],
        decision_date=data["decision_date"],
        issuer=data["issuer"],
        reason=data["reason"],
        actor=actor,
    )
    return _("Đã ghi quyết định thu hồi.")


def _return_case(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The case returned to an earlier step."""
    case = services.return_case(case=case, to_stage=data["to_stage"], actor=actor, comment=comment)
    return _("Đã trả hồ sơ về bước “%(stage)s”.") % {"stage": Stage(case.stage).label}


def _withdraw(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """The case withdrawn."""
    services.withdraw_case(case=case, actor=actor, comment=comment)
    return _("Đã rút hồ sơ.")


def _document(case: RecognitionCase, data: dict[str, Any], actor: Actor, comment: str) -> str:
    """A document uploaded."""
    document = services.add_document(
        case=case,
        kind=data["kind"],
        upload=data["file"],
        number=data["number"],
        issued_on=data["issued_on"],
        actor=actor,
    )
    return _("Đã tải lên “%(name)s”.") % {"name": document.original_name}


#: Each action's step: calls its service, returns the success message.
ACTION_STEPS: dict[str, Callable[[RecognitionCase, dict[str, Any], Actor, str], str]] = {
    "self-assessment": _self_assessment,
    "declare": _declare,
    "submit": _submit,
    "verify": _verify,
    "appraise": _appraise,
    "decide": _decide,
    "announce": _announce,
    "start-revocation": _start_revocation,
    "revoke": _revoke,
    "return": _return_case,
    "withdraw": _withdraw,
    "document": _document,
}


def _run(action: str, case: RecognitionCase, data: dict[str, Any], request: HttpRequest) -> str:
    """Call the service of an action; returns the success message."""
    actor = Actor.from_request(request)
    comment = data.get("comment", "")
    step = ACTION_STEPS.get(action)
    if step is None:
        raise Http404
    return step(case, data, actor, comment)


@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """One step of a case. A refusal (role, stage, missing input, failing conditions)
    shows the case again with every reason; nothing is written."""
    case = _case(request, case_id)
    if action not in ACTION_FORMS and action != "submit":
        raise Http404
    form_class = ACTION_FORMS.get(action)
    form = None
    data: dict[str, Any] = {"comment": request.POST.get("comment", "")}
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if action == "return":
            form.fields["to_stage"].choices = Stage.choices
        if not form.is_valid():
            return render_case(request, case, errors=forms.form_errors(form), bound=(action, form))
        data = form.cleaned_data
    try:
        message = _run(action, case, data, request)
    except WriteDenied as denied:
        return _forbidden(request, str(denied), case.unit)
    except services.CaseRefused as refused:
        return render_case(
            request, case, errors=refused.problems, bound=(action, form) if form else None
        )
    except StorageFailed as failed:  # a document the server could not store
        return render_case(
            request, case, errors=[failed.message], bound=(action, form) if form else None
        )
    messages.success(request, message)
    return redirect("recognition:case", case_id=case.pk)


@require_GET
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """A case document, only to users whose scope holds the case's unit."""
    document = CaseDocument.objects.select_related("case").filter(pk=document_id).first()
    if document is None or not scope_of(request.user).allows(document.case.unit_id):
        raise Http404
    try:
        return file_response(document.file, document.original_name, document.content_type)
    except FileNotFoundError:
        raise Http404 from None


@require_POST
def document_remove(request: HttpRequest, document_id: int) -> HttpResponse:
    document = CaseDocument.objects.select_related("case").filter(pk=document_id).first()
    if document is None or not scope_of(request.user).allows(document.case.unit_id):
        raise Http404
    case = _case(request, document.case_id)
    try:
        services.remove_document(
            document=document,
            actor=Actor.from_request(request),
            reason=request.POST.get("reason", ""),
        )
    except WriteDenied as denied:
        return _forbidden(request, str(denied), case.unit)
    except services.CaseRefused as refused:
        return render_case(request, case, errors=refused.problems)
    messages.success(request, _("Đã gỡ “%(name)s”.") % {"name": document.original_name})
    return redirect("recognition:case", case_id=case.pk)
