"""Dashboards and maps of a unit and what lies under it (or of the whole country); the
upload of a province's boundary GeoJSON is in ``ntm.units.views_boundaries``.

Views check the scope (a unit outside it is a 404), read the as-of date and the set as the
unit pages do, ask ``ntm.dashboards.dashboard`` for the figures and turn them into words
and chart data. Charts are drawn by ``dashboards/dashboard.js`` from the ``json_script`` data;
each chart has its figures as a table beside it for screen readers and print.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from ntm.accounts.permissions import OFFICE_ROLES, can_write
from ntm.accounts.scope import Scope, scope_of, visible_unit
from ntm.core.hierarchy import REFORM_2025
from ntm.dashboards import unit_status
from ntm.dashboards.dashboard import Dashboard, TrendPoint, build_dashboard
from ntm.dashboards.unit_status import localized_number, short_date
from ntm.dashboards.views_units import _as_of
from ntm.presentation.converters import parse_day
from ntm.units import boundaries
from ntm.units.models import AdminUnit

#: Tier keys in chart order, with their labels; rank 0 is "not recognized".
TIER_KEYS = ("none", "standard", "advanced", "model")


def _tier_labels() -> dict[str, str]:
    return {
        "none": _("Chưa đạt chuẩn"),
        "standard": _("Đạt chuẩn"),
        "advanced": _("Nâng cao"),
        "model": _("Kiểu mẫu"),
    }


#: The assessed units' kind as a word that goes before "units" in English ("commune units").
UNIT_KIND_WORDS = {
    "province": pgettext_lazy("loại đơn vị", "tỉnh"),
    "district": pgettext_lazy("loại đơn vị", "huyện"),
    "commune": pgettext_lazy("loại đơn vị", "xã"),
    "village": pgettext_lazy("loại đơn vị", "thôn"),
}


def _noun(level: str) -> str:
    return str(UNIT_KIND_WORDS.get(level, level))


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else localized_number(round(value, digits))


def _percent(share: float | None) -> str:
    return "" if share is None else f"{localized_number(round(share * 100, 1))} %"


def _national_as_of(request: HttpRequest) -> tuple[date, str]:
    text = request.GET.get("as_of", "").strip()
    if text:
        try:
            return parse_day(text), ""
        except ValueError:
            return timezone.localdate(), _(
                "Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định."
            ) % {"text": text}
    return timezone.localdate(), ""


class _ToOwnUnit(Exception):
    """A user who does not see the whole country asked for it: go to their own unit."""

    def __init__(self, unit_id: int):
        self.unit_id = unit_id


def _subject(request: HttpRequest, unit_id: int | None) -> tuple[Scope, AdminUnit | None]:
    """The unit asked for (404 outside the scope), or None for the country (national users)."""
    scope = scope_of(request.user)
    if unit_id is None:
        if scope.root_id is not None:
            raise _ToOwnUnit(scope.root_id)
        if not scope.is_national:
            raise Http404
        return scope, None
    return scope, visible_unit(scope, unit_id)


# --- Chart data ------------------------------------------------------------------------------


def _tier_series(counts: list[Any]) -> list[dict[str, Any]]:
    labels = _tier_labels()
    return [
        {"key": key, "label": labels[key], "data": [getattr(c, key) for c in counts]}
        for key in TIER_KEYS
    ]


def chart_data(board: Dashboard) -> dict[str, Any]:
    """What dashboard.js draws: labels and series, every text already in the page's language."""
    noun = _noun(board.assessed_level)
    charts: dict[str, Any] = {}
    if board.groups:
        charts["groups"] = {
            "kind": "stacked_bars",
            "labels": [g.name for g in board.groups],
            "series": _tier_series([g.tiers for g in board.groups]),
            "axis": _("Số %(noun)s") % {"noun": noun},
        }
    elif board.units and board.total_criteria:
        ordered = sorted(board.units, key=lambda u: (-(u.met or -1), u.name))
        charts["units"] = {
            "kind": "unit_bars",
            "labels": [u.name for u in ordered],
            "values": [u.met for u in ordered],
            "tiers": [TIER_KEYS[u.tier_rank] for u in ordered],
            "tier_labels": _tier_labels(),
            "max": board.total_criteria,
            "axis": _("Số tiêu chí đạt"),
        }
    if board.distribution:
        charts["distribution"] = {
            "kind": "bars",
            "labels": [str(i) for i in range(len(board.distribution))],
            "values": board.distribution,
            "axis": _("Số %(noun)s") % {"noun": noun},
            "x_axis": _("Số tiêu chí đạt"),
            "label": _("Số %(noun)s") % {"noun": noun},
        }
    if board.hardest:
        charts["hardest"] = {
            "kind": "share_bars",
            "labels": [f"{h.number}. {h.name}" for h in board.hardest],
            "values": [None if h.share is None else round(h.share * 100, 1) for h in board.hardest],
            "axis": _("Tỷ lệ %(noun)s chưa đạt (%%)") % {"noun": noun},
            "label": _("Chưa đạt"),
        }
    if len(board.trends) > 1:
        charts["trends"] = {
            "kind": "trends",
            "labels": [trend_label(p) for p in board.trends],
            "series": _tier_series([p.tiers for p in board.trends]),
            "line": {
                "label": _("Tiêu chí đạt bình quân"),
                "data": [
                    None if p.average_met is None else round(p.average_met, 2) for p in board.trends
                ],
            },
            "axis": _("Số %(noun)s") % {"noun": noun},
            "line_axis": _("Tiêu chí đạt bình quân"),
        }
    return charts


def trend_label(point: TrendPoint) -> str:
    return str(point.day.year) if point.is_year_end else short_date(point.day)


# --- Words -----------------------------------------------------------------------------------


def kpis(board: Dashboard) -> list[dict[str, str]]:
    """The key figures as tiles: value, label and a detail line."""
    noun = _noun(board.assessed_level)
    total = board.total_units
    tiles = [
        {
            "id": "standard",
            "value": f"{board.tiers.at_standard}/{total}",
            "label": _("%(noun)s đạt chuẩn trở lên") % {"noun": noun},
            "detail": _percent(board.tiers.at_standard / total if total else None),
        },
        {
            "id": "advanced",
            "value": f"{board.tiers.at_advanced}/{total}",
            "label": _("%(noun)s nâng cao trở lên") % {"noun": noun},
            "detail": _percent(board.tiers.at_advanced / total if total else None),
        },
        {
            "id": "model",
            "value": f"{board.tiers.model}/{total}",
            "label": _("%(noun)s đạt kiểu mẫu") % {"noun": noun},
            "detail": _percent(board.tiers.model / total if total else None),
        },
    ]
    if board.total_criteria is not None:
        tiles.append(
            {
                "id": "average",
                "value": (
                    f"{_number(board.average_met)}/{board.total_criteria}"
                    if board.average_met is not None
                    else "—"
                ),
                "label": _("tiêu chí đạt, bình quân một %(noun)s") % {"noun": noun},
                "detail": ngettext(
                    "trên %(count)s %(noun)s có số liệu",
                    "trên %(count)s %(noun)s có số liệu",
                    board.with_data,
                )
                % {"count": localized_number(board.with_data), "noun": noun},
            }
        )
    if board.weak is not None:
        tiles.append(
            {
                "id": "weak",
                "value": localized_number(board.weak),
                "label": _("%(noun)s dưới 15 tiêu chí") % {"noun": noun},
                "detail": _percent(board.weak / board.with_data if board.with_data else None),
            }
        )
    return tiles


def group_summary(board: Dashboard) -> str:
    """One sentence under the tiers-per-child chart: the best and the weakest child."""
    rows = [g for g in board.groups if g.tiers.total]
    if not rows:
        return ""
    best = max(rows, key=lambda g: (g.tiers.at_standard / g.tiers.total, g.tiers.total))
    worst = min(rows, key=lambda g: (g.tiers.at_standard / g.tiers.total, -g.tiers.total))
    noun = _noun(board.assessed_level)
    return _(
        "Tỷ lệ %(noun)s đạt chuẩn cao nhất: %(best)s (%(best_n)s/%(best_total)s); "
        "thấp nhất: %(worst)s (%(worst_n)s/%(worst_total)s)."
    ) % {
        "noun": noun,
        "best": best.name,
        "best_n": best.tiers.at_standard,
        "best_total": best.tiers.total,
        "worst": worst.name,
        "worst_n": worst.tiers.at_standard,
        "worst_total": worst.tiers.total,
    }


def hardest_summary(board: Dashboard) -> str:
    top = [h for h in board.hardest[:3] if h.not_met]
    if not top:
        return ""
    return _("Khó đạt nhất: %(list)s.") % {
        "list": "; ".join(f"{h.number}. {h.name} ({_percent(h.share)})" for h in top)
    }


def trend_summary(board: Dashboard) -> str:
    if len(board.trends) < 2:
        return ""
    first, last = board.trends[0], board.trends[-1]
    noun = _noun(board.assessed_level)
    return _(
        "%(noun_cap)s đạt chuẩn trở lên: %(first_n)s/%(first_total)s (%(first)s) → "
        "%(last_n)s/%(last_total)s (%(last)s)."
    ) % {
        "noun_cap": noun[:1].upper() + noun[1:],
        "first_n": first.tiers.at_standard,
        "first_total": first.units,
        "first": trend_label(first),
        "last_n": last.tiers.at_standard,
        "last_total": last.units,
        "last": trend_label(last),
    }


def target_text(row, noun: str) -> str:
    """ "4 xã nâng cao năm 2022, đạt 3" (the count reached by the end of the year)."""
    planned = (
        f"{row.planned}–{row.planned_max}"
        if row.planned_max and row.planned_max != row.planned
        else str(row.planned)
    )
    return _("%(planned)s %(noun)s %(tier)s năm %(year)s") % {
        "planned": planned,
        "noun": noun,
        "tier": str(unit_status.TIER_WORDS.get(row.tier, row.tier)),
        "year": row.year,
    }


def _context(request: HttpRequest, unit: AdminUnit | None, board: Dashboard, **extra) -> dict:
    scope = scope_of(request.user)
    noun = _noun(board.assessed_level)
    return {
        "unit": unit,
        "board": board,
        "noun": noun,
        "as_of": board.as_of,
        "crumbs": unit_status.crumbs(unit, scope) if unit else [],
        "after_reform": board.as_of >= REFORM_2025,
        "reform_eve": date(2025, 6, 30),
        "in_force": unit is None or unit_status.is_in_force(unit, board.as_of),
        "validity": unit_status.validity_text(unit) if unit else "",
        **extra,
    }


# --- Views -----------------------------------------------------------------------------------


def dashboard(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """Tiers, criteria met, hardest criteria, trends and targets of a unit's units."""
    try:
        scope, unit = _subject(request, unit_id)
    except _ToOwnUnit as own:
        return redirect("web:unit-dashboard", unit_id=own.unit_id)
    as_of, date_error = _as_of(request, unit) if unit else _national_as_of(request)
    board = build_dashboard(
        unit, scope=scope, as_of=as_of, set_id=request.GET.get("set", "").strip()
    )
    noun = _noun(board.assessed_level)
    return render(
        request,
        "dashboards/dashboard.html",
        _context(
            request,
            unit,
            board,
            date_error=date_error,
            charts=chart_data(board),
            kpis=kpis(board),
            group_summary=group_summary(board),
            hardest_summary=hardest_summary(board),
            trend_summary=trend_summary(board),
            targets=[(t, target_text(t, noun)) for t in board.targets],
            own_targets=[(t, target_text(t, noun)) for t in board.own_targets],
            tier_labels=_tier_labels(),
            rows=chart_rows(board),
        ),
    )


def chart_rows(board: Dashboard) -> dict[str, int]:
    """Rows of the horizontal bar charts: their height grows with them (dashboard.css)."""
    return {
        "groups": max(len(board.groups), 4),
        "units": max(len(board.units), 4),
        "hardest": max(len(board.hardest), 4),
    }


def map_view(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """The assessed units as points (or boundaries where uploaded), coloured by tier or met."""
    try:
        scope, unit = _subject(request, unit_id)
    except _ToOwnUnit as own:
        return redirect("web:unit-map", unit_id=own.unit_id)
    as_of, date_error = _as_of(request, unit) if unit else _national_as_of(request)
    board = build_dashboard(
        unit,
        scope=scope,
        as_of=as_of,
        set_id=request.GET.get("set", "").strip(),
        with_trends=False,
    )
    shapes = boundaries.shapes_for([u.unit_id for u in board.units])
    placed = [u for u in board.units if u.latitude is not None or u.unit_id in shapes]
    unplaced = [u for u in board.units if u.latitude is None and u.unit_id not in shapes]
    tier_labels = _tier_labels()
    points = {
        "units": [
            [
                u.unit_id,
                u.name,
                u.latitude,
                u.longitude,
                u.met,
                u.tier_rank,
                u.group,
                u.code,
            ]
            for u in placed
        ],
        "shapes": {str(uid): geometry for uid, geometry in shapes.items()},
        "total": board.total_criteria,
        "tiers": [tier_labels[k] for k in TIER_KEYS],
        "url": reverse("web:unit", args=[0]),
        "query": f"?as_of={as_of.isoformat()}"
        + (f"&set={board.criteria_set.set_id}" if board.criteria_set else ""),
        "texts": {
            "met": _("Tiêu chí đạt"),
            "tier": _("Mức công nhận"),
            "no_data": _("chưa có số liệu"),
            "open": _("Mở trang đơn vị"),
            "code": _("mã"),
        },
    }
    province_for_upload = _upload_target(request.user, unit)
    return render(
        request,
        "dashboards/map.html",
        _context(
            request,
            unit,
            board,
            date_error=date_error,
            points=points,
            placed=len(placed),
            shaped=sum(1 for u in placed if u.unit_id in shapes),
            unplaced=unplaced,
            tier_labels=tier_labels,
            upload_province=province_for_upload,
        ),
    )


def _upload_target(user, unit: AdminUnit | None) -> AdminUnit | None:
    """The province whose boundaries this user may upload from this map, if any."""
    if unit is None or unit.level != "province":
        return None
    return unit if can_write(user, unit, roles=OFFICE_ROLES) else None
