"""API: a province's commune boundaries (GeoJSON): the uploads, and a new upload.

Reading the list needs the province in the user's scope (404 otherwise); uploading needs
a coordination office of that province (403), and a refused file is a 422 listing every
problem (not JSON, wrong geometry, unknown or duplicate codes...), having changed nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ntm.accounts.api_types import Id
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.units import boundaries
from ntm.units.models import AdminUnit, BoundaryUpload

router = Router()


class Message(Schema):
    detail: str


class Refused(Schema):
    detail: str
    problems: list[str]


class BoundaryUploadOut(Schema):
    id: int
    province_id: int
    file_name: str
    size: int
    sha256: str
    features: int
    codes_on: dt.date
    is_current: bool
    uploaded_at: dt.datetime
    uploaded_by: str | None


class UploadOut(BoundaryUploadOut):
    matched: int
    units_without_shape: int
    message: str


def _out(upload: BoundaryUpload) -> dict[str, Any]:
    return {
        "id": upload.pk,
        "province_id": upload.province_id,
        "file_name": upload.file_name,
        "size": upload.size,
        "sha256": upload.sha256,
        "features": upload.features,
        "codes_on": upload.codes_on,
        "is_current": upload.is_current,
        "uploaded_at": upload.uploaded_at,
        "uploaded_by": upload.uploaded_by.get_username() if upload.uploaded_by_id else None,
    }


def _province(request: HttpRequest, province_id: int) -> AdminUnit:
    province = AdminUnit.objects.filter(pk=province_id, level="province").first()
    if province is None or not scope_of(request.user).allows(province):
        raise HttpError(404, f"No province {province_id} in your scope.")
    return province


@router.get(
    "/{province_id}",
    response={200: list[BoundaryUploadOut], 404: Message},
    summary="The boundary uploads of a province, newest first",
)
def list_uploads(request: HttpRequest, province_id: Id) -> list[dict[str, Any]]:
    return [_out(u) for u in boundaries.uploads_of(_province(request, province_id))]


@router.post(
    "/{province_id}",
    response={201: UploadOut, 403: Message, 404: Message, 422: Refused},
    summary="Upload a province's commune boundaries (GeoJSON), replacing the previous file",
    description="A FeatureCollection in WGS 84, one Polygon or MultiPolygon per commune "
    "with its code in `ma_xa` or `code`; `codes_on` is the date the codes refer to "
    "(default: the province's last day, or 2025-07-01 for the new provinces). At most 20 MB.",
)
def upload(
    request: HttpRequest,
    province_id: Id,
    file: File[UploadedFile],
    codes_on: Form[dt.date | None] = None,
) -> Status:
    province = _province(request, province_id)
    try:
        require_write(request.user, province, roles=OFFICE_ROLES)
        result = boundaries.upload_boundaries(
            province=province,
            upload=file,
            codes_on=codes_on or boundaries.default_codes_on(province),
            actor=Actor.from_request(request, channel="api"),
        )
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except boundaries.BoundaryRefused as refused:
        return Status(422, {"detail": str(refused), "problems": refused.problems})
    body = {
        **_out(result.upload),
        "matched": result.matched,
        "units_without_shape": result.units_without_shape,
        "message": result.message(),
    }
    return Status(201, body)
