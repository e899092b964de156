"""Unit pages: a unit's status under its criteria sets, its children overview (home and
search are the shell's, ``ntm/web/views_shell.py``).

Every view enforces the user's scope on the server: a unit outside it is a 404 (its
existence is not revealed), and lists only hold units inside it.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ntm.accounts.scope import scope_of, visible_unit
from ntm.approvals.approval_state import unit_periods
from ntm.dashboards import below, unit_status
from ntm.presentation.converters import parse_day
from ntm.recognition.panel import unit_panel
from ntm.units.models import AdminUnit
from ntm.units.selectors import default_as_of


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
        "dashboards/unit.html",
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
        "dashboards/children.html",
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
