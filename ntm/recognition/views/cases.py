"""Recognition pages: the cases per stage and the registration of a commune."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.criteria.models import TierChoices
from ntm.recognition import forms, services
from ntm.recognition.models import (
    RecognitionCase,
    Stage,
)
from ntm.recognition.selectors import (
    COMMUNE,
    WAITING_STAGES,
    case_rows,
    cases_in_scope,
    filter_cases,
    stage_counts,
)
from ntm.recognition.views.helpers import (
    PAGE_SIZE,
    _forbidden,
    _int,
    actor_words,
)
from ntm.units.wording import crumbs

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
