"""Public pages: no login needed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ntm.core.hierarchy import search_key
from ntm.criteria.models import TierChoices
from ntm.presentation.converters import parse_id
from ntm.recognition.models import Recognition
from ntm.recognition.selectors import public_recognitions
from ntm.units.models import AdminUnit

PAGE_SIZE = 50
# A recognized unit is at most a village: village > commune > district > province.
ANCESTOR_PATHS = ("unit", "unit__parent", "unit__parent__parent", "unit__parent__parent__parent")


@login_not_required
def recognitions(request: HttpRequest) -> HttpResponse:
    """Every recognition decision, newest first, filterable by province, tier and text."""
    province_id = _int_param(request.GET.get("province"))
    tier = request.GET.get("tier", "")
    if tier not in TierChoices.values:
        tier = ""
    text = request.GET.get("q", "").strip()[:100]

    rows = filter_recognitions(public_recognitions(), province_id=province_id, tier=tier, text=text)
    rows = rows.select_related(
        "unit__parent__parent__parent", "criteria_set", "revocation"
    ).order_by("-decision_date", "unit__name", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/recognitions.html",
        {
            "page": page,
            "recognitions": page.object_list,
            "provinces": provinces_with_recognitions(),
            "tiers": TierChoices.choices,
            "filters": {"province": province_id, "tier": tier, "q": text},
            "is_filtered": bool(province_id or tier or text),
            "query_without_page": _query_without_page(request),
        },
    )


def filter_recognitions(
    rows: QuerySet[Recognition], *, province_id: int | None, tier: str, text: str
) -> QuerySet[Recognition]:
    if province_id:
        within = Q()
        for path in ANCESTOR_PATHS:
            within |= Q(**{f"{path}_id": province_id})
        rows = rows.filter(within)
    if tier:
        rows = rows.filter(tier=tier)
    if text:
        key = search_key(text)
        matches = Q(decision_number__icontains=text) | Q(issuer__icontains=text)
        for path in ANCESTOR_PATHS[:3]:
            matches |= Q(**{f"{path}__search_name__contains": key})
        rows = rows.filter(matches)
    return rows


def provinces_with_recognitions() -> list[AdminUnit]:
    """Provinces (of either era) that hold at least one recognized unit: two queries."""
    chains = Recognition.objects.values_list(
        "unit_id",
        "unit__level",
        "unit__parent_id",
        "unit__parent__level",
        "unit__parent__parent_id",
        "unit__parent__parent__level",
        "unit__parent__parent__parent_id",
    ).distinct()
    province_ids = set()
    for chain in chains:
        ids, levels = chain[0::2], (*chain[1::2], "province")
        for unit_id, level in zip(ids, levels, strict=True):
            if level == "province" and unit_id:
                province_ids.add(unit_id)
                break
    return list(AdminUnit.objects.filter(id__in=province_ids).order_by("name", "valid_from", "id"))


def _int_param(raw: str | None) -> int | None:
    return parse_id(raw)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
