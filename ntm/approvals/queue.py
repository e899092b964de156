"""What waits for a user's action, and since when: the queue of each level.

* a verifier: the criteria of their department in submitted periods of their scope;
* a coordination office (approver, administrator): the criteria no department verifies,
  verified periods to approve and approved ones to lock, of the units it approves (the
  units directly below it; with ``below``, every unit under it, since a higher office may
  act in place of a lower one);
* data entry: periods returned or unlocked, back in draft to be corrected.

Oldest first. A fixed number of queries whatever the number of rows: counts in SQL, one
query per kind for the rows shown, one for the sets' names, one for the last comments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, role_of
from ntm.accounts.scope import scope_of
from ntm.approvals.models import (
    CriterionVerification,
    Submission,
    SubmissionActionChoices,
    SubmissionEvent,
    SubmissionStatusChoices,
)
from ntm.approvals.rights import office_unit_ids, user_department_id
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit

Status = SubmissionStatusChoices
#: The most rows of one kind a page lists (the counts are always exact).
ROWS_PER_KIND = 300


class QueueKind(StrEnum):
    VERIFY = "verify"
    APPROVE = "approve"
    LOCK = "lock"
    RETURNED = "returned"


@dataclass
class QueueItem:
    """A period waiting for the user, the criteria concerned (to verify), since when."""

    kind: QueueKind
    submission: Submission
    since: datetime
    criteria: list[CriterionVerification] = field(default_factory=list)
    criteria_set: CriteriaSet | None = None
    #: criterion number -> name, for the criteria to verify
    criterion_names: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    comment_by: str = ""

    @property
    def criteria_named(self) -> list[tuple[str, str]]:
        """The criteria to verify as (number, name)."""
        return [(r.number, self.criterion_names.get(r.number, "")) for r in self.criteria]

    @property
    def unit(self) -> AdminUnit:
        return self.submission.unit

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.since).days


@dataclass
class Queue:
    """The user's queue: the kinds that apply to them, exact counts and the rows shown."""

    kinds: list[QueueKind]
    counts: dict[QueueKind, int]
    #: criteria to verify (the VERIFY count is of periods)
    criteria_count: int = 0
    items: list[QueueItem] = field(default_factory=list)
    truncated: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    set_id: str = ""
    query: str = ""
    #: an office's queue with every unit under it, not only those directly below
    below: bool = False


def kinds_for(user: AbstractBaseUser | AnonymousUser | None) -> list[QueueKind]:
    """The kinds of work a user's role has."""
    role = role_of(user)
    if role in OFFICE_ROLES:
        kinds = [QueueKind.VERIFY, QueueKind.APPROVE, QueueKind.LOCK]
        return [*kinds, QueueKind.RETURNED] if role == RoleChoices.ADMINISTRATOR else kinds
    if role == RoleChoices.VERIFIER:
        return [QueueKind.VERIFY] if user_department_id(user) is not None else []
    if role == RoleChoices.DATA_ENTRY:
        return [QueueKind.RETURNED]
    return []


def _office_filter(offices: frozenset[int] | None, below: bool, prefix: str = "") -> Q:
    """Submissions an office approves: of units right below it, or (below) under it."""
    if offices is None:
        return Q()
    direct = Q(**{f"{prefix}unit__parent_id__in": offices})
    if not below:
        return direct
    return (
        direct
        | Q(**{f"{prefix}unit__parent__parent_id__in": offices})
        | Q(**{f"{prefix}unit__parent__parent__parent_id__in": offices})
    )


def _scoped(rows: QuerySet, user, prefix: str = "") -> QuerySet:
    scope = scope_of(user)
    if scope.unit_ids is None:
        return rows
    return rows.filter(**{f"{prefix}unit_id__in": scope.unit_ids})


def _filtered(rows: QuerySet, filters: QueueFilter, prefix: str = "") -> QuerySet:
    if filters.set_id:
        rows = rows.filter(**{f"{prefix}set_id": filters.set_id})
    if filters.query:
        rows = rows.filter(**{f"{prefix}unit__name__icontains": filters.query})
    return rows


def _pending(user, filters: QueueFilter) -> QuerySet[CriterionVerification]:
    """The criteria waiting for the user's verification."""
    rows = CriterionVerification.objects.filter(
        is_current=True,
        verified_at__isnull=True,
        submission__status=Status.SUBMITTED,
    )
    if role_of(user) in OFFICE_ROLES:
        rows = rows.filter(Q(department__isnull=True) if not filters.below else Q()).filter(
            _office_filter(office_unit_ids(user), filters.below, "submission__")
        )
    else:
        rows = rows.filter(department_id=user_department_id(user))
    return _filtered(_scoped(rows, user, "submission__"), filters, "submission__")


def _periods(user, kind: QueueKind, filters: QueueFilter) -> QuerySet[Submission]:
    if kind is QueueKind.RETURNED:
        rows = Submission.objects.filter(
            status=Status.DRAFT,
            last_action__in=[SubmissionActionChoices.RETURN, SubmissionActionChoices.UNLOCK],
        )
    else:
        status = Status.VERIFIED if kind is QueueKind.APPROVE else Status.APPROVED
        rows = Submission.objects.filter(status=status).filter(
            _office_filter(office_unit_ids(user), filters.below)
        )
    return _filtered(_scoped(rows, user), filters)


def queue_counts(
    user: AbstractBaseUser | AnonymousUser | None, filters: QueueFilter | None = None
) -> tuple[dict[QueueKind, int], int]:
    """Periods waiting per kind, and the number of criteria to verify."""
    filters = filters or QueueFilter()
    counts: dict[QueueKind, int] = {}
    criteria = 0
    for kind in kinds_for(user):
        if kind is QueueKind.VERIFY:
            totals = _pending(user, filters).aggregate(
                criteria=Count("id"), periods=Count("submission_id", distinct=True)
            )
            counts[kind], criteria = totals["periods"], totals["criteria"]
        else:
            counts[kind] = _periods(user, kind, filters).count()
    return counts, criteria


def queue_total(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """The periods waiting for the user, for the navigation's badge."""
    return sum(queue_counts(user)[0].values())


def build_queue(
    user: AbstractBaseUser | AnonymousUser | None, filters: QueueFilter | None = None
) -> Queue:
    """The user's queue with the rows of the kinds asked for, oldest first."""
    filters = filters or QueueFilter()
    kinds = kinds_for(user)
    counts, criteria = queue_counts(user, filters)
    shown = [k for k in kinds if not filters.kind or k.value == filters.kind]
    items: list[QueueItem] = []
    truncated = False
    for kind in shown:
        if kind is QueueKind.VERIFY:
            rows = list(
                _pending(user, filters)
                .select_related(
                    "submission__unit__parent", "submission__submitted_by", "department"
                )
                .order_by("submission__status_changed_at", "submission_id", "position")[
                    : ROWS_PER_KIND * 20
                ]
            )
            grouped: dict[int, QueueItem] = {}
            for row in rows:
                item = grouped.get(row.submission_id)
                if item is None:
                    submission = row.submission
                    item = grouped[row.submission_id] = QueueItem(
                        kind, submission, _since(submission)
                    )
                item.criteria.append(row)
            found = list(grouped.values())
        else:
            found = [
                QueueItem(kind, s, _since(s))
                for s in _periods(user, kind, filters)
                .select_related("unit__parent", "submitted_by", "approved_by")
                .order_by("status_changed_at", "id")[: ROWS_PER_KIND + 1]
            ]
        if len(found) > ROWS_PER_KIND:
            truncated = True
            found = found[:ROWS_PER_KIND]
        items.extend(found)
    items.sort(key=lambda item: (item.since, item.submission.pk))
    _name_sets(items)
    _last_comments([i for i in items if i.kind is QueueKind.RETURNED])
    return Queue(kinds, counts, criteria, items, truncated)


def _since(submission: Submission) -> datetime:
    return submission.status_changed_at or submission.updated_at


def _name_sets(items: Iterable[QueueItem]) -> None:
    items = list(items)
    set_ids = {i.submission.set_id for i in items}
    if not set_ids:
        return
    names: dict[str, CriteriaSet] = {}
    for stored in CriteriaSet.objects.filter(set_id__in=set_ids).order_by("version"):
        names[stored.set_id] = stored
    criteria: dict[str, dict[str, str]] = {}
    for item in items:
        stored = item.criteria_set = names.get(item.submission.set_id)
        if item.criteria and stored is not None:
            if stored.set_id not in criteria:
                criteria[stored.set_id] = {c.number: c.name_vi for c in stored.to_domain().criteria}
            item.criterion_names = criteria[stored.set_id]


def _last_comments(items: list[QueueItem]) -> None:
    """The comment of the return or unlock that sent each period back."""
    if not items:
        return
    latest: dict[int, SubmissionEvent] = {}
    events = SubmissionEvent.objects.filter(
        submission_id__in=[i.submission.pk for i in items],
        action__in=[SubmissionActionChoices.RETURN, SubmissionActionChoices.UNLOCK],
    ).order_by("at", "id")
    for event in events:
        latest[event.submission_id] = event
    for item in items:
        event = latest.get(item.submission.pk)
        if event is not None:
            item.comment, item.comment_by = event.comment, event.actor_name
