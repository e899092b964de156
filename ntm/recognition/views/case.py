"""Recognition pages: one case, its stepper, its forms, its conditions and documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ntm.accounts.scope import scope_of
from ntm.recognition import forms, services
from ntm.recognition.conditions import percent_text
from ntm.recognition.models import (
    CLOSED_STAGES,
    STAGE_ORDER,
    CaseDocument,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import (
    STAGE_STEP,
    document_kinds,
    procedure,
)
from ntm.recognition.selectors import (
    BEFORE_DECISION,
    COMMUNE,
    PROVINCE,
    STAGE_ACTOR,
    has_district,
    province_of,
    settings_in_force,
)
from ntm.recognition.views.helpers import (
    _case,
    _date_param,
    _lower_first,
    actor_words,
)
from ntm.units.selectors import default_as_of
from ntm.units.wording import crumbs
from ntm.values.evidence import allowed_labels, max_bytes, size_text

# --- One case -----------------------------------------------------------------------------------


ACTION_FORMS: dict[str, type] = {
    "self-assessment": forms.SelfAssessmentForm,
    "declare": forms.DeclarationForm,
    "verify": forms.VerifyForm,
    "appraise": forms.AppraiseForm,
    "decide": forms.DecideForm,
    "announce": forms.AnnounceForm,
    "start-revocation": forms.StartRevocationForm,
    "revoke": forms.RevokeForm,
    "return": forms.ReturnForm,
    "withdraw": forms.WithdrawForm,
    "document": forms.DocumentForm,
}


def _stepper(case: RecognitionCase) -> list[dict[str, Any]]:
    """The stages in order with done / current / skipped / to do."""
    shown = [s for s in STAGE_ORDER if s not in (Stage.REVOCATION, Stage.REVOKED)]
    if case.stage in (Stage.REVOCATION, Stage.REVOKED):
        shown += [Stage.REVOCATION, Stage.REVOKED]
    stage = case.stage
    if stage == Stage.WITHDRAWN:
        last = case.events.filter(action="withdraw").order_by("-at").first()
        stage = last.from_stage if last else Stage.SELF_ASSESSMENT
    position = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0
    skipped = case.is_verification_skipped or not has_district(case.unit)
    items = []
    for item in shown:
        index = STAGE_ORDER.index(item)
        if item == Stage.VERIFICATION and skipped:
            state = "skipped"
        elif index < position or (item == Stage.REVOKED and case.stage == Stage.REVOKED):
            state = "done"
        elif index == position:
            state = "withdrawn" if case.stage == Stage.WITHDRAWN else "current"
        else:
            state = "todo"
        items.append(
            {
                "stage": item.value,
                "label": item.label,
                "state": state,
                "actor": STAGE_ACTOR.get(item, ""),
            }
        )
    return items


DETAIL_LABELS = {
    "registered_on": _("ngày đăng ký"),
    "set": _("bộ tiêu chí"),
    "assessed_on": _("tự đánh giá tại ngày"),
    "met": _("số tiêu chí đạt"),
    "total": _("tổng số tiêu chí"),
    "satisfaction_percent": _("tỷ lệ hài lòng (%)"),
    "satisfaction_on": _("ngày khảo sát"),
    "has_construction_debt": _("còn nợ đọng xây dựng cơ bản"),
    "debt_declared_on": _("ngày báo cáo nợ đọng"),
    "is_security_complicated": _("an ninh, trật tự phức tạp"),
    "security_confirmed_by": _("công an xác nhận"),
    "security_confirmed_on": _("ngày xác nhận"),
    "verified_on": _("ngày thẩm tra"),
    "appraised_on": _("ngày thẩm định"),
    "report_number": _("số báo cáo"),
    "council": _("hội đồng"),
    "members": _("số thành viên"),
    "votes_for": _("số phiếu đồng ý"),
    "decision_number": _("số quyết định"),
    "decision_date": _("ngày quyết định"),
    "signer": _("người ký"),
    "issuer": _("cơ quan ban hành"),
    "announced_on": _("ngày công bố"),
    "where": _("nơi công bố"),
    "recognition": _("quyết định công nhận"),
}


def detail_lines(details: dict[str, Any]) -> list[str]:
    """An event's details in words: "ngày thẩm tra: 01/10/2024"."""
    lines = []
    for key, value in (details or {}).items():
        if key == "conditions" or value in (None, ""):
            continue
        if isinstance(value, bool):
            shown = _("có") if value else _("không")
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                shown = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                shown = value
        else:
            shown = str(value)
        lines.append(f"{DETAIL_LABELS.get(key, key)}: {shown}")
    return lines


def _default_forms(case: RecognitionCase) -> dict[str, Any]:
    today = timezone.localdate()
    last = default_as_of(case.unit)
    province = province_of(case.unit)
    decided = case.recognition
    issuer = _("UBND %(province)s") % {"province": _lower_first(province.name)} if province else ""
    return {
        "self-assessment": forms.SelfAssessmentForm(initial={"assessed_on": min(today, last)}),
        "declare": forms.DeclarationForm(
            initial={
                "satisfaction_percent": case.satisfaction_percent,
                "satisfaction_on": case.satisfaction_on,
                "has_construction_debt": {True: "yes", False: "no"}.get(
                    case.has_construction_debt, ""
                ),
                "debt_declared_on": case.debt_declared_on,
                "is_security_complicated": {True: "yes", False: "no"}.get(
                    case.is_security_complicated, ""
                ),
                "security_confirmed_by": case.security_confirmed_by,
                "security_confirmed_on": case.security_confirmed_on,
            }
        ),
        "verify": forms.VerifyForm(initial={"verified_on": min(today, last)}),
        "appraise": forms.AppraiseForm(initial={"appraised_on": min(today, last)}),
        "decide": forms.DecideForm(initial={"decision_date": min(today, last), "issuer": issuer}),
        "announce": forms.AnnounceForm(
            initial={
                "announced_on": max(min(today, last), decided.decision_date) if decided else today
            }
        ),
        "start-revocation": forms.StartRevocationForm(),
        "revoke": forms.RevokeForm(initial={"decision_date": min(today, last), "issuer": issuer}),
        "return": forms.ReturnForm(),
        "withdraw": forms.WithdrawForm(),
        "document": forms.DocumentForm(),
    }


def _conditions(case: RecognitionCase, request: HttpRequest) -> tuple[Any, dt.date | None, str]:
    """The conditions live (until the decision), on ?on= or today (the unit's last day for a
    unit that has ended)."""
    if case.stage not in BEFORE_DECISION:
        return None, None, ""
    default = min(timezone.localdate(), default_as_of(case.unit))
    on, error = _date_param(request.GET.get("on") or request.POST.get("decision_date"), default)
    return services.conditions_for(case, on), on, error


def _documents(case: RecognitionCase) -> dict[str, Any]:
    documents = [d for d in case.documents.select_related("uploaded_by") if not d.is_removed]
    kinds = document_kinds()
    present = {d.kind for d in documents}
    checklist = [
        {"kind": k, "present": k.code in present}
        for k in kinds.values()
        if k.source == "reference" or k.condition
    ]
    by_stage: dict[str, list[CaseDocument]] = {}
    for document in documents:
        document.kind_name = kinds[document.kind].name if document.kind in kinds else document.kind
        by_stage.setdefault(document.stage, []).append(document)
    return {
        "documents": documents,
        "documents_by_stage": [
            {"stage": Stage(s).label, "documents": docs} for s, docs in by_stage.items()
        ],
        "checklist": checklist,
    }


def render_case(
    request: HttpRequest,
    case: RecognitionCase,
    *,
    errors: list[str] | None = None,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    actor = services.stage_actor(case)
    may = case.stage not in CLOSED_STAGES and services.may_act(user, case.unit, actor)
    action_forms = _default_forms(case)
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    events = list(case.events.select_related("actor"))
    for event in events:
        event.lines = detail_lines(event.details)
    action_forms["return"].fields["to_stage"].choices = [
        (s, Stage(s).label) for s in services.return_targets(case)
    ]
    report, on, date_error = _conditions(case, request)
    decided_conditions = []
    if case.recognition_id:
        event = case.events.filter(action="decide").order_by("-at").first()
        decided_conditions = (event.details or {}).get("conditions", []) if event else []
    province = province_of(case.unit)
    deadline = None
    step = STAGE_STEP.get(case.stage)
    if step is not None and province is not None:
        deadline = settings_in_force([province.pk], timezone.localdate())[province.pk][
            f"deadline_days.{step}"
        ]
    may_withdraw = case.stage in BEFORE_DECISION and (
        services.may_act(user, case.unit, PROVINCE)
        or (
            case.stage in (Stage.SELF_ASSESSMENT, Stage.DOSSIER)
            and services.may_act(user, case.unit, COMMUNE)
        )
    )
    context = {
        "case": case,
        "unit": case.unit,
        "crumbs": crumbs(case.unit, scope),
        "stepper": _stepper(case),
        "events": events,
        "may_act": may,
        "actor": actor,
        "actor_label": actor_words(actor),
        "forms": {key.replace("-", "_"): form for key, form in action_forms.items()},
        "errors": errors or [],
        "refused_action": bound[0].replace("-", "_") if bound else "",
        "report": report,
        "conditions_on": on,
        "date_error": date_error,
        "decided_conditions": decided_conditions,
        "return_targets": services.return_targets(case) if may else [],
        "may_withdraw": may_withdraw,
        "may_declare": may and case.stage in BEFORE_DECISION,
        "has_district": has_district(case.unit),
        "unit_ended": services.has_ended(case.unit),
        "skip_note": services.skip_note(case.unit) if not has_district(case.unit) else "",
        "after_2025": case.year >= 2026,
        "after_2025_note": procedure()["after_2025"],
        "deadline": deadline,
        "age_days": max((timezone.now() - case.stage_since).days, 0),
        "entry_url": reverse("web:unit-entry", args=[case.unit.pk])
        + "?"
        + urlencode({"set": case.set_id, "period": str(case.year)}),
        "satisfaction_text": percent_text(case.satisfaction_percent)
        if case.satisfaction_percent is not None
        else "",
        "max_size": size_text(max_bytes()),
        "allowed": allowed_labels(),
        "legal_number": procedure()["legal_source"]["number"],
        **_documents(case),
    }
    return render(request, "recognition/case.html", context, status=status)


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return render_case(request, _case(request, case_id))
