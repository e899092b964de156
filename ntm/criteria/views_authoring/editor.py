"""The draft editor, its details and threshold forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorKind
from ntm.criteria import authoring
from ntm.criteria import forms_authoring as forms
from ntm.criteria.views_authoring.shared import (
    _body_context,
    _form_response,
    _is_htmx,
    _save_edit,
    _visible_version,
    anchor_of,
)

# --- The editor -----------------------------------------------------------------------------


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


def edit_details(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    form = forms.DetailsForm(
        request.POST or None,
        initial=forms.DetailsForm.initial_from(authoring.details_of(stored)),
        prefix="details",
    )
    if request.method == "POST" and form.is_valid():
        response = _save_edit(
            request,
            lambda: authoring.update_details(
                stored, details=form.details(), actor=Actor.from_request(request)
            ),
            form,
            message=_("Đã lưu thông tin chung."),
            anchor="set-details",
        )
        if response is not None:
            return response
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
            response = _save_edit(
                request,
                lambda: authoring.set_thresholds(
                    stored,
                    code=code,
                    cells=cells,
                    decision=decision_form.decision(),
                    confirm_all=decision_form.cleaned_data["confirm_all"],
                    actor=Actor.from_request(request),
                ),
                decision_form,
                message=_("Đã lưu ngưỡng chỉ tiêu %(code)s.") % {"code": code},
                anchor=anchor_of("indicator", code),
            )
            if response is not None:
                return response
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
