"""API: evidence files of a unit's values: list, upload (checked by content), download, remove.

The same rules as the data-entry page: a unit outside the user's scope is a 404, a role
that does not enter data a 403, a refused file a 422 (or 413 when too large) naming the
file and the reason, a period under review or locked a 409, a server that cannot store
the file a 507 (nothing written); every upload and removal is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import WriteDenied, can_write
from ntm.accounts.scope import scope_of
from ntm.approvals.freeze import PeriodFrozen
from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorKind
from ntm.core.periods import PeriodError, parse_period
from ntm.criteria.selectors import get_set
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed
from ntm.values.entry import check_target
from ntm.values.evidence import (
    CheckedUpload,
    EvidenceRefused,
    check_upload,
    discard_files,
    max_bytes,
    remove_evidence,
    store_evidence,
)
from ntm.values.models import EvidenceFile
from ntm.values.validation import AssessmentError

router = Router()


class Message(Schema):
    detail: str


class EvidenceOut(Schema):
    id: int
    unit_id: int
    indicator_key: str
    observed_on: dt.date
    name: str
    content_type: str
    size: int
    is_removed: bool
    uploaded_at: dt.datetime
    uploaded_by: str | None
    url: str


def _out(evidence: EvidenceFile) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "unit_id": evidence.unit_id,
        "indicator_key": evidence.key,
        "observed_on": evidence.observed_on,
        "name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "is_removed": evidence.is_removed,
        "uploaded_at": evidence.entered_at,
        "uploaded_by": evidence.entered_by.get_username() if evidence.entered_by_id else None,
        "url": reverse("api:evidence_download", args=[evidence.pk]),
    }


def _visible_evidence(request: HttpRequest, evidence_id: int) -> EvidenceFile:
    evidence = (
        EvidenceFile.objects.select_related("unit", "entered_by").filter(pk=evidence_id).first()
    )
    if evidence is None or not scope_of(request.user).allows(evidence.unit_id):
        raise HttpError(404, f"No evidence file {evidence_id} in your scope.")
    return evidence


@router.get(
    "",
    response={200: list[EvidenceOut], 404: Message, 422: Message},
    summary="The evidence files of a unit for a period (optionally one indicator)",
)
def list_evidence(
    request: HttpRequest, unit_id: Id, period: str, indicator_key: str = ""
) -> list[dict[str, Any]]:
    unit = api_visible_unit(request, unit_id)
    observed_on = parse_period(period).observed_on  # PeriodError: 422 (ntm.web.errors)
    files = EvidenceFile.objects.filter(unit=unit, observed_on=observed_on, is_removed=False)
    if indicator_key:
        files = files.filter(key=indicator_key)
    return [_out(e) for e in files.select_related("entered_by").order_by("key", "id")]


@router.post(
    "",
    response={
        201: EvidenceOut,
        403: Message,
        404: Message,
        409: Message,
        413: Message,
        422: Message,
        507: Message,
    },
    summary="Attach an evidence file to a unit's indicator for a period",
    description="PDF, images and office files, checked by their content (not their name), "
    "at most NTM_EVIDENCE_MAX_BYTES. Audited as `evidence.add`. 409 when the period is "
    "under review or locked; 507 when the server cannot store the file (nothing written).",
)
def upload_evidence(
    request: HttpRequest,
    file: File[UploadedFile],
    unit_id: Form[Id],
    set: Form[str],
    period: Form[str],
    indicator: Form[str],
) -> Status:
    unit = api_visible_unit(request, unit_id)
    stored_set = get_set(set)  # UnknownSet: 404 (ntm.web.errors)
    try:
        when = parse_period(period)
        check_target(unit, stored_set, when)
    except (PeriodError, AssessmentError) as error:
        return Status(422, {"detail": str(error)})
    code = indicator.partition(":")[2] or indicator
    found = next((i for i in stored_set.to_domain().indicators if i.code == code), None)
    if found is None or found.kind is IndicatorKind.AGGREGATE:
        return Status(
            422,
            {"detail": f"indicator: {stored_set.label} has no indicator {indicator!r} "
             "that takes a value."},
        )  # fmt: skip
    if (file.size or 0) > max_bytes():
        try:
            check_upload(file)
        except EvidenceRefused as refused:
            return Status(413, {"detail": str(refused)})
    try:
        kind = check_upload(file)
    except EvidenceRefused as refused:
        return Status(422, {"detail": str(refused)})
    actor = Actor.from_request(request, channel="api")
    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            stored = store_evidence(
                [CheckedUpload(file, kind, unit.pk, found.key, when.observed_on)], actor=actor
            )
    except WriteDenied as denied:
        discard_files(stored)
        return Status(403, {"detail": str(denied)})
    except PeriodFrozen as frozen:
        return Status(409, {"detail": str(frozen)})
    except StorageFailed as failed:
        return Status(507, {"detail": failed.message})
    evidence = EvidenceFile.objects.select_related("entered_by").get(pk=stored[0].pk)
    return Status(201, _out(evidence))


@router.get(
    "/{evidence_id}",
    url_name="evidence_download",
    response={404: Message},
    summary="Download an evidence file (users whose scope holds its unit)",
    openapi_extra={"responses": {200: {"description": "The file, as uploaded"}}},
)
def download_evidence(request: HttpRequest, evidence_id: Id) -> Any:
    evidence = _visible_evidence(request, evidence_id)
    if evidence.is_removed and not can_write(request.user, evidence.unit):
        raise HttpError(404, f"No evidence file {evidence_id} in your scope.")
    name = evidence.original_name or f"evidence-{evidence.pk}"
    try:
        return file_response(evidence.file, name, evidence.content_type)
    except FileNotFoundError:
        raise HttpError(404, "The stored file is missing.") from None


@router.delete(
    "/{evidence_id}",
    response={200: EvidenceOut, 403: Message, 404: Message, 409: Message},
    summary="Take an evidence file off its value (kept in the audit trail)",
    description="409 when the file's period is under review or locked.",
)
def delete_evidence(request: HttpRequest, evidence_id: Id, reason: str = "") -> Status:
    evidence = _visible_evidence(request, evidence_id)
    try:
        remove_evidence(evidence, actor=Actor.from_request(request, channel="api"), reason=reason)
    except WriteDenied as denied:
        return Status(403, {"detail": str(denied)})
    except PeriodFrozen as frozen:
        return Status(409, {"detail": str(frozen)})
    return Status(200, _out(evidence))
