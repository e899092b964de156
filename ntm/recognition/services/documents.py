"""Documents of a recognition case: adding and removing them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.recognition.models import (
    CLOSED_STAGES,
    CaseDocument,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import document_kinds
from ntm.recognition.services.access import (
    CaseRefused,
    _audit,
    _locked,
    _text,
    _today,
    _user,
    require_actor,
    stage_actor,
)
from ntm.units.media import discard, save_field_file
from ntm.values.evidence import EvidenceRefused, check_upload

# --- Documents ---------------------------------------------------------------------------------


@transaction.atomic
def add_document(
    *,
    case: RecognitionCase,
    kind: str,
    upload: UploadedFile,
    actor: Actor,
    number: str = "",
    issued_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> CaseDocument:
    """Attach a document to the case at its current stage, checked by content and size.
    ``now``: when it is uploaded, if not the present (the demo's clock)."""
    case = _locked(case)
    require_actor(actor.user, case.unit, stage_actor(case))
    if case.stage in CLOSED_STAGES:
        raise CaseRefused([_("Hồ sơ đã đóng; không thêm tài liệu được.")])
    kinds = document_kinds()
    if kind not in kinds:
        raise CaseRefused(
            [
                _("Loại tài liệu “%(kind)s” không có; chọn một trong: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(kinds)}
            ]
        )
    if issued_on is not None and issued_on > _today(now):
        raise CaseRefused([_("Ngày văn bản không thể sau hôm nay.")])
    try:
        file_type = check_upload(upload)
    except EvidenceRefused as refused:
        raise CaseRefused([str(refused)]) from None
    document = CaseDocument(
        case=case,
        kind=kind,
        stage=case.stage,
        number=_text(number)[:100],
        issued_on=issued_on,
        original_name=(upload.name or "")[:255],
        content_type=file_type.mime,
        size=upload.size or 0,
        uploaded_by=_user(actor),
        uploaded_at=now or timezone.now(),
    )
    # A random stored name: the original name stays in the row, never in a path. Written
    # whole before the row (StorageFailed, nothing changed, when the disk is full or locked).
    save_field_file(document.file, f"{uuid.uuid4().hex}{file_type.extension}", upload)
    try:
        document.save()
        _audit(
            actor,
            case,
            "recognition_case.document.add",
            f"{case.unit.name}: {kinds[kind].name_vi}: {document.original_name}",
            new={
                "kind": kind,
                "name": document.original_name,
                "type": document.content_type,
                "size": document.size,
                "number": document.number,
            },
            obj=document,
            now=now,
        )
    except BaseException:
        discard(document.file)
        raise
    return document


@transaction.atomic
def remove_document(*, document: CaseDocument, actor: Actor, reason: str = "") -> CaseDocument:
    """Take a document off the case (kept on disk and in the audit trail). Only documents of
    the current stage: earlier stages' documents are part of what was sent and checked."""
    case = _locked(document.case)
    require_actor(actor.user, case.unit, stage_actor(case))
    if document.is_removed:
        raise CaseRefused([_("Tài liệu này đã được gỡ.")])
    if document.stage != case.stage or case.stage in CLOSED_STAGES:
        raise CaseRefused(
            [
                _(
                    "Tài liệu được nộp ở bước “%(stage)s” thuộc phần hồ sơ đã gửi; muốn thay, trả "
                    "hồ sơ về bước đó."
                )
                % {"stage": Stage(document.stage).label}
            ]
        )
    document.is_removed = True
    document.save(update_fields=["is_removed"])
    _audit(
        actor,
        case,
        "recognition_case.document.remove",
        f"{case.unit.name}: {document.original_name}",
        old={"name": document.original_name, "is_removed": False},
        new={"name": document.original_name, "is_removed": True},
        reason=_text(reason),
        obj=document,
    )
    return document
