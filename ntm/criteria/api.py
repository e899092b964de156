"""API: criteria sets and evaluations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from ntm.core.criteria.schema import definition_to_dict
from ntm.core.hierarchy import AmbiguousUnit, HierarchyError
from ntm.criteria.selectors import UnknownSet, get_set, latest_sets

router = Router()


class SetSummary(Schema):
    id: str
    version: int
    name_vi: str
    name_en: str
    level: str
    tier: str
    period_start: int | None
    period_end: int | None
    legal_number: str
    criteria: int
    extends: str | None
    requires: str | None


class IndicatorResult(Schema):
    key: str
    code: str
    name: str
    kind: str
    unit: str
    comparator: str | None
    status: str
    value: float | None
    threshold: float | None
    gap: float | None
    confidence: str
    threshold_confidence: str | None
    threshold_sources: list[str]


class CriterionResult(Schema):
    number: str
    key: str
    name: str
    status: str
    certified: bool
    is_key_for_revocation: bool
    indicators: list[IndicatorResult]


class Revocation(Schema):
    rule: str
    failed_share: float
    key_criterion_failed: bool
    due: bool
    near: bool


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str
    era: str


class EvaluationOut(Schema):
    unit: UnitRef
    set: str
    set_version: int
    tier: str
    as_of: dt.date
    met: int
    total: int
    all_met: bool
    conditions_met: bool
    criteria: list[CriterionResult]
    conditions: list[IndicatorResult]
    revocation: Revocation
    eligible_tiers: list[str]
    ladder: list[str]
    recognitions_in_force: list[dict[str, Any]]


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


@router.get("", response=list[SetSummary], summary="List criteria sets (latest versions)")
def list_sets(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in latest_sets()]


@router.get("/{set_id}", summary="A criteria set with its criteria, indicators and thresholds")
def set_detail(request: HttpRequest, set_id: str, version: int | None = None) -> dict[str, Any]:
    try:
        stored = get_set(set_id, version)
    except UnknownSet as error:
        raise HttpError(404, str(error)) from None
    return {"summary": _summary(stored), "definition": definition_to_dict(stored.to_domain())}


@router.get(
    "/{set_id}/evaluation",
    response=EvaluationOut,
    summary="Evaluate a unit against the set as of a date",
)
def evaluation(
    request: HttpRequest,
    set_id: str,
    unit: str,
    as_of: dt.date,
    version: int | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    from ntm.assessments.evaluation import evaluate_unit
    from ntm.units.models import AdminUnit
    from ntm.units.selectors import find_unit

    try:
        stored = get_set(set_id, version)
    except UnknownSet as error:
        raise HttpError(404, str(error)) from None
    try:
        record = find_unit(unit, on=as_of, level=level or stored.level)
    except AmbiguousUnit as error:
        raise HttpError(409, str(error)) from None
    except HierarchyError as error:
        raise HttpError(404, str(error)) from None
    target = AdminUnit.objects.get(pk=record.id)
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
