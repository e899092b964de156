"""Edits that race: the version an edit was based on, and writes that collide.

Two rules for every editable record (values today; targets, plan tasks, directives next),
described in ``docs/concurrency.md``:

1. **An edit carries its base.** The page, the template or the API client says which
   version of the record it showed (``Base``: the id of the row in force, or ``None``
   when there was none). A field equal to its base is not a write at all. A changed
   field whose base is no longer the row in force is refused with ``stale_message``:
   the newer value, who saved it and when, and what to do.
2. **Writers of one unit's period take turns.** ``lock_unit_days`` serialises writers of
   the same (unit, day) on PostgreSQL with transaction-scoped advisory locks (SQLite
   serialises writers with ``BEGIN IMMEDIATE``, see ``config/settings.py``); whatever
   still collides (a uniqueness constraint, SQLite's "database is locked" after its busy
   timeout) becomes ``WriteConflict`` through ``conflicts_as_refusal``, which pages and the
   API answer with 409 and the advice to reload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.values.validation import AssessmentError


@dataclass(frozen=True)
class Base:
    """The version an edit was based on: the id of the row in force the user saw (None:
    there was none). An edit without a ``Base`` is not checked (the command line, the
    demo, API clients that do not send ``expected``)."""

    id: int | None

    @classmethod
    def parse(cls, text: str | None) -> Base | None:
        """A page's hidden base field: "" is "nothing was in force", absent is no check."""
        if text is None:
            return None
        text = text.strip()
        if not text:
            return cls(None)
        return cls(int(text)) if text.isdigit() and len(text) < 19 else None

    def text(self) -> str:
        return "" if self.id is None else str(self.id)


def is_stale(base: Base | None, current_id: int | None) -> bool:
    """The record in force is no longer the one the edit was based on."""
    return base is not None and base.id != current_id


def moment_text(moment: datetime | None) -> str:
    """ "21:05 07/12/2026" in the site's time zone."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def person_text(user) -> str:
    """The full name of whoever saved, else their username, else "(không rõ)"."""
    if user is None:
        return _("(không rõ)")
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def stale_message(*, value_text: str, who, when: datetime | None, what: str = "") -> str:
    """Why a changed field is refused: the newer value, who saved it, when, what to do."""
    if not value_text:
        return _(
            "%(what)s đã được %(who)s thay đổi lúc %(when)s sau khi bạn mở trang; hãy xem lại."
        ) % {"what": what or _("Ô này"), "who": person_text(who), "when": moment_text(when)}
    return _(
        "%(what)s đã được %(who)s sửa thành %(value)s lúc %(when)s sau khi bạn mở trang; "
        "hãy xem lại."
    ) % {
        "what": what or _("Ô này"),
        "who": person_text(who),
        "value": value_text,
        "when": moment_text(when),
    }


class StaleEdit(AssessmentError):
    """A single-record edit based on a version that is no longer in force."""


def check_base(base: Base | None, current, *, value_text: str = "", what: str = "") -> None:
    """Raise StaleEdit when ``current`` (the row in force, or None) is not the edit's base.

    For a single record (a target, a task): call it under the row lock, before writing.
    """
    current_id = current.pk if current is not None else None
    if is_stale(base, current_id):
        raise StaleEdit(
            stale_message(
                value_text=value_text,
                who=getattr(current, "entered_by", None),
                when=getattr(current, "entered_at", None),
                what=what,
            )
        )


# --------------------------------------------------------------------------- collisions


class WriteConflict(AssessmentError):
    """Another request wrote the same thing at the same moment; nothing was written."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Có người khác vừa lưu cùng ô (hoặc cùng kỳ) đúng lúc này nên chưa lưu gì; "
                "hãy tải lại trang, xem số liệu mới rồi lưu lại."
            )
        )


def is_collision(error: BaseException) -> bool:
    """A uniqueness constraint hit by a concurrent write, or SQLite busy past its timeout."""
    if isinstance(error, IntegrityError):
        text = str(error).lower()
        return "unique" in text or "duplicate" in text
    if isinstance(error, OperationalError):
        text = str(error).lower()
        return "database is locked" in text or "deadlock" in text or "could not serialize" in text
    return False


@contextmanager
def conflicts_as_refusal() -> Iterator[None]:
    """Turn a collision with a concurrent write into ``WriteConflict`` (a 409, never a 500).

    Wrap the outermost ``transaction.atomic`` of a write (or any inner one: the inner
    block's savepoint is rolled back before the refusal goes up).
    """
    try:
        yield
    except (IntegrityError, OperationalError) as error:
        if is_collision(error):
            raise WriteConflict() from error
        raise


def _lock_key(unit_id: int, day: date) -> int:
    """A signed 64-bit advisory lock key for one unit's day (namespace "ntm.unit-day")."""
    digest = hashlib.blake2b(f"ntm.unit-day:{unit_id}:{day.isoformat()}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def lock_unit_days(pairs: Iterable[tuple[int, date]]) -> None:
    """Take the write lock of each (unit, day) until the transaction ends (PostgreSQL).

    Keys are taken in sorted order, so two writers never wait on each other in a cycle.
    Value writes, evidence, certifications and submission steps take it; SQLite needs
    nothing here (``BEGIN IMMEDIATE`` admits one writer at a time).
    """
    if connection.vendor != "postgresql" or transaction.get_autocommit():
        return
    keys = sorted({_lock_key(unit_id, day) for unit_id, day in pairs})
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM "
            "(SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys",
            [keys],
        )
