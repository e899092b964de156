"""Recognition pages: the cases per stage and their age, one case with its steps, documents
and conditions, monitoring after recognition, re-acknowledgement of merged communes and
the province's procedure settings.

Every view checks the scope on the server (a unit outside it is a 404); every write goes
through a service that checks the role and the stage and writes the audit trail. A
refused step shows the page again with every reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import Scope, scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.criteria.models import TierChoices
from ntm.recognition import forms, services
from ntm.recognition.conditions import percent_text
from ntm.recognition.models import (
    CLOSED_STAGES,
    STAGE_ORDER,
    CaseDocument,
    Recognition,
    RecognitionCase,
    Stage,
)
from ntm.recognition.monitoring import CLOSE, DUE, NO_DATA, OK, monitor
from ntm.recognition.procedure import (
    CLOSE_SHARE,
    STAGE_STEP,
    document_kinds,
    procedure,
    setting_defs,
    steps,
)
from ntm.recognition.selectors import (
    BEFORE_DECISION,
    COMMUNE,
    PROVINCE,
    STAGE_ACTOR,
    WAITING_STAGES,
    awaiting_for_unit,
    awaiting_reacknowledgement,
    case_rows,
    cases_in_scope,
    filter_cases,
    has_district,
    province_of,
    provinces_in_scope,
    setting_history,
    settings_in_force,
    stage_counts,
)
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed
from ntm.units.models import AdminUnit
from ntm.units.selectors import default_as_of
from ntm.units.wording import crumbs
from ntm.values.evidence import allowed_labels, max_bytes, size_text

PAGE_SIZE = 50


def actor_words(level: str) -> str:
    return {
        COMMUNE: _("UBND xã (cán bộ nhập liệu)"),
        "district": _("Văn phòng NTM huyện"),
        PROVINCE: _("Văn phòng điều phối NTM tỉnh"),
    }.get(level, "")


def _lower_first(name: str) -> str:
    """ "Tỉnh Hà Tĩnh" -> "tỉnh Hà Tĩnh", as in "UBND tỉnh Hà Tĩnh"."""
    return name[:1].lower() + name[1:]


def _case(request: HttpRequest, case_id: int) -> RecognitionCase:
    case = (
        RecognitionCase.objects.select_related(
            "unit__parent__parent__parent", "recognition__revocation", "registration"
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not scope_of(request.user).allows(case.unit_id):
        raise Http404
    return case


def _forbidden(request: HttpRequest, reason: str, unit: AdminUnit | None = None) -> HttpResponse:
    return render(
        request, "recognition/forbidden.html", {"reason": reason, "unit": unit}, status=403
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _date_param(raw: str | None, default: dt.date) -> tuple[dt.date, str]:
    text = (raw or "").strip()
    if not text:
        return default, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return default, _("Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định.") % {"text": text}


# --- Cases per stage ----------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases in the user's scope, per stage, oldest waiting first, with who they wait for."""
    scope = scope_of(request.user)
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    tier = request.GET.get("tier", "")
    if tier not in TierChoices.values:
        tier = ""
    year = _int(request.GET.get("year"))
    unit_id = _int(request.GET.get("unit"))
    unit = visible_unit(scope, unit_id) if unit_id else None
    text = request.GET.get("q", "").strip()[:100]
    every = cases_in_scope(scope)
    counts = stage_counts(every)
    now = timezone.now()
    chosen = filter_cases(every, stage=stage, tier=tier, year=year, unit_id=unit_id, text=text)
    if not stage:
        chosen = chosen.filter(stage__in=WAITING_STAGES)
    chosen = chosen.order_by("stage_since", "id")
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_rows(list(page.object_list))
    for row in rows:
        row.who = actor_words(row.actor)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recognition/cases.html",
        {
            "page": page,
            "rows": rows,
            "counts": [
                {
                    "stage": c.stage,
                    "label": c.label,
                    "count": c.count,
                    "who": actor_words(c.actor),
                    "oldest_days": (now - c.oldest_since).days if c.oldest_since else None,
                }
                for c in counts
                if c.count or c.stage == stage
            ],
            "open_total": sum(c.count for c in counts if c.stage in WAITING_STAGES),
            "filters": {"stage": stage, "tier": tier, "year": year or "", "q": text, "unit": unit},
            "stages": Stage.choices,
            "tiers": forms.tier_choices(),
            "query_without_page": query.urlencode(),
            "may_register": unit is not None and services.may_act(request.user, unit, COMMUNE),
        },
    )


# --- Registration --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Open a case for a commune: the tier and the year it aims at."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, request.GET.get("unit") or request.POST.get("unit"))
    try:
        services.require_actor(request.user, unit, COMMUNE)
    except WriteDenied as denied:
        return _forbidden(request, str(denied), unit)
    errors: list[str] = []
    if request.method == "POST":
        form = forms.RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.register_case(
                    unit=unit,
                    tier=data["tier"],
                    year=data["year"],
                    registered_on=data["registered_on"],
                    comment=data["comment"],
                    actor=Actor.from_request(request),
                )
            except services.CaseRefused as refused:
                errors = refused.problems
            else:
                messages.success(request, _("Đã đăng ký. Bước tiếp theo: xã tự đánh giá."))
                return redirect("recognition:case", case_id=case.pk)
        else:
            errors = forms.form_errors(form)
    else:
        year = timezone.localdate().year
        if unit.valid_to is not None:
            year = min(year, (unit.valid_to - dt.timedelta(days=1)).year)
        form = forms.RegisterForm(initial={"tier": "standard", "year": year})
    return render(
        request,
        "recognition/register.html",
        {
            "unit": unit,
            "form": form,
            "errors": errors,
            "crumbs": crumbs(unit, scope),
            "cases": list(
                RecognitionCase.objects.filter(unit=unit).order_by("-year", "tier", "id")
            ),
        },
    )


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


def _run(action: str, case: RecognitionCase, data: dict[str, Any], request: HttpRequest) -> str:
    """Call the service of an action; returns the success message."""
    actor = Actor.from_request(request)
    comment = data.get("comment", "")
    if action == "self-assessment":
        case = services.complete_self_assessment(
            case=case, assessed_on=data["assessed_on"], actor=actor, comment=comment
        )
        return _(
            "Đã hoàn thành tự đánh giá: %(met)s/%(total)s tiêu chí. Bước tiếp theo: hoàn thiện hồ sơ."
        ) % {
            "met": case.assessed_met,
            "total": case.assessed_total,
        }
    if action == "declare":
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
    if action == "submit":
        case = services.submit_dossier(case=case, actor=actor, comment=comment)
        if case.stage == Stage.APPRAISAL:
            return _("Đã gửi hồ sơ lên tỉnh thẩm định (không có cấp huyện thẩm tra).")
        return _("Đã gửi hồ sơ lên huyện thẩm tra.")
    if action == "verify":
        services.verify_case(
            case=case,
            verified_on=data["verified_on"],
            report_number=data["report_number"],
            actor=actor,
            comment=comment,
        )
        return _("Đã ghi kết quả thẩm tra; hồ sơ chuyển lên tỉnh thẩm định.")
    if action == "appraise":
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
    if action == "decide":
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
    if action == "announce":
        services.announce_case(
            case=case,
            announced_on=data["announced_on"],
            where=data["where"],
            actor=actor,
            comment=comment,
        )
        return _("Đã ghi việc công bố; quyết định hiện trên trang công nhận công khai.")
    if action == "start-revocation":
        services.start_revocation(case=case, actor=actor, comment=comment)
        return _("Đã bắt đầu xem xét thu hồi.")
    if action == "revoke":
        services.revoke_case(
            case=case,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            issuer=data["issuer"],
            reason=data["reason"],
            actor=actor,
        )
        return _("Đã ghi quyết định thu hồi.")
    if action == "return":
        case = services.return_case(
            case=case, to_stage=data["to_stage"], actor=actor, comment=comment
        )
        return _("Đã trả hồ sơ về bước “%(stage)s”.") % {"stage": Stage(case.stage).label}
    if action == "withdraw":
        services.withdraw_case(case=case, actor=actor, comment=comment)
        return _("Đã rút hồ sơ.")
    if action == "document":
        document = services.add_document(
            case=case,
            kind=data["kind"],
            upload=data["file"],
            number=data["number"],
            issued_on=data["issued_on"],
            actor=actor,
        )
        return _("Đã tải lên “%(name)s”.") % {"name": document.original_name}
    raise Http404


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


# --- Monitoring after recognition ---------------------------------------------------------------


MONITORING_SHOW = ("flagged", DUE, CLOSE, NO_DATA, OK, "all")


@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    """Recognized communes at or below a unit that meet the revocation rule or come close,
    computed from the data on the date (default: today, or the unit's last day)."""
    scope = scope_of(request.user)
    unit_id = _int(request.GET.get("unit")) or scope.root_id
    root = visible_unit(scope, unit_id) if unit_id else None
    if root is None and not scope.is_national:
        raise Http404
    default = default_as_of(root) if root is not None else timezone.localdate()
    as_of, date_error = _date_param(request.GET.get("as_of"), default)
    show = request.GET.get("show", "flagged")
    if show not in MONITORING_SHOW:
        show = "flagged"
    if root is None:
        # A national account picks a province: the whole country is not computed at once.
        return render(
            request,
            "recognition/monitoring.html",
            {"root": None, "provinces": provinces_in_scope(scope), "as_of": as_of, "show": show},
        )
    report = monitor(root, scope=scope, as_of=as_of)
    rows = report.flagged(show)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    province = province_of(root)
    close_share = (
        settings_in_force([province.pk], as_of)[province.pk][CLOSE_SHARE].value
        if province is not None
        else setting_defs()[CLOSE_SHARE].default
    )
    return render(
        request,
        "recognition/monitoring.html",
        {
            "root": root,
            "unit": root,
            "crumbs": crumbs(root, scope),
            "report": report,
            "page": page,
            "rows": page.object_list,
            "as_of": as_of,
            "date_error": date_error,
            "show": show,
            "counts": {
                "recognized": report.recognized,
                DUE: report.count(DUE),
                CLOSE: report.count(CLOSE),
                NO_DATA: report.count(NO_DATA),
                OK: report.count(OK),
            },
            "may_revoke": services.may_act(request.user, root, PROVINCE),
            "query_without_page": query.urlencode(),
            "close_share": close_share,
            "province": province,
            "after_2025": as_of.year >= 2026,
            "after_2025_note": procedure()["after_2025"],
            "legal_number": procedure()["legal_source"]["number"],
        },
    )


@require_POST
def open_revocation(request: HttpRequest) -> HttpResponse:
    """Start the revocation review of a recognition flagged by monitoring."""
    scope = scope_of(request.user)
    recognition = Recognition.objects.filter(pk=_int(request.POST.get("recognition"))).first()
    if recognition is None or not scope.allows(recognition.unit_id):
        raise Http404
    comment = request.POST.get("comment", "").strip()
    try:
        case = services.open_revocation_case(
            recognition=recognition, actor=Actor.from_request(request), comment=comment
        )
    except WriteDenied as denied:
        return _forbidden(request, str(denied), recognition.unit)
    except services.CaseRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        back = request.POST.get("next", "")
        if back.startswith("/recognition/"):
            return redirect(back)
        return redirect("recognition:monitoring")
    messages.success(request, _("Đã mở hồ sơ xem xét thu hồi."))
    return redirect("recognition:case", case_id=case.pk)


# --- Re-acknowledgement -------------------------------------------------------------------------


def _post_reform_province(
    request: HttpRequest, scope: Scope
) -> tuple[AdminUnit | None, list[AdminUnit]]:
    provinces = [p for p in provinces_in_scope(scope) if p.valid_from is not None]
    chosen = _int(request.GET.get("province"))
    province = next((p for p in provinces if p.pk == chosen), None)
    if chosen and province is None:
        raise Http404
    if province is None and provinces and not scope.is_national:
        province = provinces[0]
    return province, provinces


@require_GET
def reacknowledgements(request: HttpRequest) -> HttpResponse:
    """Communes formed on 1 July 2025 of a province whose predecessors held recognitions:
    those awaiting re-acknowledgement (thừa nhận), and those done."""
    scope = scope_of(request.user)
    province, provinces = _post_reform_province(request, scope)
    items = awaiting_reacknowledgement(province, scope, include_done=True) if province else []
    waiting = [i for i in items if not i.is_done]
    return render(
        request,
        "recognition/reacknowledgements.html",
        {
            "province": province,
            "provinces": provinces,
            "waiting": waiting,
            "done": [i for i in items if i.is_done],
            "may_decide": province is not None
            and services.may_act(request.user, province, PROVINCE),
        },
    )


@require_http_methods(["GET", "POST"])
def reacknowledge(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Record a re-acknowledgement decision for one commune formed on 1 July 2025."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    awaiting = awaiting_for_unit(unit)
    if awaiting is None:
        raise Http404
    try:
        services.require_actor(request.user, unit, PROVINCE)
    except WriteDenied as denied:
        return _forbidden(request, str(denied), unit)
    choices = [
        (
            r.pk,
            f"{r.unit.name}: {TierChoices(r.tier).label}, {r.decision_number} ({r.decision_date:%d/%m/%Y})",
        )
        for group in awaiting.recognitions.values()
        for r in group
    ]
    errors: list[str] = []
    province = province_of(unit)
    if request.method == "POST":
        form = forms.ReacknowledgeForm(request.POST, recognition_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.reacknowledge(
                    unit=unit,
                    tier=data["tier"],
                    recognition_ids=data["recognitions"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    issuer=data["issuer"],
                    signer=data["signer"],
                    note=data["note"],
                    actor=Actor.from_request(request),
                )
            except services.CaseRefused as refused:
                errors = refused.problems
            else:
                messages.success(
                    request, _("Đã ghi quyết định thừa nhận cho %(unit)s.") % {"unit": unit.name}
                )
                return redirect(
                    reverse("recognition:reacknowledgements") + f"?province={province.pk}"
                )
        else:
            errors = forms.form_errors(form)
    else:
        form = forms.ReacknowledgeForm(
            recognition_choices=choices,
            initial={
                "tier": awaiting.lowest_tier_of_all() or "standard",
                "recognitions": [pk for pk, _label in choices],
                "issuer": _("UBND %(province)s") % {"province": _lower_first(province.name)}
                if province
                else "",
                "decision_date": timezone.localdate(),
            },
        )
    return render(
        request,
        "recognition/reacknowledge.html",
        {
            "unit": unit,
            "item": awaiting,
            "form": form,
            "errors": errors,
            "province": province,
            "crumbs": crumbs(unit, scope),
        },
    )


# --- Settings -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def procedure_settings(request: HttpRequest) -> HttpResponse:
    """The values a province fixes where the procedure leaves them open, with history."""
    scope = scope_of(request.user)
    provinces = provinces_in_scope(scope)
    chosen = _int(request.GET.get("province") or request.POST.get("province"))
    province = next((p for p in provinces if p.pk == chosen), None)
    if chosen and province is None:
        raise Http404
    if province is None and provinces and not scope.is_national:
        province = next((p for p in provinces if p.valid_to is None), provinces[0])
    may_edit = province is not None and services.may_act(request.user, province, PROVINCE)
    errors: list[str] = []
    bound = None
    if request.method == "POST":
        if province is None:
            raise Http404
        key = request.POST.get("key", "")
        form = forms.SettingForm(request.POST, auto_id=f"id_{key.replace('.', '-')}_%s")
        bound = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_procedure_setting(
                    province=province,
                    key=data["key"],
                    value=data["value"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    issuer=data["issuer"],
                    note=data["note"],
                    actor=Actor.from_request(request),
                )
            except WriteDenied as denied:
                return _forbidden(request, str(denied), province)
            except services.CaseRefused as refused:
                errors = refused.problems
            else:
                messages.success(request, _("Đã ghi thông số."))
                return redirect(reverse("recognition:settings") + f"?province={province.pk}")
        else:
            errors = forms.form_errors(form)
    values = settings_in_force([province.pk], timezone.localdate())[province.pk] if province else {}
    rows = []
    for key, definition in setting_defs().items():
        step = steps().get(key.split(".", 1)[1]) if key.startswith("deadline_days.") else None
        rows.append(
            {
                "definition": definition,
                "value": values.get(key),
                "step": step,
                "form": bound
                if bound is not None and bound.data.get("key") == key
                else forms.SettingForm(
                    initial={"key": key, "decision_date": timezone.localdate()},
                    auto_id=f"id_{key.replace('.', '-')}_%s",
                ),
            }
        )
    return render(
        request,
        "recognition/settings.html",
        {
            "province": province,
            "provinces": provinces,
            "rows": rows,
            "history": setting_history(province) if province else [],
            "labels": {k: d.label for k, d in setting_defs().items()},
            "may_edit": may_edit,
            "errors": errors,
            "error_key": bound.data.get("key") if bound is not None and errors else "",
            "survey_practice": procedure()["satisfaction_survey_practice"],
            "c2": procedure()["conditions"]["items"][1],
        },
    )
