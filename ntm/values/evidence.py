"""Evidence files: what is accepted (by content, not by name), storing and removing them.

A file is accepted when its bytes are a PDF, a photo or scan, or an office document
(Word, Excel, PowerPoint, OpenDocument; legacy binary formats too), and it is not over
``settings.NTM_EVIDENCE_MAX_BYTES``. The type is read from the content with the
``filetype`` package; zip-based documents are then opened to check they hold the parts
of the document they claim to be, and macro-enabled documents are refused. Files are kept
under MEDIA_ROOT with a random name and served only through a view that checks scope.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ntm.accounts.permissions import ENTRY_ROLES, require_write
from ntm.approvals.freeze import refuse_frozen
from ntm.audit.services import Actor, Change, record_change, record_changes
from ntm.core.numbers import format_number
from ntm.number_messages import page_locale
from ntm.units.media import discard, save_field_file
from ntm.units.models import AdminUnit
from ntm.values.archives import ArchiveLimits, ArchiveRefused, open_checked, read_head
from ntm.values.models import EvidenceFile


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str
    label: object  # a lazy translation


PDF = FileType("application/pdf", ".pdf", gettext_lazy("PDF"))
IMAGES = {
    "image/jpeg": FileType("image/jpeg", ".jpg", gettext_lazy("Ảnh JPEG")),
    "image/png": FileType("image/png", ".png", gettext_lazy("Ảnh PNG")),
    "image/webp": FileType("image/webp", ".webp", gettext_lazy("Ảnh WebP")),
    "image/tiff": FileType("image/tiff", ".tif", gettext_lazy("Ảnh TIFF")),
    "image/heic": FileType("image/heic", ".heic", gettext_lazy("Ảnh HEIC")),
}
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    gettext_lazy("Word"),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    gettext_lazy("Excel"),
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    gettext_lazy("PowerPoint"),
)
DOC = FileType("application/msword", ".doc", gettext_lazy("Word 97-2003"))
XLS = FileType("application/vnd.ms-excel", ".xls", gettext_lazy("Excel 97-2003"))
PPT = FileType("application/vnd.ms-powerpoint", ".ppt", gettext_lazy("PowerPoint 97-2003"))
ODF = {
    "application/vnd.oasis.opendocument.text": FileType(
        "application/vnd.oasis.opendocument.text", ".odt", gettext_lazy("OpenDocument văn bản")
    ),
    "application/vnd.oasis.opendocument.spreadsheet": FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        ".ods",
        gettext_lazy("OpenDocument bảng tính"),
    ),
    "application/vnd.oasis.opendocument.presentation": FileType(
        "application/vnd.oasis.opendocument.presentation",
        ".odp",
        gettext_lazy("OpenDocument trình chiếu"),
    ),
}
ALLOWED: dict[str, FileType] = {
    PDF.mime: PDF,
    **IMAGES,
    DOCX.mime: DOCX,
    XLSX.mime: XLSX,
    PPTX.mime: PPTX,
    DOC.mime: DOC,
    XLS.mime: XLS,
    PPT.mime: PPT,
    **ODF,
}
#: The HTML accept attribute: a hint for the file picker; the server checks the content.
ACCEPT = (
    ".pdf,.jpg,.jpeg,.png,.webp,.tif,.tiff,.heic,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
)

#: The parts a zip-based office document must hold, by its main part.
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Stream names (UTF-16LE in the compound file's directory) of legacy office documents.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book".encode("utf-16-le"), XLS),
    ("PowerPoint Document".encode("utf-16-le"), PPT),
)
_OLE_MACROS = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))
_HEAD_BYTES = 8192


class EvidenceRefused(ValueError):
    """A file that cannot be kept as evidence; the message names the file and the reason."""


def max_bytes() -> int:
    return int(getattr(settings, "NTM_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def size_text(size: int) -> str:
    """1536 -> "1,5 KB" ("1.5 KB" in English), 10485760 -> "10 MB" (binary units, one decimal)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            shown = format_number(
                value, 1 if unit != "B" else 0, locale=page_locale(), grouping=False
            )
            return f"{shown} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def allowed_labels() -> str:
    """ "PDF, ảnh (JPEG, PNG, …), Word, Excel, …" for help texts."""
    return _("PDF, ảnh (JPEG, PNG, WebP, TIFF, HEIC), Word, Excel, PowerPoint, OpenDocument")


def detect_type(stream: IO[bytes]) -> FileType | None:
    """The accepted type the content is, or None (an executable, a script, a plain zip...)."""
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_OLE_SIGNATURE):
        return _ole_type(stream)
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream)
    guessed = filetype.guess(head)
    if guessed is not None and guessed.mime in IMAGES:
        return IMAGES[guessed.mime]
    return None


def archive_limits() -> ArchiveLimits:
    """What an office document may unpack to: twenty times the upload limit (a real
    document with pictures unpacks to about its own size, text-heavy XML to a few times)."""
    limit = max(20 * max_bytes(), 64 * 1024 * 1024)
    return ArchiveLimits(total=limit, member=limit)


def _zip_type(stream: IO[bytes]) -> FileType | None:
    """The office type of a zip, from its central directory and at most 256 bytes of its
    ``mimetype`` member; ArchiveRefused when it would unpack to an absurd size."""
    try:
        with open_checked(stream, archive_limits()) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = read_head(archive, "mimetype").decode("ascii", "replace").strip()
                return ODF.get(declared)
            if "[Content_Types].xml" not in names:
                return None
            if any(name.endswith("vbaProject.bin") for name in names):
                return None  # macro-enabled (docm, xlsm, pptm)
            for part, kind in _OOXML_PARTS.items():
                if part in names:
                    return kind
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)
    return None


def _ole_type(stream: IO[bytes]) -> FileType | None:
    stream.seek(0)
    content = stream.read()
    stream.seek(0)
    if any(marker in content for marker in _OLE_MACROS):
        return None
    for marker, kind in _OLE_STREAMS:
        if marker in content:
            return kind
    return None


def check_upload(upload: UploadedFile) -> FileType:
    """The type of an uploaded file, or EvidenceRefused naming the file and the reason."""
    name = upload.name or _("(không tên)")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise EvidenceRefused(
            _("Tệp “%(name)s” (%(size)s) vượt quá giới hạn %(limit)s cho một tệp minh chứng.")
            % {"name": name, "size": size_text(upload.size), "limit": size_text(limit)}
        )
    if not upload.size:
        raise EvidenceRefused(_("Tệp “%(name)s” rỗng.") % {"name": name})
    try:
        kind = detect_type(upload.file)
    except ArchiveRefused as refused:
        raise EvidenceRefused(
            _(
                "Tệp “%(name)s” bị từ chối: %(reason)s. Hãy lưu lại tài liệu bằng Word, Excel "
                "hoặc LibreOffice rồi tải lên lại."
            )
            % {"name": name, "reason": refused}
        ) from None
    if kind is None:
        raise EvidenceRefused(
            _(
                "Tệp “%(name)s” không phải là loại được nhận làm minh chứng (nội dung tệp được "
                "kiểm tra, không dựa vào tên). Chỉ nhận: %(allowed)s; không nhận tệp có macro."
            )
            % {"name": name, "allowed": allowed_labels()}
        )
    return kind


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, for a cell (unit, key, date)."""

    upload: UploadedFile
    kind: FileType
    unit_id: int
    key: str
    observed_on: date


def store_evidence(files: Iterable[CheckedUpload], *, actor: Actor) -> list[EvidenceFile]:
    """Save checked uploads with their audit entries, inside the caller's transaction.

    Refused whole (``PeriodFrozen``) when a file goes to a period under review or locked.

    Files written before a failure are deleted again; a caller whose transaction rolls
    back after this returns calls ``discard_files`` on the result.
    """
    files = list(files)
    if not files:
        return []
    require_write(actor.user, {f.unit_id for f in files}, roles=ENTRY_ROLES)
    refuse_frozen(((f.unit_id, f.key, f.observed_on) for f in files), lock=True)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    stored: list[EvidenceFile] = []
    try:
        for item in files:
            evidence = EvidenceFile(
                unit_id=item.unit_id,
                key=item.key,
                observed_on=item.observed_on,
                original_name=(item.upload.name or "")[:255],
                content_type=item.kind.mime,
                size=item.upload.size or 0,
                entered_by=user,
            )
            # A random stored name: the original name is kept in the row, never in a path.
            # Written whole before the row (StorageFailed when the disk is full or locked).
            save_field_file(evidence.file, f"{uuid.uuid4().hex}{item.kind.extension}", item.upload)
            stored.append(evidence)
            evidence.save()
        units = dict(
            AdminUnit.objects.filter(pk__in={e.unit_id for e in stored}).values_list("pk", "name")
        )
        record_changes(
            actor,
            [
                Change(
                    action="evidence.add",
                    obj=e,
                    unit_id=e.unit_id,
                    unit_label=units.get(e.unit_id, ""),
                    summary=f"{e.key} @ {e.observed_on.isoformat()}: {e.original_name}",
                    new={"name": e.original_name, "type": e.content_type, "size": e.size},
                )
                for e in stored
            ],
        )
    except BaseException:
        discard_files(stored)
        raise
    return stored


def discard_files(stored: Iterable[EvidenceFile]) -> None:
    """Delete the files of rows that will not be kept (their transaction rolled back)."""
    for evidence in stored:
        discard(evidence.file)


def remove_evidence(evidence: EvidenceFile, *, actor: Actor, reason: str = "") -> EvidenceFile:
    """Take a file off a value (kept on disk and in the audit trail, no longer listed)."""
    require_write(actor.user, evidence.unit_id, roles=ENTRY_ROLES)
    with transaction.atomic():
        refuse_frozen([(evidence.unit_id, evidence.key, evidence.observed_on)], lock=True)
        evidence.is_removed = True
        evidence.save(update_fields=["is_removed"])
        record_change(
            actor,
            Change(
                action="evidence.remove",
                obj=evidence,
                unit_id=evidence.unit_id,
                unit_label=evidence.unit.name,
                summary=f"{evidence.key} @ {evidence.observed_on.isoformat()}: "
                f"{evidence.original_name}",
                old={"name": evidence.original_name, "is_removed": False},
                new={"name": evidence.original_name, "is_removed": True},
            ),
            reason=reason,
        )
    return evidence
