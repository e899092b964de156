"""The shell's pages: home and search (moved out of ``views_units.py``, issue 10).

Every view enforces the user's scope on the server: lists only hold units inside it.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from ntm.accounts.scope import scope_of
from ntm.core.hierarchy import REFORM_2025, search_key
from ntm.dashboards import unit_status
from ntm.units.models import AdminUnit
from ntm.units.selectors import list_units

#: The most search results shown; a longer list asks for a more precise query.
SEARCH_LIMIT = 50


def home(request: HttpRequest) -> HttpResponse:
    """A national user sees the provinces of both eras; a unit's user goes to their unit."""
    scope = scope_of(request.user)
    if scope.root_id is not None:
        return redirect("web:unit", unit_id=scope.root_id)
    provinces = []
    if scope.is_national:
        provinces = list(
            AdminUnit.objects.filter(level="province")
            .annotate(
                districts=Count("children", filter=Q(children__level="district"), distinct=True),
                communes=Count("children", filter=Q(children__level="commune"), distinct=True),
                district_communes=Count(
                    "children__children",
                    filter=Q(children__children__level="commune"),
                    distinct=True,
                ),
            )
            .order_by("code", "valid_from")
        )
    before = [p for p in provinces if p.valid_from is None or p.valid_from < REFORM_2025]
    after = [p for p in provinces if p.valid_from is not None and p.valid_from >= REFORM_2025]
    return render(
        request,
        "web/home.html",
        {
            "before": before,
            "after": after,
            "reform": REFORM_2025,
            "has_scope": scope.is_national,
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Units whose name contains the query, ignoring accents and case, within the scope."""
    scope = scope_of(request.user)
    query = request.GET.get("q", "").strip()
    results: list[AdminUnit] = []
    if search_key(query):
        units = scope.filter(list_units(query=query).select_related("parent__parent__parent"))
        results = list(units[: SEARCH_LIMIT + 1])
    context = {
        "q": query,
        "results": [_search_row(u, results) for u in results[:SEARCH_LIMIT]],
        "more": len(results) > SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    template = "web/_search_results.html" if partial else "web/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _search_row(unit: AdminUnit, results: list[AdminUnit]) -> dict:
    repeated = sum(1 for other in results if other.name == unit.name) > 1
    return {
        "unit": unit,
        "parents": unit_status.parent_chain(unit),
        "era": unit_status.era_label(unit) if repeated else "",
        "validity": unit_status.validity_text(unit),
        "in_force": unit.valid_to is None,
    }
