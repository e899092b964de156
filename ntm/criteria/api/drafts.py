"""Authoring: the user's drafts, YAML import and export, new variants and versions, a
draft's details and discarding it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Status, UploadedFile
from ninja.errors import HttpError

from ntm.accounts.api_auth import public_auth
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied
from ntm.criteria import authoring
from ntm.criteria.api.common import _actor, _authored, _refusal, _version_out, _write, router
from ntm.criteria.api.schemas import (
    _CREATE,
    _WRITE,
    DetailsIn,
    ImportOut,
    Refusal,
    VariantIn,
    VersionOut,
)
from ntm.criteria.authoring import (
    AuthoringError,
    drafts_for,
    may_author,
)
from ntm.criteria.exchange import MAX_FILE_BYTES, export_filename, export_yaml, import_yaml
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import UnknownSet, get_set


@router.get(
    "/authoring/drafts",
    response=list[VersionOut],
    tags=["authoring"],
    summary="The drafts the signed-in user may edit",
    operation_id="ntm_criteria_api_list_drafts",
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
    operation_id="ntm_criteria_api_import_set",
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
    operation_id="ntm_criteria_api_export_set",
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
    operation_id="ntm_criteria_api_create_variant",
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
    operation_id="ntm_criteria_api_create_version",
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
    operation_id="ntm_criteria_api_update_details",
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
    operation_id="ntm_criteria_api_delete_draft",
)
def delete_draft(request: HttpRequest, set_id: str, version: Id) -> Status:

    stored = _authored(request, set_id, version)
    try:
        authoring.delete_draft(stored, actor=_actor(request))
    except (WriteDenied, AuthoringError) as error:
        return _refusal(error)
    return Status(204, None)
