"""Adding, renaming and removing a draft's own criteria and indicators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.audit.services import Actor
from ntm.criteria import authoring
from ntm.criteria import forms_authoring as forms
from ntm.criteria.authoring import AuthoringError, IndicatorInput
from ntm.criteria.models import CriteriaSet
from ntm.criteria.views_authoring.shared import (
    _after_edit,
    _body,
    _editor_url,
    _form_response,
    _is_htmx,
    _save_edit,
    _visible_version,
    _write_denied,
    anchor_of,
)


@require_POST
def add_criterion(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    stored = _visible_version(request, set_id, version)
    form = forms.CriterionForm(request.POST, groups=stored.to_domain().groups, prefix="new")
    if form.is_valid():
        number = form.cleaned_data["number"].strip()
        response = _save_edit(
            request,
            lambda: authoring.add_criterion(
                stored,
                number=form.cleaned_data["number"],
                name_vi=form.cleaned_data["name_vi"],
                name_en=form.cleaned_data["name_en"],
                group=form.cleaned_data.get("group") or "",
                actor=Actor.from_request(request),
            ),
            form,
            message=_("Đã thêm tiêu chí %(number)s.") % {"number": number},
            anchor=anchor_of("criterion", number),
        )
        if response is not None:
            return response
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
        response = _save_edit(
            request,
            lambda: authoring.update_criterion(
                stored,
                number=number,
                name_vi=form.cleaned_data["name_vi"],
                name_en=form.cleaned_data["name_en"],
                actor=Actor.from_request(request),
            ),
            form,
            message=_("Đã đổi tên tiêu chí %(number)s.") % {"number": number},
            anchor=anchor_of("criterion", number),
        )
        if response is not None:
            return response
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
        code = form.cleaned_data["code"].strip()
        response = _save_edit(
            request,
            lambda: authoring.add_indicator(
                stored,
                criterion=number,
                entry=_indicator_input(form.cleaned_data),
                actor=Actor.from_request(request),
            ),
            form,
            message=_("Đã thêm chỉ tiêu %(code)s.") % {"code": code},
            anchor=anchor_of("indicator", code),
        )
        if response is not None:
            return response
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
        response = _save_edit(
            request,
            lambda: authoring.update_indicator(
                stored,
                code=code,
                entry=_indicator_input(form.cleaned_data),
                actor=Actor.from_request(request),
            ),
            form,
            message=_("Đã lưu chỉ tiêu %(code)s.") % {"code": code},
            anchor=anchor_of("indicator", code),
        )
        if response is not None:
            return response
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
