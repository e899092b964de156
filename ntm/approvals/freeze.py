"""The freeze check of the one write path: which cells a period under review or locked keeps
from changing, and why, in words.

A cell (unit, key, day) is frozen when a submission of that unit, observed on that day, is
not a draft and its set version holds the key (an indicator key, or a criterion key for
certifications and criterion evidence). Values, certifications and evidence files are
all checked here, whatever the channel: the form, the grid, Excel imports, the API, the
command line and the services the demo uses.

It reads only the Submission table (``ntm.approvals.models``) and the approval words, so
the values write path (``ntm.values.bulk``, ``evidence``, ``bulk_records``) may import it
without importing the approval workflow above it; ``ntm.approvals.locking`` keeps the
public names for the approval side.

One query for any number of cells.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ntm.approvals.approval_words import (
    FROZEN,
    TransitionRefused,
    approver_text,
    period_text,
    status_label,
    when_text,
    who_text,
)
from ntm.approvals.models import CriterionVerification, Submission, SubmissionStatusChoices
from ntm.values.concurrency import lock_unit_days

Cell = tuple[int, str, date]


class PeriodFrozen(TransitionRefused):
    """A write into a period that is under review or locked; nothing was written."""


def frozen_message(submission: Submission, *, has_verification: bool = False) -> str:
    """Why a period's values cannot change now, since when, by whom, and what to do."""
    what = period_text(submission)
    if submission.status == SubmissionStatusChoices.LOCKED:
        return _(
            "%(what)s đã khóa từ %(when)s (người khóa: %(who)s): số liệu đã phê duyệt không "
            "được sửa. Muốn sửa, đề nghị %(unlocker)s mở khóa, kèm lý do."
        ) % {
            "what": what,
            "when": when_text(submission.locked_at),
            "who": who_text(submission.locked_by),
            "unlocker": approver_text(submission.unit),
        }
    since = when_text(submission.status_changed_at or submission.submitted_at)
    if submission.status == SubmissionStatusChoices.SUBMITTED and not has_verification:
        how = _("Người nhập liệu của đơn vị có thể rút kỳ về bản nháp để sửa.")
    elif submission.status == SubmissionStatusChoices.APPROVED:
        how = _("Muốn sửa, đề nghị %(office)s trả lại kỳ này kèm ý kiến.") % {
            "office": approver_text(submission.unit)
        }
    else:
        how = _(
            "Muốn sửa, đề nghị sở, ngành thẩm tra hoặc %(office)s trả lại kỳ này kèm ý kiến."
        ) % {"office": approver_text(submission.unit)}
    return _(
        "%(what)s đang được xét duyệt (%(status)s từ %(since)s, gửi bởi %(who)s): số liệu "
        "không sửa được trong khi xét duyệt. %(how)s"
    ) % {
        "what": what,
        "status": status_label(submission.status).lower(),
        "since": since,
        "who": who_text(submission.submitted_by),
        "how": how,
    }


def frozen_cells(cells: Iterable[Cell], *, lock: bool = False) -> dict[Cell, str]:
    """The frozen cells among these, each with the reason it cannot change.

    With ``lock`` inside the writing transaction, the submissions of the cells' units
    and days are locked too, so a period cannot be submitted or locked half-way through
    a write.
    """
    cells = list(dict.fromkeys(cells))
    if not cells:
        return {}
    rows = Submission.objects.filter(
        unit_id__in={c[0] for c in cells}, observed_on__in={c[2] for c in cells}
    )
    if lock and not transaction.get_autocommit():
        # Writers of a unit's day take turns (PostgreSQL; SQLite has one writer at a time).
        lock_unit_days({(c[0], c[2]) for c in cells})
        # Every status: a draft being written must not be submitted meanwhile.
        rows = rows.select_for_update(of=("self",))
    else:
        rows = rows.filter(status__in=FROZEN)
    rows = rows.select_related("unit__parent", "submitted_by", "locked_by").annotate(
        has_verification=Exists(
            CriterionVerification.objects.filter(
                submission=OuterRef("pk"), is_current=True, verified_at__isnull=False
            )
        )
    )
    by_day: dict[tuple[int, date], list[Submission]] = {}
    for row in rows:
        if row.status in FROZEN:
            by_day.setdefault((row.unit_id, row.observed_on), []).append(row)
    if not by_day:
        return {}
    # A locked period speaks first: its refusal says who can unlock.
    for found in by_day.values():
        found.sort(key=lambda s: s.status != SubmissionStatusChoices.LOCKED)
    key_sets = {row.pk: set(row.keys or ()) for found in by_day.values() for row in found}
    messages: dict[int, str] = {}
    frozen: dict[Cell, str] = {}
    for cell in cells:
        for row in by_day.get((cell[0], cell[2]), ()):
            if cell[1] in key_sets[row.pk]:
                if row.pk not in messages:
                    messages[row.pk] = frozen_message(row, has_verification=row.has_verification)
                frozen[cell] = messages[row.pk]
                break
    return frozen


def refuse_frozen(cells: Iterable[Cell], *, lock: bool = False) -> None:
    """Raise PeriodFrozen, with every distinct reason, when any cell is frozen."""
    found = frozen_cells(cells, lock=lock)
    if found:
        raise PeriodFrozen(" ".join(dict.fromkeys(found.values())))
