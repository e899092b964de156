"""Authoring a draft's contents: thresholds, criteria and indicators."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from ntm.accounts.api_types import Id
from ntm.criteria import authoring
from ntm.criteria.api.common import _actor, _authored, _write, router
from ntm.criteria.api.schemas import (
    _CREATE,
    _WRITE,
    CriterionIn,
    IndicatorIn,
    RenameIn,
    ThresholdsIn,
)


@router.put(
    "/{set_id}/versions/{version}/thresholds/{code}",
    response=_WRITE,
    tags=["authoring"],
    summary="Fill, change or confirm an indicator's thresholds, with the deciding document",
    description=(
        "The cells replace the indicator's table. For an indicator inherited from the "
        "national set they are the province's rows and may only tighten the national ones."
    ),
    operation_id="ntm_criteria_api_set_thresholds",
)
def set_thresholds(
    request: HttpRequest, set_id: str, version: Id, code: str, payload: ThresholdsIn
) -> Status:

    stored = _authored(request, set_id, version)
    decision = (
        authoring.Decision(
            number=payload.decision.number,
            date=payload.decision.date,
            issuer=payload.decision.issuer,
        )
        if payload.decision
        else None
    )
    cells = [
        authoring.ThresholdCell(
            value=c.value, region=c.region, group=c.group, from_year=c.from_year
        )
        for c in payload.cells
    ]
    return _write(
        lambda: authoring.set_thresholds(
            stored,
            code=code,
            cells=cells,
            decision=decision,
            confirm_all=payload.confirm_all,
            actor=_actor(request),
        )
    )


@router.post(
    "/{set_id}/versions/{version}/criteria",
    response=_CREATE,
    tags=["authoring"],
    summary="Add a criterion to a draft",
    operation_id="ntm_criteria_api_add_criterion",
)
def add_criterion(request: HttpRequest, set_id: str, version: Id, payload: CriterionIn) -> Status:

    stored = _authored(request, set_id, version)
    return _write(
        lambda: authoring.add_criterion(stored, **payload.dict(), actor=_actor(request)),
        status=201,
    )


@router.patch(
    "/{set_id}/versions/{version}/criteria/{number}",
    response=_WRITE,
    tags=["authoring"],
    summary="Rename a criterion the draft added",
    operation_id="ntm_criteria_api_rename_criterion",
)
def rename_criterion(
    request: HttpRequest, set_id: str, version: Id, number: str, payload: RenameIn
) -> Status:

    stored = _authored(request, set_id, version)
    return _write(
        lambda: authoring.update_criterion(
            stored, number=number, **payload.dict(), actor=_actor(request)
        )
    )


@router.delete(
    "/{set_id}/versions/{version}/criteria/{number}",
    response=_WRITE,
    tags=["authoring"],
    summary="Remove a criterion the draft added, with its indicators",
    operation_id="ntm_criteria_api_remove_criterion",
)
def remove_criterion(request: HttpRequest, set_id: str, version: Id, number: str) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.remove_criterion(stored, number=number, actor=_actor(request)))


@router.post(
    "/{set_id}/versions/{version}/criteria/{number}/indicators",
    response=_CREATE,
    tags=["authoring"],
    summary="Add an indicator to a criterion the draft added",
    operation_id="ntm_criteria_api_add_indicator",
)
def add_indicator(
    request: HttpRequest, set_id: str, version: Id, number: str, payload: IndicatorIn
) -> Status:

    stored = _authored(request, set_id, version)
    entry = authoring.IndicatorInput(**payload.dict())
    return _write(
        lambda: authoring.add_indicator(
            stored, criterion=number, entry=entry, actor=_actor(request)
        ),
        status=201,
    )


@router.patch(
    "/{set_id}/versions/{version}/indicators/{code}",
    response=_WRITE,
    tags=["authoring"],
    summary="Change an indicator the draft added (its kind stays)",
    operation_id="ntm_criteria_api_update_indicator",
)
def update_indicator(
    request: HttpRequest, set_id: str, version: Id, code: str, payload: IndicatorIn
) -> Status:

    stored = _authored(request, set_id, version)
    entry = authoring.IndicatorInput(**payload.dict())
    return _write(
        lambda: authoring.update_indicator(stored, code=code, entry=entry, actor=_actor(request))
    )


@router.delete(
    "/{set_id}/versions/{version}/indicators/{code}",
    response=_WRITE,
    tags=["authoring"],
    summary="Remove an indicator the draft added",
    operation_id="ntm_criteria_api_remove_indicator",
)
def remove_indicator(request: HttpRequest, set_id: str, version: Id, code: str) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.remove_indicator(stored, code=code, actor=_actor(request)))
