"""API: criteria sets and evaluations; authoring of drafts by coordination offices.

Reads of published sets are public; evaluations need a token or the session and a unit
in the user's scope. Authoring needs a signed-in user (session) with an
office role whose scope holds the set's province: 401 when not signed in, 403 when the
role or province is not theirs, 404 for a draft they may not see, 409 for an edit of a
published version, 422 with the place and reason when the content is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError

from ntm.accounts.api_auth import public_auth
from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Day, Id
from ntm.accounts.permissions import WriteDenied
from ntm.audit.services import Actor
from ntm.core.criteria.schema import definition_to_dict
from ntm.core.hierarchy import AmbiguousUnit, HierarchyError
from ntm.criteria import authoring
from ntm.criteria.authoring import (
    AuthoringError,
    DraftExists,
    NotADraft,
    PublishRefused,
    drafts_for,
    may_author,
    needs_confirmation_count,
    publish_problems,
)
from ntm.criteria.exchange import MAX_FILE_BYTES, export_filename, export_yaml, import_yaml
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import UnknownSet, get_set, latest_sets
from ntm.dashboards.draft_preview import preview_draft

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


class Detail(Schema):
    detail: str


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


@router.get(
    "",
    auth=public_auth,
    response=list[SetSummary],
    summary="List criteria sets (latest versions)",
)
def list_sets(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in latest_sets()]


@router.get(
    "/{set_id}",
    auth=public_auth,
    summary="A criteria set with its criteria, indicators and thresholds",
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


# --------------------------------------------------------------------------- authoring


class Problem(Schema):
    place: str
    message: str


class Refusal(Schema):
    detail: str
    field: str = ""
    place: str = ""
    problems: list[Problem] = []


class VersionOut(Schema):
    id: str
    version: int
    label: str
    status: str
    name_vi: str
    level: str
    tier: str
    province_code: str | None
    extends: str | None
    derived_from: str | None
    legal_number: str
    created_by: str | None
    published_by: str | None
    published_at: dt.datetime | None
    updated_at: dt.datetime
    criteria: int
    needs_confirmation: int
    problems: list[Problem]


class VariantIn(Schema):
    province_code: str = Field(..., description="the issuing province's official code, e.g. 42")
    set_id: str = Field("", description="id of the new set; default <province>-<base id>")
    name_vi: str = ""


class DetailsIn(Schema):
    name_vi: str
    name_en: str = ""
    period_start: int | None = None
    period_end: int | None = None
    legal_number: str = ""
    legal_date: dt.date | None = None
    legal_effective: dt.date | None = None
    legal_issuer: str = ""


class DecisionIn(Schema):
    number: str = Field(..., description="the decision that sets the thresholds, e.g. 123/QĐ-UBND")
    date: dt.date
    issuer: str


class CellIn(Schema):
    value: float
    region: str | None = Field(None, description="region code (sets differentiated by region)")
    group: int | None = Field(None, description="commune group 1-3 (sets by commune group)")
    from_year: int | None = None


class ThresholdsIn(Schema):
    cells: list[CellIn] = Field(
        ..., description="the whole table; [] removes the province's rows (national ones apply)"
    )
    decision: DecisionIn | None = None
    confirm_all: bool = Field(False, description="give every cell this decision as its source")


class CriterionIn(Schema):
    number: str
    name_vi: str
    name_en: str = ""
    group: str = ""


class RenameIn(Schema):
    name_vi: str
    name_en: str = ""


class IndicatorIn(Schema):
    code: str
    name_vi: str
    kind: str = Field(..., description="judgement | number | ratio")
    name_en: str = ""
    unit: str = ""
    comparator: str = Field("", description=">= | <= | > | < | == (not for a judgement)")
    numerator: str = ""
    denominator: str = ""
    scale: float | None = None


class UnitChangeOut(Schema):
    unit_id: int
    name: str
    code: str
    parent: str
    before_met: int
    after_met: int


class CriterionShiftOut(Schema):
    number: str
    name: str
    before: int | None
    after: int | None
    after_unknown: int
    status: str


class PreviewOut(Schema):
    draft: str
    compared_with: str | None
    as_of: dt.date
    province: str | None
    units: int
    before_total: int | None
    after_total: int
    before_reached: int | None
    after_reached: int
    gained: int
    lost: int
    more_criteria: int
    fewer_criteria: int
    gained_units: list[UnitChangeOut]
    lost_units: list[UnitChangeOut]
    criteria: list[CriterionShiftOut]


class ImportOut(Schema):
    outcome: str = Field(..., description="created | updated | unchanged | published")
    note: str
    set: VersionOut


_WRITE = {200: VersionOut, 403: Refusal, 404: Refusal, 409: Refusal, 422: Refusal}
_CREATE = {201: VersionOut, 403: Refusal, 404: Refusal, 409: Refusal, 422: Refusal}


def _version_out(stored: Any) -> dict[str, Any]:

    definition = stored.to_domain()
    return {
        "id": stored.set_id,
        "version": stored.version,
        "label": stored.label,
        "status": stored.status,
        "name_vi": stored.name_vi,
        "level": stored.level,
        "tier": stored.tier,
        "province_code": stored.province_code or None,
        "extends": stored.extends.label if stored.extends_id else None,
        "derived_from": stored.derived_from.label if stored.derived_from_id else None,
        "legal_number": stored.legal_number,
        "created_by": stored.created_by.get_username() if stored.created_by_id else None,
        "published_by": stored.published_by.get_username() if stored.published_by_id else None,
        "published_at": stored.published_at,
        "updated_at": stored.updated_at,
        "criteria": len(definition.criteria),
        "needs_confirmation": needs_confirmation_count(definition),
        "problems": [{"place": p.place, "message": p.message} for p in publish_problems(stored)]
        if stored.is_draft
        else [],
    }


def _refusal(error: Exception) -> Status:

    if isinstance(error, WriteDenied):
        return Status(403, {"detail": str(error)})
    if isinstance(error, NotADraft | DraftExists):
        return Status(409, {"detail": error.message})
    if isinstance(error, PublishRefused):
        problems = [{"place": p.place, "message": p.message} for p in error.problems]
        return Status(422, {"detail": error.message, "problems": problems})
    return Status(
        422,
        {"detail": error.message, "field": error.field, "place": error.place},  # type: ignore[attr-defined]
    )


def _write(call: Any, *, status: int = 200) -> Status:
    """Run an authoring service; refusals become 403, 409 or 422 with the reason."""

    try:
        stored = call()
    except (WriteDenied, AuthoringError) as error:
        return _refusal(error)
    return Status(status, _version_out(stored))


def _authored(request: HttpRequest, set_id: str, version: int) -> Any:
    """A set version the user may author (404 otherwise: a draft's existence is not shown)."""

    stored = (
        CriteriaSet.objects.select_related("extends", "derived_from")
        .filter(set_id=set_id, version=version)
        .first()
    )
    if stored is None or not may_author(request.user, stored):
        raise HttpError(404, f"No draft {set_id}@{version} that you may edit.")
    return stored


def _actor(request: HttpRequest) -> Any:

    return Actor.from_request(request, channel="api")


@router.get(
    "/authoring/drafts",
    response=list[VersionOut],
    tags=["authoring"],
    summary="The drafts the signed-in user may edit",
)
def list_drafts(request: HttpRequest) -> list[dict[str, Any]]:

    return [_version_out(d) for d in drafts_for(request.user)]


@router.post(
    "/authoring/import",
    response={201: ImportOut, 200: ImportOut, 403: Refusal, 422: Refusal},
    tags=["authoring"],
    summary="Import a YAML set file as a draft (a new set, or a new version); optionally publish",
    description=(
        "The file uses the data-file format (docs/criteria-format.md). A refused file writes "
        "nothing; the reason names the file, the line and the place. The same file twice "
        "changes nothing the second time (outcome `unchanged`)."
    ),
)
def import_set(
    request: HttpRequest, file: File[UploadedFile], publish: Form[bool] = False
) -> Status:

    try:
        result = import_yaml(
            file.read(MAX_FILE_BYTES + 1),
            filename=file.name or "",
            actor=_actor(request),
            publish=publish,
        )
    except (WriteDenied, AuthoringError) as error:
        return _refusal(error)
    code = 200 if result.outcome == "unchanged" else 201
    return Status(
        code, {"outcome": result.outcome, "note": result.note, "set": _version_out(result.stored)}
    )


@router.get(
    "/{set_id}/export",
    auth=public_auth,
    tags=["authoring"],
    summary="A set version as a YAML data file",
    description="The latest published version unless `version` is given; drafts only for "
    "the users who may edit them.",
    response={200: str, 404: Refusal},
    openapi_extra={"responses": {200: {"content": {"application/yaml": {}}}}},
)
def export_set(request: HttpRequest, set_id: str, version: Id | None = None) -> Any:

    stored = get_set(set_id, version)  # UnknownSet: 404 (ntm.web.errors)
    if stored.is_draft and not may_author(request.user, stored):
        raise HttpError(404, f"Unknown criteria set {stored.label!r}.")
    response = HttpResponse(export_yaml(stored), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stored)}"'
    return response


@router.post(
    "/{set_id}/variants",
    response=_CREATE,
    tags=["authoring"],
    summary="Create a province's draft variant of a national set (at its current version)",
)
def create_variant(request: HttpRequest, set_id: str, payload: VariantIn) -> Status:

    try:
        base = get_set(set_id)
    except UnknownSet as error:
        raise HttpError(404, str(error)) from None
    return _write(
        lambda: authoring.create_variant(
            base=base,
            province_code=payload.province_code,
            set_id=payload.set_id,
            name_vi=payload.name_vi,
            actor=_actor(request),
        ),
        status=201,
    )


@router.post(
    "/{set_id}/versions",
    response=_CREATE,
    tags=["authoring"],
    summary="Create a new draft version of a set, copied from its latest version",
)
def create_version(request: HttpRequest, set_id: str) -> Status:

    source = CriteriaSet.objects.filter(set_id=set_id).order_by("-version").first()
    if source is None:
        raise HttpError(404, f"Unknown criteria set {set_id!r}.")
    return _write(
        lambda: authoring.create_version(source=source, actor=_actor(request)), status=201
    )


@router.patch(
    "/{set_id}/versions/{version}",
    response=_WRITE,
    tags=["authoring"],
    summary="Change a draft's name, period and issuing decision",
)
def update_details(request: HttpRequest, set_id: str, version: Id, payload: DetailsIn) -> Status:

    stored = _authored(request, set_id, version)
    details = authoring.SetDetails(**payload.dict())
    return _write(lambda: authoring.update_details(stored, details=details, actor=_actor(request)))


@router.delete(
    "/{set_id}/versions/{version}",
    response={204: None, 403: Refusal, 404: Refusal, 409: Refusal},
    tags=["authoring"],
    summary="Discard a draft (a published version is never deleted)",
)
def delete_draft(request: HttpRequest, set_id: str, version: Id) -> Status:

    stored = _authored(request, set_id, version)
    try:
        authoring.delete_draft(stored, actor=_actor(request))
    except (WriteDenied, AuthoringError) as error:
        return _refusal(error)
    return Status(204, None)


@router.put(
    "/{set_id}/versions/{version}/thresholds/{code}",
    response=_WRITE,
    tags=["authoring"],
    summary="Fill, change or confirm an indicator's thresholds, with the deciding document",
    description=(
        "The cells replace the indicator's table. For an indicator inherited from the "
        "national set they are the province's rows and may only tighten the national ones."
    ),
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
)
def remove_criterion(request: HttpRequest, set_id: str, version: Id, number: str) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.remove_criterion(stored, number=number, actor=_actor(request)))


@router.post(
    "/{set_id}/versions/{version}/criteria/{number}/indicators",
    response=_CREATE,
    tags=["authoring"],
    summary="Add an indicator to a criterion the draft added",
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
)
def remove_indicator(request: HttpRequest, set_id: str, version: Id, code: str) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.remove_indicator(stored, code=code, actor=_actor(request)))


@router.get(
    "/{set_id}/versions/{version}/preview",
    response={200: PreviewOut, 404: Refusal},
    tags=["authoring"],
    summary="What publishing the draft would change for the province's units",
)
def preview(
    request: HttpRequest, set_id: str, version: Id, as_of: Day | None = None
) -> dict[str, Any]:

    stored = _authored(request, set_id, version)
    p = preview_draft(stored, as_of=as_of)
    return {
        "draft": stored.label,
        "compared_with": p.before.label if p.before else None,
        "as_of": p.as_of,
        "province": p.province.name if p.province else None,
        "units": p.unit_count,
        "before_total": p.before_total,
        "after_total": p.after_total,
        "before_reached": p.before_reached,
        "after_reached": p.after_reached,
        "gained": p.gained_count,
        "lost": p.lost_count,
        "more_criteria": p.more,
        "fewer_criteria": p.fewer,
        "gained_units": [u.__dict__ for u in p.gained],
        "lost_units": [u.__dict__ for u in p.lost],
        "criteria": [{**c.__dict__, "status": c.status} for c in p.criteria],
    }


@router.post(
    "/{set_id}/versions/{version}/publish",
    response=_WRITE,
    tags=["authoring"],
    summary="Publish a draft: it becomes a version that never changes",
    description="422 lists every problem (place and reason) when the draft is not ready.",
)
def publish(request: HttpRequest, set_id: str, version: Id) -> Status:

    stored = _authored(request, set_id, version)
    return _write(lambda: authoring.publish_draft(stored, actor=_actor(request)))
