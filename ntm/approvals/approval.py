"""Approval and locking of a unit's period: submit, verify, return, approve, lock, unlock.

Per unit × set × period (``Submission``)::

    draft --submit--> submitted --verify (each criterion)--> verified --approve--> approved
      ^                 |  |                                   |                    |
      |  withdraw (unit, no criterion verified yet)           |                  lock
      +-----------------+  |                                   |                    v
      +---- return (comment: a verifier of the period, or the office) ----+      locked
      +---- unlock (reason: the office) ---------------------------------------------+

Who does what (checked on the server for every channel, with a Vietnamese refusal):

* **submit / withdraw**: data entry (or the office, or an administrator) of the unit, in
  scope. Withdrawing is possible only while no criterion has been verified.
* **verify**: a verifier whose department is responsible for the criterion
  (``responsibility``), in scope. The approving office may verify any criterion; when the
  criterion has a responsible department it does so on that department's behalf and must
  say on what basis (a comment, e.g. the department's letter). Criteria with no
  responsible department are the office's own to verify.
* **approve / lock / unlock**: the coordination office of the level above the unit, or
  above it: the district for a commune where districts exist, else the province; the
  province for a district; the national level for a province. In roles: an approver (or
  administrator) whose own unit is an ancestor of the unit (or its 2025 successor or
  predecessor). A national account may act everywhere.
* **return**: with a comment, from submitted or verified by a verifier responsible for a
  criterion of the period, or by the office; from approved by the office only.

Values of a period change only in draft (``locking``): a submitted period is frozen for
everyone while it is reviewed. Returning and unlocking take the period back to **draft**
(figures that change must be verified again), ending the verification round: the round's
rows stay as history. Every step is recorded as a ``SubmissionEvent`` and in the audit
trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ntm.accounts.membership import no_department_reason
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import WriteDenied, require_write
from ntm.approvals.approval_words import (  # the workflow's words, re-exported
    FROZEN,  # noqa: F401
    TransitionRefused,
    approver_text,
    period_text,
    status_label,
    when_text,
    who_text,
)
from ntm.approvals.models import (
    CriterionVerification,
    Submission,
    SubmissionActionChoices,
    SubmissionEvent,
    SubmissionStatusChoices,
)
from ntm.approvals.responsibility import responsible_for
from ntm.approvals.rights import (  # who may act, and reading: re-exported
    SUBMIT_ROLES,
    Allowed,  # noqa: F401
    allowed_actions,  # noqa: F401
    current_round,
    find_submission,  # noqa: F401
    may_approve,
    office_unit_ids,  # noqa: F401
    require_approver,
    user_department_id,
)
from ntm.approvals.verification import (  # the choice of criteria; re-exported
    CommentRequired,
    chosen_criteria,
    require_basis,
)
from ntm.audit.services import Actor, Change, record_change
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import evaluate_units
from ntm.units.models import AdminUnit
from ntm.values.concurrency import conflicts_as_refusal, lock_unit_days
from ntm.values.targets import check_target
from ntm.values.validation import check_length

Status = SubmissionStatusChoices
Action = SubmissionActionChoices

#: The longest comment or reason kept.
MAX_COMMENT = 2000


# --------------------------------------------------------------------------- writing


def _comment(text: str) -> str:
    """The comment, stripped; a longer one than kept is refused, never cut silently."""
    text = (text or "").strip()
    check_length(_("Ý kiến"), text, MAX_COMMENT)
    return text


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _record(
    actor: Actor,
    submission: Submission,
    action: str,
    previous: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> SubmissionEvent:
    """The step in the submission's history and in the audit trail, at ``now`` if given
    (the demo's clock; real requests never pass it)."""
    event = SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        from_status=previous,
        to_status=submission.status,
        actor=_user(actor),
        actor_name=actor.name,
        department_id=department_id,
        comment=comment,
        data=data or {},
    )
    if now is not None:  # ``at`` is auto_now_add: the given time replaces it
        SubmissionEvent.objects.filter(pk=event.pk).update(at=now)
        event.at = now
    audit_action = {Action.CREATE: "submission.create", Action.WITHDRAW: "submission.reopen"}
    record_change(
        actor,
        Change(
            action=audit_action.get(action, f"submission.{action}"),
            obj=submission,
            unit_id=submission.unit_id,
            unit_label=submission.unit.name,
            summary=f"{submission.set_id} {submission.period}",
            old={"status": previous} if previous else None,
            new={"status": submission.status, **(data or {})},
        ),
        reason=comment,
        now=now,
    )
    return event


def _move(
    submission: Submission, status: str, action: str, user, now: datetime | None = None
) -> str:
    previous = submission.status
    submission.status = status
    submission.last_action = action
    submission.status_changed_at = now or timezone.now()
    submission.updated_by = user
    return previous


def _locked_row(submission: Submission) -> Submission:
    """The submission re-read under a row lock, so two steps never interleave (and after
    the unit-day lock value writes take, so a step never waits on a write in a cycle)."""
    lock_unit_days([(submission.unit_id, submission.observed_on)])
    row = Submission.objects.select_for_update(of=("self",)).select_related(
        "unit__parent", "submitted_by", "approved_by", "locked_by"
    )
    return row.get(pk=submission.pk)


def _state_refusal(submission: Submission, wanted: str) -> TransitionRefused:
    """Why a step cannot be taken from the period's current status."""
    status = submission.status
    what = period_text(submission)
    if status == Status.DRAFT:
        reason = _("%(what)s đang là bản nháp: đơn vị chưa gửi lên nên chưa %(wanted)s được.")
    elif status == Status.LOCKED:
        reason = _(
            "%(what)s đã khóa từ %(when)s (người khóa: %(who)s) nên không %(wanted)s được; "
            "muốn thay đổi, %(unlocker)s cần mở khóa kèm lý do."
        )
    elif status == Status.APPROVED:
        reason = _("%(what)s đã được phê duyệt lúc %(approved)s nên không %(wanted)s được.")
    elif status == Status.VERIFIED:
        reason = _(
            "%(what)s đã được thẩm tra đủ các tiêu chí và đang chờ phê duyệt nên không "
            "%(wanted)s được."
        )
    else:
        reason = _("%(what)s đang chờ thẩm tra nên không %(wanted)s được.")
    return TransitionRefused(
        reason
        % {
            "what": what,
            "wanted": wanted,
            "when": when_text(submission.locked_at),
            "who": who_text(submission.locked_by),
            "unlocker": approver_text(submission.unit),
            "approved": when_text(submission.approved_at),
        }
    )


def create_draft(
    *, unit: AdminUnit, set_id: str, period: Period, actor: Actor, now: datetime | None = None
) -> Submission:
    """The draft row of a period (once); audited as ``submission.create``."""
    user = _user(actor)
    clock, now = now, now or timezone.now()
    submission = Submission.objects.create(
        unit=unit,
        set_id=set_id,
        period=period.label,
        observed_on=period.observed_on,
        status=Status.DRAFT,
        created_by=user,
        updated_by=user,
        status_changed_at=now,
        last_action=Action.CREATE,
    )
    _record(actor, submission, Action.CREATE, "", now=clock)
    return submission


def _start_round(submission: Submission, criteria_set: CriteriaSet) -> list[CriterionVerification]:
    """One row per criterion to verify, each with its responsible department now."""
    definition = criteria_set.to_domain()
    unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=submission.unit_id)
    responsible = responsible_for([unit], definition)[unit.pk]
    submission.set_version = criteria_set.version
    submission.keys = sorted(
        {i.key for i in definition.indicators} | {c.key for c in definition.criteria}
    )
    return CriterionVerification.objects.bulk_create(
        CriterionVerification(
            submission=submission,
            criterion_key=criterion.key,
            number=criterion.number,
            position=n,
            department=responsible[criterion.key].department,
        )
        for n, criterion in enumerate(definition.criteria)
    )


def _ensure_round(submission: Submission) -> None:
    """A period submitted before the approval steps existed gets its round now."""
    if submission.status != Status.SUBMITTED or submission.keys:
        return
    if submission.verifications.filter(is_current=True).exists():
        return
    from ntm.criteria.selectors import get_set

    _start_round(submission, get_set(submission.set_id, on=submission.observed_on))
    submission.save(update_fields=["set_version", "keys"])


def submit_period(
    *,
    unit: AdminUnit,
    criteria_set: CriteriaSet,
    period: Period,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> Submission:
    """Send a draft period upward: its values freeze and each criterion awaits verification.

    The set version in force on the period's last day decides the criteria and the keys
    the period covers. ``now``: the time of the step when it is not the present (the
    demo's clock, as for every step here); real requests never pass it.
    """
    from ntm.criteria.selectors import get_set

    require_write(actor.user, unit, roles=SUBMIT_ROLES)
    check_target(unit, criteria_set, period)
    version = get_set(criteria_set.set_id, on=period.observed_on)
    with conflicts_as_refusal(), transaction.atomic():
        lock_unit_days([(unit.pk, period.observed_on)])
        found = (
            Submission.objects.select_for_update(of=("self",))
            .filter(unit=unit, set_id=criteria_set.set_id, period=period.label)
            .first()
        )
        submission = found or create_draft(
            unit=unit, set_id=criteria_set.set_id, period=period, actor=actor, now=now
        )
        submission = _locked_row(submission)
        if submission.status != Status.DRAFT:
            raise _state_refusal(submission, pgettext("refused step", "gửi lại"))
        user = _user(actor)
        rows = _start_round(submission, version)
        previous = _move(submission, Status.SUBMITTED, Action.SUBMIT, user, now)
        if not rows:  # a set without criteria has nothing to verify
            submission.status = Status.VERIFIED
        submission.submitted_by, submission.submitted_at = user, submission.status_changed_at
        submission.approved_by = submission.approved_at = None
        submission.locked_by = submission.locked_at = None
        submission.save()
        _record(
            actor,
            submission,
            Action.SUBMIT,
            previous,
            comment=_comment(comment),
            data={"set_version": version.version, "criteria_count": len(rows)},
            now=now,
        )
    return submission


def _end_round(submission: Submission) -> int:
    return submission.verifications.filter(is_current=True).update(is_current=False)


def withdraw_submission(*, submission: Submission, actor: Actor, comment: str = "") -> Submission:
    """The unit takes a submitted period back to draft, before any criterion is verified.

    The office above returns a period instead, with a comment (``return_submission``).
    """
    require_write(actor.user, submission.unit, roles=SUBMIT_ROLES)
    if may_approve(actor.user, submission.unit):
        raise WriteDenied(
            _("Văn phòng điều phối không rút kỳ của đơn vị về: hãy trả lại kèm ý kiến.")
        )
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        if submission.status != Status.SUBMITTED:
            raise _state_refusal(submission, pgettext("refused step", "rút về bản nháp"))
        verified = (
            submission.verifications.filter(is_current=True, verified_at__isnull=False)
            .select_related("verified_by", "department")
            .order_by("verified_at")
            .first()
        )
        if verified is not None:
            raise TransitionRefused(
                _(
                    "%(what)s không rút về được: tiêu chí %(number)s đã được xác nhận lúc "
                    "%(when)s (%(who)s). Đề nghị sở, ngành thẩm tra hoặc %(office)s trả lại "
                    "kỳ này kèm ý kiến."
                )
                % {
                    "what": period_text(submission),
                    "number": verified.number,
                    "when": when_text(verified.verified_at),
                    "who": who_text(verified.verified_by),
                    "office": approver_text(submission.unit),
                }
            )
        _end_round(submission)
        previous = _move(submission, Status.DRAFT, Action.WITHDRAW, _user(actor))
        submission.save()
        _record(actor, submission, Action.WITHDRAW, previous, comment=_comment(comment))
    return submission


def verify_criteria(
    *,
    submission: Submission,
    numbers: Sequence[str] | None,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> list[CriterionVerification]:
    """Confirm criteria of a submitted period (None: every criterion pending for the user).

    The last criterion verified moves the period to verified.
    """
    user = actor.user
    unit = submission.unit
    office = may_approve(user, unit)
    department_id = user_department_id(user)
    if not office:
        require_write(user, unit, roles=frozenset({RoleChoices.VERIFIER}))
        if department_id is None:
            raise WriteDenied(no_department_reason(user))
    comment = _comment(comment)
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        if submission.status != Status.SUBMITTED:
            raise _state_refusal(submission, pgettext("refused step", "xác nhận tiêu chí"))
        _ensure_round(submission)
        rows = current_round(submission)
        targets = chosen_criteria(submission, rows, numbers, office, department_id)
        on_behalf = require_basis(targets, department_id, comment)
        clock, now = now, now or timezone.now()
        user_row = _user(actor)
        for row in targets:
            row.verified_by, row.verified_at, row.comment = user_row, now, comment
            row.on_behalf = row in on_behalf
        CriterionVerification.objects.bulk_update(
            targets, ["verified_by", "verified_at", "comment", "on_behalf"]
        )
        previous = submission.status
        if all(r.is_verified for r in rows):
            _move(submission, Status.VERIFIED, Action.VERIFY, user_row, now)
        else:
            submission.updated_by = user_row
        submission.save()
        _record(
            actor,
            submission,
            Action.VERIFY,
            previous,
            comment=comment,
            department_id=department_id,
            data={
                "criteria": [r.number for r in targets],
                "on_behalf": [r.number for r in on_behalf],
                "verified": sum(1 for r in rows if r.is_verified),
                "total": len(rows),
            },
            now=clock,
        )
    return targets


def return_submission(*, submission: Submission, actor: Actor, comment: str) -> Submission:
    """Send a period back to draft with a comment saying what to correct."""
    user = actor.user
    unit = submission.unit
    office = may_approve(user, unit)
    department_id = user_department_id(user)
    if not office:
        require_write(user, unit, roles=frozenset({RoleChoices.VERIFIER}))
    comment = _comment(comment)
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        status = submission.status
        if status not in (Status.SUBMITTED, Status.VERIFIED, Status.APPROVED):
            raise _state_refusal(submission, pgettext("refused step", "trả lại"))
        if not office:
            _ensure_round(submission)
            theirs = submission.verifications.filter(
                is_current=True, department_id=department_id
            ).exists()
            if department_id is None or not theirs:
                raise WriteDenied(
                    _(
                        "Chỉ sở, ngành thẩm tra một tiêu chí của kỳ này hoặc %(office)s mới trả "
                        "lại được."
                    )
                    % {"office": approver_text(unit)}
                )
            if status == Status.APPROVED:
                raise WriteDenied(
                    _("%(what)s đã được phê duyệt: chỉ %(office)s trả lại được.")
                    % {"what": period_text(submission), "office": approver_text(unit)}
                )
        if not comment:
            raise CommentRequired(_("Trả lại cần ý kiến: ghi rõ số liệu nào cần sửa và vì sao."))
        ended = _end_round(submission)
        previous = _move(submission, Status.DRAFT, Action.RETURN, _user(actor))
        submission.approved_by = submission.approved_at = None
        submission.save()
        _record(
            actor,
            submission,
            Action.RETURN,
            previous,
            comment=comment,
            department_id=department_id,
            data={"verifications_ended": ended},
        )
    return submission


def approve_submission(
    *, submission: Submission, actor: Actor, comment: str = "", now: datetime | None = None
) -> Submission:
    """The office approves a period whose criteria are all verified; its result is noted."""
    from ntm.core.periods import parse_period

    require_approver(actor.user, submission.unit)
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        if submission.status == Status.SUBMITTED:
            pending = [r for r in current_round(submission) if not r.is_verified]
            listing = "; ".join(
                f"{r.number} ({r.department.name if r.department else _('văn phòng điều phối')})"
                for r in pending
            )
            raise TransitionRefused(
                _("Chưa phê duyệt được: còn %(count)d tiêu chí chưa được thẩm tra: %(list)s.")
                % {"count": len(pending), "list": listing}
            )
        if submission.status != Status.VERIFIED:
            raise _state_refusal(submission, pgettext("refused step", "phê duyệt"))
        stored = CriteriaSet.objects.filter(
            set_id=submission.set_id, version=submission.set_version
        ).first()
        data: dict[str, Any] = {"set_version": submission.set_version}
        if stored is not None:
            period = parse_period(submission.period)
            report = evaluate_units(stored, [submission.unit], period.observed_on).unit_report(
                submission.unit_id
            )
            data.update(met=report["met"], total=report["total"])
        user = _user(actor)
        previous = _move(submission, Status.APPROVED, Action.APPROVE, user, now)
        submission.approved_by, submission.approved_at = user, submission.status_changed_at
        submission.save()
        _record(actor, submission, Action.APPROVE, previous, comment=_comment(comment), data=data,
                now=now)  # fmt: skip
    return submission


def lock_submission(*, submission: Submission, actor: Actor, comment: str = "") -> Submission:
    """The office locks an approved period: nothing of it can change until unlocked."""
    require_approver(actor.user, submission.unit)
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        if submission.status != Status.APPROVED:
            if submission.status in (Status.SUBMITTED, Status.VERIFIED):
                raise TransitionRefused(
                    _("%(what)s chưa được phê duyệt: phê duyệt trước rồi mới khóa.")
                    % {"what": period_text(submission)}
                )
            raise _state_refusal(submission, pgettext("refused step", "khóa"))
        user = _user(actor)
        previous = _move(submission, Status.LOCKED, Action.LOCK, user)
        submission.locked_by, submission.locked_at = user, submission.status_changed_at
        submission.save()
        _record(actor, submission, Action.LOCK, previous, comment=_comment(comment))
    return submission


def unlock_submission(*, submission: Submission, actor: Actor, reason: str) -> Submission:
    """The office unlocks a period, with a reason; it goes back to draft to be corrected,
    then submitted, verified and approved again."""
    require_approver(actor.user, submission.unit)
    reason = _comment(reason)
    with conflicts_as_refusal(), transaction.atomic():
        submission = _locked_row(submission)
        if submission.status != Status.LOCKED:
            raise TransitionRefused(
                _("%(what)s không bị khóa (tình trạng: %(status)s), không có gì để mở khóa.")
                % {"what": period_text(submission), "status": status_label(submission.status)}
            )
        if not reason:
            raise CommentRequired(
                _("Mở khóa cần lý do: ghi rõ vì sao số liệu đã phê duyệt phải sửa.")
            )
        data = {
            "locked_at": when_text(submission.locked_at),
            "locked_by": submission.locked_by.get_username() if submission.locked_by else None,
        }
        _end_round(submission)
        previous = _move(submission, Status.DRAFT, Action.UNLOCK, _user(actor))
        submission.approved_by = submission.approved_at = None
        submission.locked_by = submission.locked_at = None
        submission.save()
        _record(actor, submission, Action.UNLOCK, previous, comment=reason, data=data)
    return submission
