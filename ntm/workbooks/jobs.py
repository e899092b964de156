"""Uploaded workbooks between preview and confirmation, and the work done on them.

An upload is kept under MEDIA_ROOT/workbook-uploads/<user id>/<random token>/ (never
under the static root): the file, and `state.json` with what the page shows (state,
progress, the preview or the result). Only its owner reaches it: the user's id is part of
the path. It is removed after the confirmation, on cancel, or a day after the upload.

Reading 200 communes (~10,000 rows) and writing them take several seconds, so the work
runs in a background thread and the page polls its state. `NTM_WORKBOOK_JOBS = "inline"`
runs it inside the request instead (tests, where each test's database transaction is not
visible to other threads).

A job that crashed never stays "processing": an exception in the worker is recorded as
failed, and a busy job whose worker is gone reads as failed at once: its thread is no
longer running in this process, its process is gone, or (another machine) its heartbeat,
touched every few seconds while it works, is older than ``STALE_AFTER``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.units.media import StorageFailed, write_bytes
from ntm.values.bulk import CellInput
from ntm.values.concurrency import Base
from ntm.workbooks.importing import (
    ImportResult,
    StalePreview,
    apply_cells,
    import_reason,
    preview_workbook,
)
from ntm.workbooks.limits import MAX_PROBLEMS
from ntm.workbooks.reading import Expectation, WorkbookRefused

logger = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)
#: A job whose heartbeat is older than this died with its process.
STALE_AFTER = timedelta(minutes=1)
#: How often a working job touches its heartbeat file.
HEARTBEAT_EVERY = 10.0
#: Tokens of the jobs whose worker runs in this process.
_RUNNING: set[str] = set()
_HOST = socket.gethostname()
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

QUEUED, RUNNING, PREVIEWED, REFUSED, APPLIED, FAILED = (
    "queued",
    "running",
    "previewed",
    "refused",
    "applied",
    "failed",
)


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "workbook-uploads"


@dataclass
class Upload:
    """One uploaded file and the state of the work on it."""

    token: str
    directory: Path
    state: dict[str, Any]

    @property
    def file(self) -> Path:
        return self.directory / "upload.xlsx"

    @property
    def status(self) -> str:
        return self.state.get("status", QUEUED)

    @property
    def is_busy(self) -> bool:
        return self.status in (QUEUED, RUNNING)

    @property
    def heartbeat(self) -> Path:
        return self.directory / "heartbeat"

    def save(self, **changes: Any) -> None:
        """Record the state (StorageFailed when the disk is full or not writable)."""
        self.state.update(changes, updated_at=timezone.now().isoformat())
        content = json.dumps(self.state, ensure_ascii=False, default=str).encode("utf-8")
        write_bytes(self.directory / "state.json", content)


def _user_directory(user_id: int) -> Path:
    return root() / str(int(user_id))


def save_upload(
    *, user_id: int, content: bytes, original_name: str, context: dict[str, Any]
) -> Upload:
    """Keep an uploaded file for its owner; sweeps away uploads older than a day."""
    sweep()
    token = secrets.token_urlsafe(18)
    directory = _user_directory(user_id) / token
    upload = Upload(token, directory, {})
    try:
        directory.mkdir(parents=True, exist_ok=False)
        write_bytes(upload.file, content)
        upload.save(
            status=QUEUED,
            original_name=Path(original_name or "upload.xlsx").name[:200],
            size=len(content),
            uploaded_at=timezone.now().isoformat(),
            context=context,
            progress=0,
        )
    except (OSError, StorageFailed) as error:
        shutil.rmtree(directory, ignore_errors=True)
        logger.error("could not keep an uploaded workbook: %s", error)
        raise StorageFailed() from error
    return upload


def find_upload(*, user_id: int, token: str) -> Upload | None:
    """The user's upload with this token, or None (another user's token finds nothing)."""
    if not TOKEN.match(token or ""):
        return None
    directory = _user_directory(user_id) / token
    try:
        state = json.loads((directory / "state.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    upload = Upload(token, directory, state)
    if upload.is_busy and not _worker_alive(upload):
        with contextlib.suppress(StorageFailed):
            upload.save(status=FAILED, message=_interrupted(upload))
        upload.state.update(status=FAILED, message=_interrupted(upload))
    return upload


def _interrupted(upload: Upload) -> str:
    if upload.state.get("phase") == "apply":
        return _(
            "Việc ghi số liệu bị gián đoạn (tiến trình xử lý đã dừng). Việc ghi là tất cả hoặc "
            "không gì cả: hãy xem số liệu của đơn vị để biết đã ghi chưa, rồi tải tệp lên lại nếu "
            "cần."
        )
    return _(
        "Việc đọc tệp bị gián đoạn (tiến trình xử lý đã dừng); không có số liệu nào được ghi. "
        "Hãy tải tệp lên lại."
    )


def _worker_alive(upload: Upload) -> bool:
    """Whether the worker of a busy job still runs: its thread (this process), its process
    (this machine), or a fresh heartbeat (elsewhere)."""
    owner = upload.state.get("owner") or {}
    if owner.get("host") == _HOST and owner.get("pid") == os.getpid():
        return upload.token in _RUNNING
    if owner.get("host") == _HOST and isinstance(owner.get("pid"), int):
        try:
            os.kill(owner["pid"], 0)
        except ProcessLookupError:
            return False
        except OSError:  # another user's process: alive
            pass
    try:
        beat = datetime.fromtimestamp(upload.heartbeat.stat().st_mtime, tz=UTC)
    except OSError:
        beat = None
    stamp = beat.isoformat() if beat is not None else upload.state.get("updated_at")
    return _age(stamp) <= STALE_AFTER


def _age(stamp: str | None) -> timedelta:
    try:
        then = datetime.fromisoformat(stamp or "")
    except ValueError:
        return timedelta.max
    return timezone.now() - then


def remove_upload(upload: Upload) -> None:
    shutil.rmtree(upload.directory, ignore_errors=True)


def sweep(*, older_than: timedelta = KEEP_FOR) -> int:
    """Remove uploads older than a day; returns how many."""
    removed = 0
    base = root()
    if not base.exists():
        return 0
    limit = timezone.now().timestamp() - older_than.total_seconds()
    for directory in base.glob("*/*"):
        try:
            if directory.is_dir() and directory.stat().st_mtime < limit:
                shutil.rmtree(directory, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


# --- The work -------------------------------------------------------------------------------


def start(upload: Upload, *, phase: str, actor: Actor, expect: Expectation) -> None:
    """Preview or apply an upload, in a background thread (or inline, see the module doc)."""
    _RUNNING.add(upload.token)
    try:
        upload.save(
            status=QUEUED,
            phase=phase,
            progress=0,
            message="",
            owner={"host": _HOST, "pid": os.getpid()},
        )
    except BaseException:
        _RUNNING.discard(upload.token)
        raise
    language = translation.get_language() or settings.LANGUAGE_CODE
    arguments = (upload, phase, actor, expect, language)
    if getattr(settings, "NTM_WORKBOOK_JOBS", "thread") == "inline":
        _guarded(*arguments)
        return
    threading.Thread(target=_run_in_thread, args=arguments, daemon=True).start()


def _run_in_thread(*arguments: Any) -> None:
    close_old_connections()
    try:
        _guarded(*arguments)
    finally:
        connection.close()


def _guarded(upload: Upload, *arguments: Any) -> None:
    """Run a job with its heartbeat; whatever escapes it is recorded as the job's failure."""
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(upload, stop), daemon=True)
    beating.start()
    try:
        _run(upload, *arguments)
    except BaseException as error:
        logger.exception("workbook job %s crashed", upload.token)
        with contextlib.suppress(BaseException):
            upload.save(status=FAILED, message=_system_error(), error=type(error).__name__)
        if not isinstance(error, Exception):
            raise
    finally:
        stop.set()
        _RUNNING.discard(upload.token)


def _beat(upload: Upload, stop: threading.Event) -> None:
    while True:
        with contextlib.suppress(OSError):
            upload.heartbeat.touch()
        if stop.wait(HEARTBEAT_EVERY):
            return


def _system_error() -> str:
    return _(
        "Lỗi hệ thống khi xử lý tệp; không có số liệu nào được ghi. Hãy thử lại hoặc báo quản trị."
    )


def _run(upload: Upload, phase: str, actor: Actor, expect: Expectation, language: str) -> None:
    with translation.override(language):
        upload.save(status=RUNNING)
        try:
            if phase == "apply":
                _apply(upload, actor)
            else:
                _preview(upload, actor, expect)
        except WorkbookRefused as refused:
            upload.save(status=REFUSED, message=refused.message, progress=100)
        except StalePreview as stale:
            # Show the new preview, with the reason the confirmation did not write.
            _preview(upload, actor, expect)
            upload.save(message=str(stale))
        except Exception as error:  # a bug must not leave the page waiting forever
            logger.exception("workbook %s failed", phase)
            upload.save(status=FAILED, message=_system_error(), error=type(error).__name__)


def _preview(upload: Upload, actor: Actor, expect: Expectation) -> None:
    def progress(done: int, total: int) -> None:
        upload.save(progress=int(90 * done / total))

    result = preview_workbook(
        upload.file.read_bytes(), user=actor.user, expect=expect, progress=progress
    )
    upload.save(
        status=PREVIEWED,
        progress=100,
        phase="preview",
        **summary(result, upload.state.get("original_name", "")),
    )


def _apply(upload: Upload, actor: Actor) -> None:
    preview = upload.state
    cells = [_cell_from(data) for data in preview.get("cells", [])]
    plan = apply_cells(
        cells,
        actor=actor,
        reason=preview.get("reason", ""),
        fingerprint=preview.get("fingerprint"),
    )
    if not plan.is_valid:
        upload.save(
            status=PREVIEWED,
            problems=[
                {
                    "where": p.where,
                    "sheet": "",
                    "row": None,
                    "column": "",
                    "value": "",
                    "message": p.message,
                }
                for p in plan.problems[:MAX_PROBLEMS]
            ],
            more_problems=max(len(plan.problems) - MAX_PROBLEMS, 0),
            message=_("Không ghi gì: có ô không còn hợp lệ."),
        )
        return
    counts = {
        **preview.get("counts", {}),
        "new": sum(1 for c in plan.writes if c.previous is None),
        "changed": sum(1 for c in plan.writes if c.previous is not None),
    }
    upload.save(
        status=APPLIED, progress=100, counts=counts, cells=[], applied_at=timezone.now().isoformat()
    )
    # The file is no longer needed once written; the state stays for the result page.
    upload.file.unlink(missing_ok=True)


def summary(result: ImportResult, filename: str = "") -> dict[str, Any]:
    """What the preview page shows, as plain data (kept in state.json)."""
    reading = result.reading
    return {
        "set_id": reading.criteria_set.set_id,
        "set_version": reading.criteria_set.version,
        "set_name": reading.criteria_set.name_vi,
        "period": reading.period.label,
        "observed_on": reading.period.observed_on.isoformat(),
        "unit_count": len(reading.codes.units),
        "unit_ids": [u.id for u in reading.codes.units],
        "counts": result.counts,
        "fingerprint": result.fingerprint,
        "reason": import_reason(filename, reading.criteria_set, reading.period),
        "changes": [
            {
                "unit_name": c.unit_name,
                "unit_code": c.unit_code,
                "indicator_code": c.indicator_code,
                "indicator_name": c.indicator_name,
                "kind": c.kind,
                "old": c.old,
                "old_on": c.old_on.isoformat() if c.old_on else None,
                "new": c.new,
                "source": c.source,
                "note": c.note,
                "row": c.location.row if c.location else None,
            }
            for c in result.change_rows()
        ],
        "problems": [_problem(p) for p in result.problems],
        "more_problems": result.more_problems,
        "warnings": [_problem(p) for p in result.reading.warnings],
        "cells": [_cell_data(c) for c in reading.cells] if result.is_valid else [],
    }


def _problem(problem) -> dict[str, Any]:
    location = problem.location
    return {
        "where": problem.where,
        "sheet": location.sheet if location else "",
        "row": location.row if location else None,
        "column": location.column if location else "",
        "value": location.shown if location else "",
        "message": problem.message,
    }


def _cell_data(cell: CellInput) -> dict[str, Any]:
    return {
        "unit_id": cell.unit_id,
        "indicator_key": cell.indicator_key,
        "observed_on": cell.observed_on.isoformat(),
        "value": cell.value,
        "numerator": cell.numerator,
        "denominator": cell.denominator,
        "is_met": cell.is_met,
        "source": cell.source,
        "note": cell.note,
        "where": cell.where,
        # The template's base, so the confirmation checks it as the preview did.
        "base": None if cell.base is None else [cell.base.id],
    }


def _cell_from(data: dict[str, Any]) -> CellInput:
    base = data.get("base")
    return CellInput(
        **{
            **data,
            "observed_on": date.fromisoformat(data["observed_on"]),
            "base": Base(base[0]) if base is not None else None,
        }
    )
