"""What pages show of the approval steps, read here rather than in template tags: a
period's state on the entry form, a unit's latest periods on its page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q

from ntm.approvals import approval
from ntm.approvals.approval import FROZEN, Allowed, allowed_actions
from ntm.approvals.locking import frozen_message
from ntm.approvals.models import Submission
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit

#: How many of a unit's periods its page lists.
UNIT_PAGE_PERIODS = 8


@dataclass
class EntryApproval:
    """A period's approval state as the entry form shows it."""

    submission: Submission | None
    frozen: str
    allowed: Allowed


def entry_approval(
    user: AbstractBaseUser | AnonymousUser,
    unit: AdminUnit,
    criteria_set: CriteriaSet | None,
    period: Period,
) -> EntryApproval | None:
    """The period's submission, why it is frozen (if it is) and the user's steps."""
    if criteria_set is None:
        return None
    submission = approval.find_submission(unit, criteria_set.set_id, period)
    rows = approval.current_round(submission) if submission is not None else []
    frozen = ""
    if submission is not None and submission.status in FROZEN:
        frozen = frozen_message(submission, has_verification=any(r.is_verified for r in rows))
    return EntryApproval(submission, frozen, allowed_actions(user, unit, submission, rows))


def unit_periods(unit: AdminUnit) -> list[Submission]:
    """The unit's latest periods with their verification progress and set (two queries)."""
    periods = list(
        Submission.objects.filter(unit=unit)
        .annotate(
            criteria_total=Count("verifications", filter=Q(verifications__is_current=True)),
            criteria_verified=Count(
                "verifications",
                filter=Q(verifications__is_current=True, verifications__verified_at__isnull=False),
            ),
        )
        .order_by("-observed_on", "set_id", "-id")[:UNIT_PAGE_PERIODS]
    )
    sets = {
        s.set_id: s
        for s in CriteriaSet.objects.filter(set_id__in={p.set_id for p in periods}).order_by(
            "version"
        )
    }
    for period in periods:
        period.criteria_set = sets.get(period.set_id)
    return periods
