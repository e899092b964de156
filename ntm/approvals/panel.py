"""What the approval panel of a unit's period shows: where it stands, who must act next,
each criterion with its result and its verification, the history, and the user's steps.

Used by the approval page (and its htmx updates) and, in short, by the entry form. A
handful of queries whatever the size of the set.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from ntm.approvals import approval
from ntm.approvals.approval import FROZEN, Allowed, allowed_actions
from ntm.approvals.locking import frozen_message
from ntm.approvals.models import (
    CriterionVerification,
    Submission,
    SubmissionEvent,
    SubmissionStatusChoices,
)
from ntm.approvals.responsibility import Responsible, responsible_for
from ntm.core.criteria.model import CriterionDef
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.presentation.page_words import badge_class, page_wording
from ntm.units.models import AdminUnit, Department
from ntm.values.entry import evaluate_with_cells

Status = SubmissionStatusChoices


def step_names() -> list[tuple[str, str]]:
    """The steps a period goes through, in order, with their short names."""
    return [
        (Status.DRAFT.value, _("Bản nháp")),
        (Status.SUBMITTED.value, _("Đã gửi")),
        (Status.VERIFIED.value, _("Đã thẩm tra")),
        (Status.APPROVED.value, _("Đã phê duyệt")),
        (Status.LOCKED.value, _("Đã khóa")),
    ]


@dataclass
class Step:
    status: str
    label: str
    state: str  # done | current | todo


@dataclass
class CriterionLine:
    """A criterion of the period: its result, who verifies it and whether they did."""

    criterion: CriterionDef
    result: dict[str, Any]
    department: Department | None
    verification: CriterionVerification | None = None
    may_verify: bool = False
    on_behalf: bool = False

    @property
    def status_label(self) -> str:
        return page_wording().status(self.result["status"]) if self.result else ""

    @property
    def badge(self) -> str:
        return badge_class(self.result["status"]) if self.result else ""

    @property
    def is_verified(self) -> bool:
        return self.verification is not None and self.verification.is_verified


@dataclass
class Waiting:
    """Who must act next, in words, and on which criteria."""

    who: str
    numbers: list[str] = field(default_factory=list)


@dataclass
class Panel:
    unit: AdminUnit
    criteria_set: CriteriaSet
    period: Period
    submission: Submission | None
    allowed: Allowed
    lines: list[CriterionLine]
    events: list[SubmissionEvent]
    met: int
    total: int
    approver: str
    frozen: str = ""
    notice: str = ""
    error: str = ""
    posted: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.submission.status if self.submission is not None else ""

    @property
    def status_label(self) -> str:
        return approval.status_label(self.status) if self.submission else _("Chưa lưu lần nào")

    @property
    def steps(self) -> list[Step]:
        current = self.status or Status.DRAFT
        order = [s for s, _label in step_names()]
        position = order.index(current)
        return [
            Step(status, label, "done" if n < position else "current" if n == position else "todo")
            for n, (status, label) in enumerate(step_names())
        ]

    @property
    def verified_count(self) -> int:
        return sum(1 for line in self.lines if line.is_verified)

    @property
    def has_round(self) -> bool:
        return any(line.verification is not None for line in self.lines)

    @property
    def waiting(self) -> list[Waiting]:
        """Who the period waits for now."""
        status = self.status
        if status in ("", Status.DRAFT):
            return [Waiting(_("Đơn vị nhập số liệu và gửi lên"))]
        if status == Status.SUBMITTED:
            groups: OrderedDict[str, list[str]] = OrderedDict()
            for line in self.lines:
                if not line.is_verified:
                    name = line.department.name if line.department else _("Văn phòng điều phối")
                    groups.setdefault(name, []).append(line.criterion.number)
            return [Waiting(who, numbers) for who, numbers in groups.items()]
        if status in (Status.VERIFIED, Status.APPROVED):
            return [Waiting(self.approver[:1].upper() + self.approver[1:])]
        return []


def _events(submission: Submission | None) -> list[SubmissionEvent]:
    if submission is None:
        return []
    return list(submission.events.select_related("department", "actor").order_by("-at", "-id"))


def build_panel(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    user: AbstractBaseUser | AnonymousUser | None,
) -> Panel:
    """The panel of a unit's period for a user."""
    submission = approval.find_submission(unit, criteria_set.set_id, period)
    rows = approval.current_round(submission) if submission is not None else []
    allowed = allowed_actions(user, unit, submission, rows)
    definition = criteria_set.to_domain()
    if submission is not None and submission.set_version not in (None, criteria_set.version):
        stored = CriteriaSet.objects.filter(
            set_id=criteria_set.set_id, version=submission.set_version
        ).first()
        if stored is not None:
            criteria_set, definition = stored, stored.to_domain()
    report = evaluate_with_cells(criteria_set, [unit], period.observed_on).unit_report(unit.pk)
    results = {c["key"]: c for c in report["criteria"]}
    by_key = {row.criterion_key: row for row in rows}
    responsible: dict[str, Responsible] = {}
    if not rows:
        loaded = AdminUnit.objects.select_related("parent__parent__parent").get(pk=unit.pk)
        responsible = responsible_for([loaded], definition)[unit.pk]
    may = {row.pk for row in allowed.verify}
    behalf = {row.pk for row in allowed.on_behalf}
    lines = []
    for criterion in definition.criteria:
        row = by_key.get(criterion.key)
        department = row.department if row is not None else None
        if row is None and criterion.key in responsible:
            department = responsible[criterion.key].department
        lines.append(
            CriterionLine(
                criterion=criterion,
                result=results.get(criterion.key, {}),
                department=department,
                verification=row,
                may_verify=row is not None and row.pk in may,
                on_behalf=row is not None and row.pk in behalf,
            )
        )
    frozen = ""
    if submission is not None and submission.status in FROZEN:
        frozen = frozen_message(submission, has_verification=any(r.is_verified for r in rows))
    return Panel(
        unit=unit,
        criteria_set=criteria_set,
        period=period,
        submission=submission,
        allowed=allowed,
        lines=lines,
        events=_events(submission),
        met=report["met"],
        total=report["total"],
        approver=approval.approver_text(unit),
        frozen=frozen,
    )
