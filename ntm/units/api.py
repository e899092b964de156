"""API: administrative units, their history, villages and reorganization events.

Reads are public. Writes need a token or the session (401 otherwise) and are audited:
villages, regions and commune groups by a coordination office (approver, administrator)
whose scope holds the unit; reorganization events by an administrator whose scope holds
every unit involved (403 otherwise); 422 when the change is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ntm.accounts.api_auth import public_auth
from ntm.accounts.api_types import Day, Id, Offset
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write
from ntm.audit.services import Actor
from ntm.core.hierarchy import AmbiguousUnit, HierarchyError
from ntm.units import selectors, services
from ntm.units.models import AdminUnit, ReorganizationEvent

router = Router()


# --------------------------------------------------------------------------- schemas


class Message(Schema):
    detail: str


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    era: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    region: str | None
    region_source: str
    commune_group: int | None
    latitude: float | None
    longitude: float | None
    source: str
    parent: UnitRef | None


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class EventRef(Schema):
    id: int
    kind: str
    date: dt.date
    legal_act: str | None
    legal_act_date: dt.date | None
    issuer: str
    confidence: str


class LinkOut(Schema):
    unit: UnitRef
    event: EventRef
    is_partial: bool


class UnitDetailOut(UnitOut):
    children_on: dt.date
    children: list[UnitRef]
    predecessors: list[LinkOut]
    successors: list[LinkOut]
    predecessor_chain: list[UnitRef]
    successor_chain: list[UnitRef]


class Candidate(Schema):
    id: int
    code: str
    name: str
    level: str
    era: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class AmbiguousOut(Schema):
    detail: str
    candidates: list[Candidate]


class VillageIn(Schema):
    parent_id: int
    name: str
    kind: str = Field("village", description="village, hamlet, ethnic_village, ...")
    code: str = ""
    valid_from: dt.date | None = None


class ActIn(Schema):
    effective_date: dt.date
    legal_act_number: str = ""
    legal_act_date: dt.date | None = None
    issuer: str = ""
    note: str = ""
    confidence: str = "verified"


class NewUnitIn(Schema):
    name: str
    kind: str
    code: str = ""
    short_name: str = ""
    parent_id: int | None = None
    children: list[int] = Field(default_factory=list, description="split only: child ids")
    latitude: float | None = None
    longitude: float | None = None


class MergeIn(ActIn):
    unit_ids: list[int]
    into_id: int | None = Field(None, description="an existing absorbing unit, or")
    new_unit: NewUnitIn | None = Field(None, description="a new unit")


class SplitIn(ActIn):
    unit_id: int
    into: list[NewUnitIn]


class RenameIn(ActIn):
    unit_id: int
    name: str
    short_name: str = ""
    kind: str = ""
    code: str = ""


class MoveIn(ActIn):
    unit_id: int
    new_parent_id: int
    code: str = ""


class EventOut(Schema):
    event: EventRef
    units: list[UnitOut]
    move_event: EventRef | None
    moved: int


class UnitPatch(Schema):
    region: str | None = Field(None, description='a region code, or "" to clear it')
    commune_group: int | None = Field(None, description="1, 2 or 3, or null to clear it")


# --------------------------------------------------------------------------- helpers


def _ref(unit: AdminUnit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _unit(unit: AdminUnit) -> dict[str, Any]:
    return {
        **_ref(unit),
        "short_name": unit.short_name,
        "kind": unit.kind,
        "era": unit.era.value,
        "region": unit.region or None,
        "region_source": unit.region_source,
        "commune_group": unit.commune_group,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
        "source": unit.source,
        "parent": _ref(unit.parent) if unit.parent_id else None,
    }


def _event(event: ReorganizationEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "date": event.effective_date,
        "legal_act": event.legal_act_number or None,
        "legal_act_date": event.legal_act_date,
        "issuer": event.issuer,
        "confidence": event.confidence,
    }


def _detail(detail: selectors.UnitDetail) -> dict[str, Any]:
    def links(items: list[selectors.Link]) -> list[dict[str, Any]]:
        return [
            {"unit": _ref(link.unit), "event": _event(link.event), "is_partial": link.is_partial}
            for link in items
        ]

    return {
        **_unit(detail.unit),
        "children_on": detail.children_on,
        "children": [_ref(child) for child in detail.children],
        "predecessors": links(detail.predecessors),
        "successors": links(detail.successors),
        "predecessor_chain": [_ref(u) for u in detail.predecessor_chain],
        "successor_chain": [_ref(u) for u in detail.successor_chain],
    }


#: Reorganizations are legal acts recorded by an administrator of the units involved.
EVENT_ROLES = frozenset({RoleChoices.ADMINISTRATOR})


def _require(request: HttpRequest, units: list[AdminUnit | None], roles: frozenset[str]) -> Any:
    """The user, if their role is one of `roles` and every unit is in their scope (else 403)."""
    try:
        require_write(request.user, units, roles=roles)
    except WriteDenied as denied:
        raise HttpError(403, str(denied)) from None
    return request.user


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, channel="api")


def _get(unit_id: int, *, status: int = 422, field: str = "unit") -> AdminUnit:
    unit = AdminUnit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(status, f"{field}: there is no administrative unit with id {unit_id}.")
    return unit


def _act(payload: ActIn) -> dict[str, Any]:
    return {
        "effective_date": payload.effective_date,
        "legal_act_number": payload.legal_act_number,
        "legal_act_date": payload.legal_act_date,
        "issuer": payload.issuer,
        "note": payload.note,
        "confidence": payload.confidence,
    }


def _spec(payload: NewUnitIn) -> services.UnitSpec:
    return services.UnitSpec(
        name=payload.name,
        kind=payload.kind,
        code=payload.code,
        short_name=payload.short_name,
        parent=_get(payload.parent_id, field="parent_id") if payload.parent_id else None,
        children=tuple(payload.children),
        latitude=payload.latitude,
        longitude=payload.longitude,
    )


def _recorded(result: services.RecordedEvent) -> dict[str, Any]:
    units = AdminUnit.objects.select_related("parent").in_bulk([u.pk for u in result.units])
    return {
        "event": _event(result.event),
        "units": [_unit(units[u.pk]) for u in result.units],
        "move_event": _event(result.move_event) if result.move_event else None,
        "moved": len(result.moved),
    }


# --------------------------------------------------------------------------- reads


@router.get(
    "",
    response=UnitPage,
    auth=public_auth,
    summary="List units (filter by level, date, name, parent)",
)
def list_units(
    request: HttpRequest,
    level: str | None = None,
    on: Day | None = None,
    q: str = "",
    parent_id: Id | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> dict[str, Any]:
    try:
        units = selectors.list_units(level=level, on=on, query=q, parent_id=parent_id)
    except HierarchyError as error:
        raise HttpError(422, str(error)) from None
    return {
        "count": units.count(),
        "limit": limit,
        "offset": offset,
        "items": [_unit(u) for u in units[offset : offset + limit]],
    }


@router.get(
    "/stats",
    response=dict[str, dict[str, int]],
    auth=public_auth,
    summary="Unit counts per era and level",
)
def stats(request: HttpRequest) -> dict[str, dict[str, int]]:
    return selectors.unit_stats()


@router.get(
    "/by-code/{code}",
    auth=public_auth,
    response={200: UnitDetailOut, 404: Message, 409: AmbiguousOut, 422: Message},
    summary="The unit with an official code on a date or in an era",
)
def by_code(
    request: HttpRequest,
    code: str,
    on: Day | None = None,
    era: str | None = None,
    level: str | None = None,
) -> Any:
    try:
        record = selectors.find_unit(code, on=on, era=era, level=level)
    except AmbiguousUnit as error:
        units = AdminUnit.objects.in_bulk([c.id for c in error.candidates])
        candidates = [{**_ref(units[c.id]), "era": units[c.id].era.value} for c in error.candidates]
        return Status(409, {"detail": str(error), "candidates": candidates})
    except HierarchyError as error:
        status = 422 if "Unknown level" in str(error) or "Unknown era" in str(error) else 404
        return Status(status, {"detail": str(error)})
    unit = AdminUnit.objects.get(pk=record.id)
    return Status(200, _detail(selectors.unit_detail(unit, on=on)))


@router.get(
    "/{int:unit_id}",
    auth=public_auth,
    response={200: UnitDetailOut, 404: Message},
    summary="A unit with its children, predecessors and successors",
)
def unit_detail(request: HttpRequest, unit_id: Id, on: Day | None = None) -> Any:
    unit = _get(unit_id, status=404)
    return Status(200, _detail(selectors.unit_detail(unit, on=on)))


# --------------------------------------------------------------------------- writes


@router.post(
    "/villages",
    response={201: UnitOut, 403: Message, 422: Message},
    summary="Add a village (thôn, xóm, bản, khu dân cư, tổ dân phố) to a commune",
)
def create_village(request: HttpRequest, payload: VillageIn) -> Any:
    parent = _get(payload.parent_id, field="parent_id")
    user = _require(request, [parent], OFFICE_ROLES)
    try:
        village = services.create_village(
            parent=parent,
            name=payload.name,
            kind=payload.kind,
            code=payload.code,
            valid_from=payload.valid_from,
            user=user,
            actor=_actor(request),
        )
    except HierarchyError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, _unit(village))


def _record(call: Any, **arguments: Any) -> Status:
    try:
        result = call(**arguments)
    except HierarchyError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, _recorded(result))


_EVENT_RESPONSES = {201: EventOut, 403: Message, 422: Message}


@router.post("/events/merge", response=_EVENT_RESPONSES, summary="Record a merge")
def record_merge(request: HttpRequest, payload: MergeIn) -> Any:
    units = [_get(pk, field="unit_ids") for pk in payload.unit_ids]
    into = _get(payload.into_id, field="into_id") if payload.into_id else None
    new_unit = _spec(payload.new_unit) if payload.new_unit else None
    involved = [*units, into, new_unit.parent if new_unit else None]
    user = _require(request, [u for u in involved if u is not None], EVENT_ROLES)
    return _record(
        services.record_merge,
        units=units,
        into=into,
        new_unit=new_unit,
        user=user,
        actor=_actor(request),
        **_act(payload),
    )


@router.post("/events/split", response=_EVENT_RESPONSES, summary="Record a split")
def record_split(request: HttpRequest, payload: SplitIn) -> Any:
    unit = _get(payload.unit_id, field="unit_id")
    into = [_spec(spec) for spec in payload.into]
    parents = [spec.parent for spec in into if spec.parent is not None]
    user = _require(request, [unit, *parents], EVENT_ROLES)
    return _record(
        services.record_split,
        unit=unit,
        into=into,
        user=user,
        actor=_actor(request),
        **_act(payload),
    )


@router.post(
    "/events/rename",
    response=_EVENT_RESPONSES,
    summary="Record a rename (or a change of kind)",
)
def record_rename(request: HttpRequest, payload: RenameIn) -> Any:
    unit = _get(payload.unit_id, field="unit_id")
    user = _require(request, [unit], EVENT_ROLES)
    return _record(
        services.record_rename,
        unit=unit,
        name=payload.name,
        short_name=payload.short_name,
        kind=payload.kind,
        code=payload.code,
        user=user,
        actor=_actor(request),
        **_act(payload),
    )


@router.post(
    "/events/move",
    response=_EVENT_RESPONSES,
    summary="Record a move under another parent",
)
def record_move(request: HttpRequest, payload: MoveIn) -> Any:
    unit = _get(payload.unit_id, field="unit_id")
    new_parent = _get(payload.new_parent_id, field="new_parent_id")
    user = _require(request, [unit, new_parent], EVENT_ROLES)
    return _record(
        services.record_move,
        unit=unit,
        new_parent=new_parent,
        code=payload.code,
        user=user,
        actor=_actor(request),
        **_act(payload),
    )


@router.patch(
    "/{int:unit_id}",
    response={200: UnitOut, 403: Message, 404: Message, 422: Message},
    summary="Set a unit's region or commune group by hand",
)
def update_unit(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Any:
    unit = _get(unit_id, status=404)
    _require(request, [unit], OFFICE_ROLES)
    changes = payload.model_dump(exclude_unset=True)
    if not changes:
        raise HttpError(422, "Give region and/or commune_group.")
    try:
        # Both changes or neither: a refused commune group must not leave a new region behind.
        with transaction.atomic():
            if "region" in changes:
                unit = services.set_region(
                    unit=unit, region=changes["region"] or "", actor=_actor(request)
                )
            if "commune_group" in changes:
                unit = services.set_commune_group(
                    unit=unit, group=changes["commune_group"], actor=_actor(request)
                )
    except HierarchyError as error:
        raise HttpError(422, str(error)) from None
    return Status(200, _unit(AdminUnit.objects.select_related("parent").get(pk=unit.pk)))
