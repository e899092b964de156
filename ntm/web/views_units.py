"""Read-only pages over what exists so far: units with their history, criteria sets."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ntm.core.hierarchy import REFORM_2025, Era
from ntm.criteria.selectors import latest_sets
from ntm.units.models import AdminUnit, Succession


def home(request: HttpRequest) -> HttpResponse:
    """Provinces of both eras with their number of children, and the criteria sets."""
    provinces = (
        AdminUnit.objects.filter(level="province")
        .annotate(
            districts=Count("children", filter=Q(children__level="district")),
            communes=Count("children", filter=Q(children__level="commune")),
        )
        .order_by("code")
    )
    before = [p for p in provinces if p.valid_from is None or p.valid_from < REFORM_2025]
    after = [p for p in provinces if p.valid_from is not None and p.valid_from >= REFORM_2025]
    return render(
        request,
        "web/home.html",
        {"before": before, "after": after, "sets": latest_sets(), "eras": Era},
    )


def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit: its place in the hierarchy, its children and its predecessors and successors."""
    unit = get_object_or_404(AdminUnit.objects.select_related("parent"), pk=unit_id)
    children = unit.children.order_by("level", "name")
    links = Succession.objects.select_related("event", "predecessor", "successor")
    return render(
        request,
        "web/unit.html",
        {
            "unit": unit,
            "children": children,
            "predecessors": links.filter(successor=unit).order_by("predecessor__name"),
            "successors": links.filter(predecessor=unit).order_by("successor__name"),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    raise Http404


def children_overview(request: HttpRequest, unit_id: int) -> HttpResponse:
    raise Http404
