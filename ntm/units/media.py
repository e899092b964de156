"""Writing uploaded files under MEDIA_ROOT so that a full or unwritable disk changes nothing.

A file is written to a temporary name in its final folder, flushed to disk (fsync), then
renamed into place, all before the caller saves the row that points to it: so a row never
points to a missing or half-written file. Any failure removes the temporary file and
raises ``StorageFailed`` (pages show its message, the API answers 507); a caller whose
transaction rolls back after the file is in place deletes it again (``discard``), so the
worst case is an orphan file, never a row without its file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class StorageFailed(Exception):
    """A file could not be written on the server; nothing was changed."""

    def __init__(self) -> None:
        self.message = _(
            "Không lưu được tệp trên máy chủ (thư mục lưu trữ đầy hoặc không ghi được); chưa "
            "có gì thay đổi. Hãy báo quản trị hệ thống."
        )
        super().__init__(self.message)


def save_field_file(field_file: FieldFile, name: str, content: Any) -> str:
    """Write `content` (a Django File) as the file of `field_file` (its model's row is not
    saved); returns the stored name. ``StorageFailed`` leaves nothing behind."""
    name = field_file.field.generate_filename(field_file.instance, name)
    storage = field_file.storage
    try:
        if isinstance(storage, FileSystemStorage):
            stored = _write(storage, name, content, max_length=field_file.field.max_length)
        else:  # pragma: no cover - only the file system storage is configured
            stored = storage.save(name, content, max_length=field_file.field.max_length)
    except OSError as error:
        logger.error("could not store %s: %s", name, error)
        raise StorageFailed() from error
    field_file.name = stored
    setattr(field_file.instance, field_file.field.attname, stored)
    field_file._committed = True
    return stored


def write_bytes(path: Path, content: bytes) -> None:
    """Write a whole file durably (temporary name, fsync, rename); ``StorageFailed``."""
    try:
        _replace(path, [content])
    except OSError as error:
        logger.error("could not write %s: %s", path, error)
        raise StorageFailed() from error


def discard(field_file: FieldFile) -> None:
    """Delete a stored file whose row was not kept (its transaction rolled back)."""
    if field_file and field_file.name:
        with contextlib.suppress(OSError):
            field_file.storage.delete(field_file.name)


def _write(storage: FileSystemStorage, name: str, content: Any, *, max_length: int) -> str:
    name = storage.get_available_name(name, max_length=max_length)
    path = Path(storage.path(name))
    if hasattr(content, "seek"):
        content.seek(0)
    chunks = content.chunks() if hasattr(content, "chunks") else [content.read()]
    _replace(
        path,
        chunks,
        mode=storage.file_permissions_mode or 0o644,
        directory_mode=storage.directory_permissions_mode,
    )
    return name


def _replace(path: Path, chunks, *, mode: int = 0o644, directory_mode: int | None = None) -> None:
    """`path` holds the chunks, or is untouched and no temporary file is left (OSError)."""
    if directory_mode is not None:
        os.makedirs(path.parent, mode=directory_mode, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            for chunk in chunks:
                output.write(chunk)
            output.flush()
            os.fsync(output.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself, on file systems that need it
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
