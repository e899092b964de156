"""Reads of criteria sets, public, and the evaluation of a unit in the user's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

from ntm.accounts.api_auth import public_auth
from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id
from ntm.core.criteria.schema import definition_to_dict
from ntm.core.hierarchy import AmbiguousUnit, HierarchyError
from ntm.criteria.api.common import router
from ntm.criteria.api.schemas import Detail, EvaluationOut, SetSummary
from ntm.criteria.authoring import (
    may_author,
)
from ntm.criteria.selectors import UnknownSet, get_set, latest_sets


def _summary(s) -> dict[str, Any]:
    return {
        "id": s.set_id,
        "version": s.version,
        "name_vi": s.name_vi,
        "name_en": s.name_en,
        "level": s.level,
        "tier": s.tier,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "legal_number": s.legal_number,
        "criteria": len(s.definition["criteria"]),
        "extends": str(s.extends) if s.extends_id else None,
        "requires": s.requires_set_id or None,
    }


@router.get(
    "",
    auth=public_auth,
    response=list[SetSummary],
    summary="List criteria sets (latest versions)",
    operation_id="ntm_criteria_api_list_sets",
)
def list_sets(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in latest_sets()]


@router.get(
    "/{set_id}",
    auth=public_auth,
    summary="A criteria set with its criteria, indicators and thresholds",
    operation_id="ntm_criteria_api_set_detail",
)
def set_detail(request: HttpRequest, set_id: str, version: Id | None = None) -> dict[str, Any]:
    stored = get_set(set_id, version)  # UnknownSet: 404 (ntm.web.errors)
    if stored.is_draft and not may_author(request.user, stored):
        raise HttpError(404, f"Unknown criteria set {stored.label!r}.")
    return {"summary": _summary(stored), "definition": definition_to_dict(stored.to_domain())}


@router.get(
    "/{set_id}/evaluation",
    response={200: EvaluationOut, 404: Detail, 409: Detail},
    summary="Evaluate a unit against the set as of a date",
    description="Without `version`, the version of the set in force on `as_of`. Signed-in "
    "users only, for a unit in their scope (404 otherwise: draft figures are not public).",
    operation_id="ntm_criteria_api_evaluation",
)
def evaluation(
    request: HttpRequest,
    set_id: str,
    unit: str,
    as_of: Day,
    version: Id | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    from ntm.dashboards.evaluation import evaluate_unit
    from ntm.units.selectors import find_unit

    try:
        stored = get_set(set_id, version, on=as_of)
    except UnknownSet as error:
        raise HttpError(404, str(error)) from None
    if stored.is_draft and not may_author(request.user, stored):
        raise HttpError(404, f"Unknown criteria set {stored.label!r}.")
    try:
        record = find_unit(unit, on=as_of, level=level or stored.level)
    except AmbiguousUnit as error:
        raise HttpError(409, str(error)) from None
    except HierarchyError as error:
        raise HttpError(404, str(error)) from None
    target = api_visible_unit(request, record.id, f"No unit {unit!r} in your scope.")
    report = evaluate_unit(target, stored, as_of)
    return {
        "unit": {
            "id": target.id,
            "code": target.code,
            "name": target.name,
            "level": target.level,
            "era": target.era.value,
        },
        **report,
    }
