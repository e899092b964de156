"""Criteria-set authoring pages: drafts, the draft editor (htmx inline edits), comparison
with the version a draft came from, what publishing would change, publication, YAML.

Every view checks on the server who may do what (``ntm.criteria.authoring``): a draft is
visible only to those who may edit it (404 for everyone else), every write goes through a
service that checks role and province again and writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.assessments.draft_preview import preview_draft
from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorKind
from ntm.criteria import authoring
from ntm.criteria import forms_authoring as forms
from ntm.criteria.authoring import AuthoringError, DraftExists, IndicatorInput, PublishRefused
from ntm.criteria.compare import SAME, compare_sets
from ntm.criteria.exchange import MAX_FILE_BYTES, export_filename, export_yaml, import_yaml
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.selectors import latest_sets
from ntm.criteria.views_criteria import (
    CriterionView,
    IndicatorView,
    indicator_view,
    sections_of,
)
from ntm.web.converters import parse_day

# --- Access ---------------------------------------------------------------------------------


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "criteria/authoring/denied.html", {"message": message}, status=403)


def _visible_version(request: HttpRequest, set_id: str, version: int) -> CriteriaSet:
    """A set version the user may author; 404 otherwise (a draft's existence is not shown)."""
    stored = (
        CriteriaSet.objects.select_related("extends", "derived_from", "created_by")
        .filter(set_id=set_id, version=version)
        .first()
    )
    if stored is None or not authoring.may_author(request.user, stored):
        raise Http404
    return stored


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _editor_url(stored: CriteriaSet, anchor: str = "") -> str:
    url = reverse("web:draft-edit", args=[stored.set_id, stored.version])
    return f"{url}#{anchor}" if anchor else url


def anchor_of(prefix: str, code: str) -> str:
    return f"{prefix}-{slugify(code.replace('.', '-'))}"


# --- Drafts list, new drafts, import and export --------------------------------------------


def drafts(request: HttpRequest) -> HttpResponse:
    """The user's drafts, and where to start a new one: a variant, a version, a file."""
    if not authoring.is_author(request.user):
        return _denied(
            request,
            _("Chỉ văn phòng điều phối (vai trò phê duyệt hoặc quản trị) soạn bộ tiêu chí."),
        )
    provinces = authoring.authoring_provinces(request.user)
    codes = {p.code for p in provinces}
    published = latest_sets()
    national = [s for s in published if not s.province_code and not s.extends_id]
    own = [
        s for s in published if s.province_code in codes and authoring.may_author(request.user, s)
    ]
    pending = {d.set_id: d for d in authoring.drafts_for(request.user)}
    variants = authoring.variants_by_base(codes)
    return render(
        request,
        "criteria/authoring/drafts.html",
        {
            "drafts": list(pending.values()),
            "national": [(s, variants.get(s.set_id, [])) for s in national],
            "own": [(s, pending.get(s.set_id)) for s in own],
            "provinces_text": (
                _("mọi tỉnh")
                if scope_of(request.user).is_national
                else ", ".join(p.name for p in provinces)
            ),
            "import_form": forms.ImportForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def new_variant(request: HttpRequest, set_id: str) -> HttpResponse:
    """A province's variant of a national set: choose the province, id and name."""
    base = next((s for s in latest_sets() if s.set_id == set_id), None)
    if base is None or base.province_code or base.extends_id:
        raise Http404
    provinces = authoring.authoring_provinces(request.user)
    if not provinces:
        return _denied(request, _("Tài khoản này không soạn được bộ tiêu chí của tỉnh nào."))
    first = provinces[0]
    initial = {
        "province_code": first.code,
        "set_id": authoring.suggested_variant_id(base, first),
        "name_vi": authoring.suggested_variant_name(base, first),
    }
    form = forms.VariantForm(request.POST or None, initial=initial, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            draft = authoring.create_variant(
                base=base,
                province_code=form.cleaned_data["province_code"],
                set_id=form.cleaned_data["set_id"],
                name_vi=form.cleaned_data["name_vi"],
                actor=Actor.from_request(request),
            )
        except WriteDenied as error:
            return _denied(request, str(error))
        except AuthoringError as error:
            forms.attach(form, error)
        else:
            messages.success(request, _("Đã tạo bản nháp %(label)s.") % {"label": draft.label})
            return redirect(_editor_url(draft))
    suggestions = {
        p.code: {
            "set_id": authoring.suggested_variant_id(base, p),
            "name_vi": authoring.suggested_variant_name(base, p),
        }
        for p in provinces
    }
    return render(
        request,
        "criteria/authoring/new_variant.html",
        {"base": base, "form": form, "suggestions": suggestions},
    )


@require_POST
def new_version(request: HttpRequest, set_id: str) -> HttpResponse:
    """A new draft version of a set, copied from its latest version."""
    source = CriteriaSet.objects.filter(set_id=set_id).order_by("-version").first()
    if source is None:
        raise Http404
    try:
        draft = authoring.create_version(source=source, actor=Actor.from_request(request))
    except DraftExists as error:
        messages.info(request, error.message)
        if not authoring.may_author(request.user, error.draft):
            raise Http404 from None
        return redirect(_editor_url(error.draft))
    except WriteDenied as error:
        return _denied(request, str(error))
    except AuthoringError as error:
        messages.error(request, error.message)
        return redirect("web:criteria-set", set_id=set_id)
    messages.success(request, _("Đã tạo bản nháp %(label)s.") % {"label": draft.label})
    return redirect(_editor_url(draft))


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a YAML set file: a new set, a new version, or new content for a draft."""
    if not authoring.is_author(request.user):
        return _denied(
            request,
            _("Chỉ văn phòng điều phối (vai trò phê duyệt hoặc quản trị) nhập bộ tiêu chí."),
        )
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[AuthoringError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_yaml(
                upload.read(MAX_FILE_BYTES + 1),
                filename=upload.name,
                actor=Actor.from_request(request),
                publish=form.cleaned_data["publish"],
            )
        except PublishRefused as error:
            problems = error.problems
            form.add_error(None, error.message)
        except WriteDenied as error:
            form.add_error(None, str(error))
        except AuthoringError as error:
            form.add_error("file", str(error))
        else:
            stored = result.stored
            text = {
                "created": _("Đã nhập %(label)s thành bản nháp."),
                "updated": _("Đã thay nội dung bản nháp %(label)s bằng tệp."),
                "unchanged": _("Không có gì thay đổi: %(label)s đã có đúng nội dung này."),
                "published": _("Đã nhập và ban hành %(label)s."),
            }[result.outcome] % {"label": stored.label}
            messages.success(request, f"{text} {result.note}".strip())
            if stored.status == SetStatusChoices.DRAFT:
                return redirect(_editor_url(stored))
            return redirect(
                reverse("web:criteria-set", args=[stored.set_id]) + f"?version={stored.version}"
            )
    return render(request, "criteria/authoring/import.html", {"form": form, "problems": problems})


def export_file(request: HttpRequest, set_id: str) -> HttpResponse:
    """A set version as a YAML data file (a draft only for those who may author it)."""
    version_text = request.GET.get("version", "")
    versions = CriteriaSet.objects.filter(set_id=set_id)
    if version_text.isdigit():
        stored = versions.filter(version=int(version_text)).first()
    else:
        stored = versions.filter(status=SetStatusChoices.PUBLISHED).order_by("-version").first()
    if stored is None or (stored.is_draft and not authoring.may_author(request.user, stored)):
        raise Http404
    response = HttpResponse(export_yaml(stored), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stored)}"'
    return response


# --- The editor -----------------------------------------------------------------------------


@dataclass
class EditorIndicator:
    view: IndicatorView
    is_own: bool
    is_overridden: bool
    anchor: str

    @property
    def has_thresholds(self) -> bool:
        return self.view.definition.kind is not IndicatorKind.JUDGEMENT


@dataclass
class EditorCriterion:
    view: CriterionView
    is_own: bool
    indicators: list[EditorIndicator]
    anchor: str


@dataclass
class EditorSection:
    code: str
    name_vi: str
    name_en: str
    criteria: list[EditorCriterion]


def editor_sections(stored: CriteriaSet) -> list[EditorSection]:
    document = stored.source_document
    own_numbers = authoring.own_numbers(document)
    own_codes = authoring.own_codes(document)
    overridden = authoring.overridden_codes(document)
    result = []
    for section in sections_of(stored.to_domain()):
        criteria = []
        for cv in section.criteria:
            number = cv.definition.number
            criteria.append(
                EditorCriterion(
                    view=cv,
                    is_own=number in own_numbers,
                    anchor=anchor_of("criterion", number),
                    indicators=[
                        EditorIndicator(
                            view=iv,
                            is_own=iv.definition.code in own_codes,
                            is_overridden=iv.definition.code in overridden,
                            anchor=anchor_of("indicator", iv.definition.code),
                        )
                        for iv in cv.indicators
                    ],
                )
            )
        result.append(EditorSection(section.code, section.name_vi, section.name_en, criteria))
    return result


def _body_context(request: HttpRequest, stored: CriteriaSet, **extra: Any) -> dict[str, Any]:
    definition = stored.to_domain()
    document = stored.source_document
    sections = editor_sections(stored)
    return {
        "stored": stored,
        "definition": definition,
        "details": authoring.details_of(stored),
        "sections": sections,
        "conditions": [indicator_view(i) for i in definition.conditions],
        "problems": authoring.publish_problems(stored),
        "compared": authoring.compared_version(stored),
        "counts": {
            "criteria": len(definition.criteria),
            "own_criteria": len(authoring.own_numbers(document)) if stored.extends_id else 0,
            "indicators": len(definition.indicators),
            "needs_confirmation": authoring.needs_confirmation_count(definition),
            "overridden": len(authoring.overridden_codes(document)),
        },
        "criterion_form": extra.pop("criterion_form", None)
        or forms.CriterionForm(groups=definition.groups, prefix="new"),
        "is_variant": bool(stored.extends_id),
        **extra,
    }


def _body(
    request: HttpRequest, stored: CriteriaSet, *, saved: str = "", error: str = ""
) -> HttpResponse:
    """The editor's body after an htmx edit: counts, problems and criteria re-rendered."""
    response = render(
        request,
        "criteria/authoring/_body.html",
        _body_context(request, stored, just_saved=saved, edit_error=error),
    )
    response["HX-Retarget"] = "#draft-body"
    response["HX-Reswap"] = "innerHTML"
    return response


def editor(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """The draft, criterion by criterion, with its edits inline."""
    stored = _visible_version(request, set_id, version)
    if not stored.is_draft:
        messages.info(
            request,
            _("%(label)s đã ban hành và không sửa được; hãy tạo phiên bản mới.")
            % {"label": stored.label},
        )
        return redirect(reverse("web:criteria-set", args=[set_id]) + f"?version={version}")
    if _is_htmx(request) and request.GET.get("part") == "body":
        return render(request, "criteria/authoring/_body.html", _body_context(request, stored))
    return render(request, "criteria/authoring/editor.html", _body_context(request, stored))


def _after_edit(
    request: HttpRequest, stored: CriteriaSet, *, message: str, anchor: str = ""
) -> HttpResponse:
    if _is_htmx(request):
        return _body(request, stored, saved=anchor)
    messages.success(request, message)
    return redirect(_editor_url(stored, anchor))


def _form_response(
    request: HttpRequest, stored: CriteriaSet, template: str, context: dict[str, Any]
) -> HttpResponse:
    """A form fragment (htmx) or the same form on a page of its own."""
    context = {"stored": stored, **context}
    if _is_htmx(request):
        return render(request, template, context)
    return render(request, "criteria/authoring/form_page.html", {**context, "fragment": template})


def _run(call: Callable[[], CriteriaSet], form: Any) -> CriteriaSet | None:
    """Run a service; a refusal goes onto the form (a denial propagates as 403)."""
    try:
        return call()
    except AuthoringError as error:
        if form is None:
            raise
        forms.attach(form, error)
        return None


def _write_denied(request: HttpRequest, error: Exception) -> HttpResponse:
    return _denied(request, str(error))


def edit_details(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    form = forms.DetailsForm(
        request.POST or None,
        initial=forms.DetailsForm.initial_from(authoring.details_of(stored)),
        prefix="details",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _run(
                lambda: authoring.update_details(
                    stored, details=form.details(), actor=Actor.from_request(request)
                ),
                form,
            )
        except WriteDenied as error:
            return _write_denied(request, error)
        if saved is not None:
            return _after_edit(
                request, saved, message=_("Đã lưu thông tin chung."), anchor="set-details"
            )
    return _form_response(request, stored, "criteria/authoring/_details_form.html", {"form": form})


def edit_thresholds(request: HttpRequest, set_id: str, version: int, code: str) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    definition = stored.to_domain()
    indicator = next((i for i in definition.indicators if i.code == code), None)
    if indicator is None or indicator.kind is IndicatorKind.JUDGEMENT:
        raise Http404
    document = stored.source_document
    is_own = code in authoring.own_codes(document)
    if is_own:
        rows = _own_rows(document, code)
        inherited: list[dict[str, Any]] = []
    else:
        rows = next(
            (
                list(o.get("thresholds") or [])
                for o in document.get("overrides") or []
                if str(o.get("indicator")) == code
            ),
            [],
        )
        base = stored.extends.to_domain() if stored.extends_id else None
        base_indicator = (
            next((i for i in base.indicators if i.code == code), None) if base else None
        )
        inherited = [
            {"value": r.value, "region": r.region, "group": r.group, "from_year": r.from_year}
            for r in (base_indicator.thresholds if base_indicator else ())
        ]
    province = (
        authoring.province_unit(stored.province_code, stored.period_start)
        if stored.province_code
        else None
    )
    posted = request.POST if request.method == "POST" else None
    grid = forms.build_grid(
        differentiation=definition.differentiation,
        rows=rows,
        inherited=inherited,
        province_region=province.region if province is not None else None,
        comparator=indicator.comparator.value if indicator.comparator else "",
        data=posted,
    )
    decision_form = forms.DecisionForm(
        posted, initial=forms.decision_initial(document), prefix="decision"
    )
    if posted is not None and decision_form.is_valid():
        cells = forms.read_grid(grid)
        if not grid.has_errors:
            try:
                saved = _run(
                    lambda: authoring.set_thresholds(
                        stored,
                        code=code,
                        cells=cells,
                        decision=decision_form.decision(),
                        confirm_all=decision_form.cleaned_data["confirm_all"],
                        actor=Actor.from_request(request),
                    ),
                    decision_form,
                )
            except WriteDenied as error:
                return _write_denied(request, error)
            if saved is not None:
                return _after_edit(
                    request,
                    saved,
                    message=_("Đã lưu ngưỡng chỉ tiêu %(code)s.") % {"code": code},
                    anchor=anchor_of("indicator", code),
                )
    return _form_response(
        request,
        stored,
        "criteria/authoring/_threshold_form.html",
        {
            "indicator": indicator,
            "grid": grid,
            "form": decision_form,
            "is_own": is_own,
            "differentiation": definition.differentiation,
            "anchor": anchor_of("indicator", code),
        },
    )


def _own_rows(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    for criterion in document.get("criteria") or []:
        for indicator in criterion.get("indicators") or []:
            if str(indicator.get("code")) == code:
                return list(indicator.get("thresholds") or [])
    for indicator in document.get("conditions") or []:
        if str(indicator.get("code")) == code:
            return list(indicator.get("thresholds") or [])
    return []


@require_POST
def add_criterion(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    form = forms.CriterionForm(request.POST, groups=stored.to_domain().groups, prefix="new")
    if form.is_valid():
        try:
            saved = _run(
                lambda: authoring.add_criterion(
                    stored,
                    number=form.cleaned_data["number"],
                    name_vi=form.cleaned_data["name_vi"],
                    name_en=form.cleaned_data["name_en"],
                    group=form.cleaned_data.get("group") or "",
                    actor=Actor.from_request(request),
                ),
                form,
            )
        except WriteDenied as error:
            return _write_denied(request, error)
        if saved is not None:
            number = form.cleaned_data["number"].strip()
            return _after_edit(
                request,
                saved,
                message=_("Đã thêm tiêu chí %(number)s.") % {"number": number},
                anchor=anchor_of("criterion", number),
            )
    return _form_response(
        request, stored, "criteria/authoring/_criterion_form.html", {"criterion_form": form}
    )


def edit_criterion(request: HttpRequest, set_id: str, version: int, number: str) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    criterion = next((c for c in stored.to_domain().criteria if c.number == number), None)
    if criterion is None:
        raise Http404
    form = forms.RenameForm(
        request.POST or None,
        initial={"name_vi": criterion.name_vi, "name_en": criterion.name_en},
        prefix="criterion",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _run(
                lambda: authoring.update_criterion(
                    stored,
                    number=number,
                    name_vi=form.cleaned_data["name_vi"],
                    name_en=form.cleaned_data["name_en"],
                    actor=Actor.from_request(request),
                ),
                form,
            )
        except WriteDenied as error:
            return _write_denied(request, error)
        if saved is not None:
            return _after_edit(
                request,
                saved,
                message=_("Đã đổi tên tiêu chí %(number)s.") % {"number": number},
                anchor=anchor_of("criterion", number),
            )
    return _form_response(
        request,
        stored,
        "criteria/authoring/_rename_form.html",
        {"form": form, "criterion": criterion, "anchor": anchor_of("criterion", number)},
    )


@require_POST
def remove_criterion(request: HttpRequest, set_id: str, version: int, number: str) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    return _remove(
        request,
        stored,
        lambda actor: authoring.remove_criterion(stored, number=number, actor=actor),
        _("Đã bỏ tiêu chí %(number)s.") % {"number": number},
    )


def _remove(
    request: HttpRequest,
    stored: CriteriaSet,
    call: Callable[[Actor], CriteriaSet],
    message: str,
) -> HttpResponse:
    try:
        saved = call(Actor.from_request(request))
    except WriteDenied as error:
        return _write_denied(request, error)
    except AuthoringError as error:
        if _is_htmx(request):
            return _body(request, stored, error=error.message)
        messages.error(request, error.message)
        return redirect(_editor_url(stored))
    return _after_edit(request, saved, message=message)


def indicator_form(request: HttpRequest, set_id: str, version: int, number: str) -> HttpResponse:
    """Add an indicator to a criterion the draft defines."""
    stored = _visible_version(request, set_id, version)
    if number not in authoring.own_numbers(stored.source_document):
        raise Http404
    form = forms.IndicatorForm(request.POST or None, prefix="indicator")
    if request.method == "POST" and form.is_valid():
        try:
            saved = _run(
                lambda: authoring.add_indicator(
                    stored,
                    criterion=number,
                    entry=_indicator_input(form.cleaned_data),
                    actor=Actor.from_request(request),
                ),
                form,
            )
        except WriteDenied as error:
            return _write_denied(request, error)
        if saved is not None:
            code = form.cleaned_data["code"].strip()
            return _after_edit(
                request,
                saved,
                message=_("Đã thêm chỉ tiêu %(code)s.") % {"code": code},
                anchor=anchor_of("indicator", code),
            )
    return _form_response(
        request,
        stored,
        "criteria/authoring/_indicator_form.html",
        {
            "form": form,
            "number": number,
            "action": reverse("web:draft-add-indicator", args=[set_id, version, number]),
            "anchor": anchor_of("criterion", number),
        },
    )


def _indicator_input(data: dict[str, Any]) -> IndicatorInput:
    return IndicatorInput(
        code=data["code"],
        name_vi=data["name_vi"],
        name_en=data["name_en"],
        kind=data["kind"],
        unit=data["unit"],
        comparator=data["comparator"],
        numerator=data["numerator"],
        denominator=data["denominator"],
        scale=data["scale"],
    )


def edit_indicator(request: HttpRequest, set_id: str, version: int, code: str) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    if code not in authoring.own_codes(stored.source_document):
        raise Http404
    indicator = next(i for i in stored.to_domain().indicators if i.code == code)
    form = forms.IndicatorForm(
        request.POST or None,
        initial=forms.IndicatorForm.initial_from(indicator),
        fixed_kind=indicator.kind.value,
        prefix="indicator",
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _run(
                lambda: authoring.update_indicator(
                    stored,
                    code=code,
                    entry=_indicator_input(form.cleaned_data),
                    actor=Actor.from_request(request),
                ),
                form,
            )
        except WriteDenied as error:
            return _write_denied(request, error)
        if saved is not None:
            return _after_edit(
                request,
                saved,
                message=_("Đã lưu chỉ tiêu %(code)s.") % {"code": code},
                anchor=anchor_of("indicator", code),
            )
    return _form_response(
        request,
        stored,
        "criteria/authoring/_indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "action": reverse("web:draft-indicator", args=[set_id, version, code]),
            "anchor": anchor_of("indicator", code),
        },
    )


@require_POST
def remove_indicator(request: HttpRequest, set_id: str, version: int, code: str) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    return _remove(
        request,
        stored,
        lambda actor: authoring.remove_indicator(stored, code=code, actor=actor),
        _("Đã bỏ chỉ tiêu %(code)s.") % {"code": code},
    )


# --- Compare, preview, publish, delete -----------------------------------------------------


def diff(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """The draft against the version it came from (or its base set)."""
    stored = _visible_version(request, set_id, version)
    compared = authoring.compared_version(stored)
    if compared is None:
        raise Http404
    a, b = compared.to_domain(), stored.to_domain()
    criteria, conditions, counts = compare_sets(a, b)
    show_same = request.GET.get("all") == "1"
    return render(
        request,
        "criteria/authoring/diff.html",
        {
            "stored": stored,
            "compared": compared,
            "a": a,
            "b": b,
            "criteria": criteria if show_same else [c for c in criteria if c.status != SAME],
            "conditions": [c for c in conditions if c.status != SAME],
            "counts": counts,
            "show_same": show_same,
            "differentiation_differs": a.differentiation != b.differentiation,
        },
    )


def _as_of(request: HttpRequest) -> tuple[dt.date | None, str]:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return None, ""
    try:
        return parse_day(text), ""
    except ValueError:
        return None, _("Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định.") % {"text": text}


def preview(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """What would change for the province's communes if the draft were published."""
    stored = _visible_version(request, set_id, version)
    as_of, date_error = _as_of(request)
    return render(
        request,
        "criteria/authoring/preview.html",
        {
            "stored": stored,
            "preview": preview_draft(stored, as_of=as_of),
            "date_error": date_error,
        },
    )


@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """Confirm, then publish: the draft becomes a version that never changes."""
    stored = _visible_version(request, set_id, version)
    if not stored.is_draft:
        return redirect(reverse("web:criteria-set", args=[set_id]) + f"?version={version}")
    problems = authoring.publish_problems(stored)
    if request.method == "POST":
        try:
            published = authoring.publish_draft(stored, actor=Actor.from_request(request))
        except WriteDenied as error:
            return _write_denied(request, error)
        except PublishRefused as error:
            problems = error.problems
        except AuthoringError as error:
            messages.error(request, error.message)
            return redirect(_editor_url(stored))
        else:
            messages.success(
                request,
                _("Đã ban hành %(label)s theo văn bản %(number)s.")
                % {"label": published.label, "number": published.legal_number},
            )
            return redirect(
                reverse("web:criteria-set", args=[set_id]) + f"?version={published.version}"
            )
    compared = authoring.compared_version(stored)
    counts = compare_sets(compared.to_domain(), stored.to_domain())[2] if compared else None
    return render(
        request,
        "criteria/authoring/publish.html",
        {
            "stored": stored,
            "details": authoring.details_of(stored),
            "problems": problems,
            "compared": compared,
            "counts": counts,
            "preview": preview_draft(stored) if not problems else None,
        },
        status=409 if problems and request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """Discard a draft, after a confirmation."""
    stored = _visible_version(request, set_id, version)
    if not stored.is_draft:
        raise Http404
    if request.method == "POST":
        try:
            authoring.delete_draft(stored, actor=Actor.from_request(request))
        except WriteDenied as error:
            return _write_denied(request, error)
        messages.success(request, _("Đã xóa bản nháp %(label)s.") % {"label": stored.label})
        return redirect("web:criteria-drafts")
    return render(request, "criteria/authoring/delete.html", {"stored": stored})
