"""What the authoring pages share: access, the editor's body, running a service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from ntm.accounts.permissions import WriteDenied
from ntm.core.criteria.model import IndicatorKind
from ntm.criteria import authoring
from ntm.criteria import forms_authoring as forms
from ntm.criteria.authoring import AuthoringError
from ntm.criteria.models import CriteriaSet
from ntm.criteria.views_criteria import (
    CriterionView,
    IndicatorView,
    indicator_view,
    sections_of,
)

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


def _save_edit(
    request: HttpRequest,
    call: Callable[[], CriteriaSet],
    form: Any,
    *,
    message: str,
    anchor: str = "",
) -> HttpResponse | None:
    """Run an edit from a valid form: the editor after a save, 403 on a denial, None when
    the service refused (the reason is then on the form, to be shown again)."""
    try:
        saved = _run(call, form)
    except WriteDenied as error:
        return _write_denied(request, error)
    if saved is None:
        return None
    return _after_edit(request, saved, message=message, anchor=anchor)
