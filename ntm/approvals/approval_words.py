"""The words of approval and locking several modules need: statuses, who, when, which period.

Below ``approval`` (the workflow) and ``locking`` (the cells a period keeps from changing),
which both use them; ``approval`` re-exports them.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.approvals.models import Submission, SubmissionStatusChoices
from ntm.units.models import AdminUnit
from ntm.values.validation import AssessmentError

Status = SubmissionStatusChoices

#: Statuses in which a period's values cannot change.
FROZEN = (Status.SUBMITTED, Status.VERIFIED, Status.APPROVED, Status.LOCKED)


class TransitionRefused(AssessmentError):
    """A step the period's state does not allow; the message says why and what to do."""


# --------------------------------------------------------------------------- words


def when_text(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def who_text(user: AbstractBaseUser | None) -> str:
    """ "kyanh (Văn phòng NTM huyện Kỳ Anh)", or the username alone."""
    if user is None:
        return _("(không rõ)")
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    name = user.get_username()
    return f"{name} ({full})" if full and full != name else name


def period_text(submission: Submission) -> str:
    return _("Kỳ %(period)s của %(unit)s (bộ tiêu chí %(set)s)") % {
        "period": submission.period,
        "unit": submission.unit.name,
        "set": submission.set_id,
    }


def approver_text(unit: AdminUnit) -> str:
    """Who approves, locks and unlocks a unit's periods, in words."""
    office = unit.parent if unit.parent_id else None
    if office is None:
        return _("người phê duyệt cấp trung ương (văn phòng điều phối toàn quốc)")
    return _("người phê duyệt (văn phòng điều phối) của %(office)s hoặc cấp trên") % {
        "office": office.name
    }


def status_label(status: str) -> str:
    return str(Status(status).label)
