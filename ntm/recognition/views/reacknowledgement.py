"""Recognition pages: re-acknowledgement of communes merged in 2025."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import Scope, scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.criteria.models import TierChoices
from ntm.recognition import forms, services
from ntm.recognition.selectors import (
    PROVINCE,
    awaiting_for_unit,
    awaiting_reacknowledgement,
    province_of,
    provinces_in_scope,
)
from ntm.recognition.views.helpers import (
    _forbidden,
    _int,
    _lower_first,
)
from ntm.units.models import AdminUnit
from ntm.units.wording import crumbs

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
