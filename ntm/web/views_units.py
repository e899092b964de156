"""Unit pages: home, search, a unit's status under its criteria sets, its children overview.

Every view enforces the user's scope on the server: a unit outside it is a 404 (its
existence is not revealed), and lists only hold units inside it.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ntm.accounts.scope import scope_of, visible_unit
from ntm.approvals.approval_state import unit_periods
from ntm.core.hierarchy import REFORM_2025, search_key
from ntm.dashboards import below, unit_status
from ntm.presentation.converters import parse_day
from ntm.recognition.panel import unit_panel
from ntm.units.models import AdminUnit
from ntm.units.selectors import default_as_of, list_units

#: The most search results shown; a longer list asks for a more precise query.
SEARCH_LIMIT = 50


def _as_of(request: HttpRequest, unit: AdminUnit) -> tuple[date, str]:
    """The date asked for (?as_of=YYYY-MM-DD), else the unit's default; and an error text."""
    text = request.GET.get("as_of", "").strip()
    if text:
        try:
            return parse_day(text), ""
        except ValueError:
            return default_as_of(unit), _(
                "Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định."
            ) % {"text": text}
    return default_as_of(unit), ""


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


def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit as of a date: status under each applicable set, criteria, history."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    as_of, date_error = _as_of(request, unit)
    page = unit_status.unit_page(
        unit, scope=scope, as_of=as_of, set_id=request.GET.get("set", "").strip()
    )
    return render(
        request,
        "web/unit.html",
        {
            "page": page,
            "unit": unit,
            "as_of": as_of,
            "date_error": date_error,
            "validity": unit_status.validity_text(unit),
            "era": unit_status.era_label(unit),
            "last_day": unit_status.last_day(unit),
            "report_days": page.report_days,
            "on_last_day": not request.GET.get("as_of") and as_of == unit_status.last_day(unit),
            "periods": unit_periods(unit),
            "recognition": unit_panel(request.user, unit, as_of),
        },
    )


def children_overview(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's children on a date, each with met/total, tier, target and unmet criteria."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    as_of, date_error = _as_of(request, unit)
    overview = unit_status.children_overview(
        unit,
        scope=scope,
        as_of=as_of,
        set_id=request.GET.get("set", "").strip(),
        sort=request.GET.get("sort", "name"),
    )
    average = (
        unit_status.localized_number(round(overview.average_met, 1))
        if overview.average_met is not None
        else None
    )
    return render(
        request,
        "web/children.html",
        {
            "unit": unit,
            "overview": overview,
            "crumbs": unit_status.crumbs(unit, scope),
            "as_of": as_of,
            "date_error": date_error,
            "average": average,
            "sort_links": unit_status.sort_links(overview.sort),
            "validity": unit_status.validity_text(unit),
            "report_days": below.report_days(unit),
            # Opened without a date on a unit that has ended: say which day is shown.
            "on_last_day": not request.GET.get("as_of") and as_of == unit_status.last_day(unit),
        },
    )
