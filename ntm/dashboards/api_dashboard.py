"""API: the dashboard figures of a unit (or of the whole country), as the web page shows them.

Signed-in users only (session auth), within their scope: 401 when not signed in, 404 for a
unit outside the scope, as on the web pages.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id
from ntm.accounts.scope import scope_of
from ntm.dashboards.dashboard import Dashboard, build_dashboard
from ntm.units.selectors import default_as_of

router = Router()


class Tiers(Schema):
    none: int
    standard: int
    advanced: int
    model: int
    at_standard: int
    at_advanced: int


class GroupOut(Schema):
    unit_id: int
    name: str
    code: str
    tiers: Tiers
    with_data: int
    average_met: float | None
    below_15: int


class HardCriterionOut(Schema):
    number: str
    name: str
    not_met: int
    judged: int
    missing: int
    share_not_met: float | None


class TrendOut(Schema):
    date: dt.date
    units: int
    tiers: Tiers
    criteria_set: str | None
    total_criteria: int | None
    with_data: int
    average_met: float | None


class TargetOut(Schema):
    unit_id: int
    unit: str
    tier: str
    year: int
    planned: int
    planned_max: int | None
    reached: int
    counted_on: dt.date
    is_due: bool
    is_met: bool


class DashboardOut(Schema):
    unit_id: int | None
    as_of: dt.date
    assessed_level: str
    criteria_set: str | None
    total_criteria: int | None
    units: int
    tiers: Tiers
    with_data: int
    average_met: float | None
    below_15: int | None
    groups: list[GroupOut]
    distribution: list[int]
    hardest: list[HardCriterionOut]
    trends: list[TrendOut]
    targets: list[TargetOut]


def _tiers(counts) -> dict:
    return {
        "none": counts.none,
        "standard": counts.standard,
        "advanced": counts.advanced,
        "model": counts.model,
        "at_standard": counts.at_standard,
        "at_advanced": counts.at_advanced,
    }


def _out(board: Dashboard) -> dict:
    return {
        "unit_id": board.unit.pk if board.unit else None,
        "as_of": board.as_of,
        "assessed_level": board.assessed_level,
        "criteria_set": str(board.criteria_set) if board.criteria_set else None,
        "total_criteria": board.total_criteria,
        "units": board.total_units,
        "tiers": _tiers(board.tiers),
        "with_data": board.with_data,
        "average_met": board.average_met,
        "below_15": board.weak,
        "groups": [
            {
                "unit_id": g.unit_id, "name": g.name, "code": g.code, "tiers": _tiers(g.tiers),
                "with_data": g.with_data, "average_met": g.average_met, "below_15": g.weak,
            }
            for g in board.groups
        ],
        "distribution": board.distribution,
        "hardest": [
            {
                "number": h.number, "name": h.name, "not_met": h.not_met, "judged": h.judged,
                "missing": h.missing, "share_not_met": h.share,
            }
            for h in board.hardest
        ],
        "trends": [
            {
                "date": p.day, "units": p.units, "tiers": _tiers(p.tiers),
                "criteria_set": str(p.criteria_set) if p.criteria_set else None,
                "total_criteria": p.total, "with_data": p.with_data,
                "average_met": p.average_met,
            }
            for p in board.trends
        ],
        "targets": [
            {
                "unit_id": t.unit_id, "unit": t.unit_name, "tier": t.tier, "year": t.year,
                "planned": t.planned, "planned_max": t.planned_max, "reached": t.reached,
                "counted_on": t.counted_on, "is_due": t.is_due, "is_met": t.is_met,
            }
            for t in board.targets
        ],
    }  # fmt: skip


@router.get("/national", response=DashboardOut, summary="The whole country's dashboard")
def national_dashboard(request: HttpRequest, as_of: Day | None = None, set: str = "") -> dict:
    """Rural communes of the country by province; national users only (404 otherwise)."""
    scope = scope_of(request.user)
    if not scope.is_national:
        raise HttpError(404, "Not found")
    board = build_dashboard(
        None, scope=scope, as_of=as_of or timezone.localdate(), set_id=set.strip()
    )
    return _out(board)


@router.get("/{unit_id}", response=DashboardOut, summary="A unit's dashboard")
def unit_dashboard(
    request: HttpRequest, unit_id: Id, as_of: Day | None = None, set: str = ""
) -> dict:
    """Tiers, criteria met, hardest criteria, trends and targets of the units below a unit,
    as of a date (default: the unit's last day, or today) under a set (default: the first
    that applies)."""
    scope = scope_of(request.user)
    unit = api_visible_unit(request, unit_id, "Not found")
    board = build_dashboard(
        unit, scope=scope, as_of=as_of or default_as_of(unit), set_id=set.strip()
    )
    return _out(board)
