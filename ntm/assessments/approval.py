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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ntm.accounts.membership import no_department_reason, verifier_department_id
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write, role_of
from ntm.accounts.scope import scope_of
from ntm.approvals.models import (
    CriterionVerification,
    Submission,
    SubmissionActionChoices,
    SubmissionEvent,
    SubmissionStatusChoices,
)
from ntm.assessments.approval_words import (  # the workflow's words, re-exported
    FROZEN,  # noqa: F401
    TransitionRefused,
    approver_text,
    period_text,
    status_label,
    when_text,
    who_text,
)
from ntm.assessments.evaluation import evaluate_units
from ntm.assessments.responsibility import ancestors, responsible_for
from ntm.audit.services import Actor, Change, record_change
from ntm.core.periods import Period
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit, Succession
from ntm.values.concurrency import conflicts_as_refusal, lock_unit_days
from ntm.values.targets import check_target
from ntm.values.validation import check_length

Status = SubmissionStatusChoices
Action = SubmissionActionChoices

#: Roles that send a unit's period upward (and take it back before any verification).
SUBMIT_ROLES = frozenset({RoleChoices.DATA_ENTRY, RoleChoices.APPROVER, RoleChoices.ADMINISTRATOR})
#: The longest comment or reason kept.
MAX_COMMENT = 2000


class CommentRequired(TransitionRefused):
    """A step that needs a comment or reason, given none."""


# --------------------------------------------------------------------------- who may act


def office_unit_ids(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[int] | None:
    """The units whose coordination office the user is (None: every unit, nationally).

    The profile's unit and the units it became or came from in a reorganization, so the
    office of Hà Tĩnh before 2025 is also that of Hà Tĩnh after it.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, "_ntm_offices", False)
    if cached is not False:
        return cached
    profile = getattr(user, "profile", None)
    if profile is None:
        offices: frozenset[int] | None = frozenset()
    elif profile.unit_id is None:
        offices = None
    else:
        linked = Succession.objects.filter(
            Q(predecessor_id=profile.unit_id) | Q(successor_id=profile.unit_id)
        ).values_list("predecessor_id", "successor_id", "predecessor__level", "successor__level")
        level = profile.unit.level
        ids = {profile.unit_id}
        for before, after, before_level, after_level in linked:
            if before_level == level and after_level == level:
                ids |= {before, after}
        offices = frozenset(ids)
    user._ntm_offices = offices
    return offices


def may_approve(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit) -> bool:
    """Whether the user is the coordination office above the unit (or higher)."""
    if role_of(user) not in OFFICE_ROLES or not scope_of(user).allows(unit):
        return False
    offices = office_unit_ids(user)
    return offices is None or any(a.pk in offices for a in ancestors(unit))


def require_approver(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit) -> None:
    require_write(user, unit, roles=OFFICE_ROLES)
    if not may_approve(user, unit):
        raise WriteDenied(
            _("Chỉ %(who)s mới làm được việc này với kỳ của %(unit)s.")
            % {"who": approver_text(unit), "unit": unit.name}
        )


def user_department_id(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The department of a verifier who legitimately belongs to it (None for other roles,
    without one, or with one of another unit: ``ntm.accounts.membership``)."""
    return verifier_department_id(user)


# --------------------------------------------------------------------------- reading


def find_submission(unit: AdminUnit, set_id: str, period: Period) -> Submission | None:
    return (
        Submission.objects.filter(unit=unit, set_id=set_id, period=period.label)
        .select_related("unit__parent", "submitted_by", "approved_by", "locked_by")
        .first()
    )


def current_round(submission: Submission) -> list[CriterionVerification]:
    """The criteria of the current round with their department and verifier, in order."""
    return list(
        submission.verifications.filter(is_current=True)
        .select_related("department", "verified_by")
        .order_by("position", "id")
    )


@dataclass
class Allowed:
    """What a user may do with a period now; ``verify`` lists the criteria they may verify."""

    submit: bool = False
    withdraw: bool = False
    verify: list[CriterionVerification] = field(default_factory=list)
    #: the criteria among ``verify`` the office would confirm for their department
    on_behalf: list[CriterionVerification] = field(default_factory=list)
    give_back: bool = False
    approve: bool = False
    lock: bool = False
    unlock: bool = False

    @property
    def names(self) -> list[str]:
        listed = [
            ("submit", self.submit),
            ("withdraw", self.withdraw),
            ("verify", bool(self.verify)),
            ("return", self.give_back),
            ("approve", self.approve),
            ("lock", self.lock),
            ("unlock", self.unlock),
        ]
        return [name for name, allowed in listed if allowed]

    @property
    def any(self) -> bool:
        return bool(self.names)


def allowed_actions(
    user: AbstractBaseUser | AnonymousUser | None,
    unit: AdminUnit,
    submission: Submission | None,
    rows: Sequence[CriterionVerification] = (),
) -> Allowed:
    """The steps the user may take now (the services check the same on every call)."""
    allowed = Allowed()
    role = role_of(user)
    if role is None or not scope_of(user).allows(unit):
        return allowed
    status = submission.status if submission is not None else Status.DRAFT
    submitter = role in SUBMIT_ROLES
    office = may_approve(user, unit)
    department_id = user_department_id(user)
    if status == Status.DRAFT:
        allowed.submit = submitter
        return allowed
    if status == Status.SUBMITTED:
        allowed.withdraw = submitter and not office and not any(r.is_verified for r in rows)
        pending = [r for r in rows if not r.is_verified]
        if office:
            allowed.verify = pending
            allowed.on_behalf = [r for r in pending if r.department_id is not None]
        elif department_id is not None:
            allowed.verify = [r for r in pending if r.department_id == department_id]
    if status in (Status.SUBMITTED, Status.VERIFIED):
        mine = department_id is not None and any(r.department_id == department_id for r in rows)
        allowed.give_back = office or mine
    if status == Status.VERIFIED:
        allowed.approve = office
    if status == Status.APPROVED:
        allowed.lock = allowed.give_back = office
    if status == Status.LOCKED:
        allowed.unlock = office
    return allowed


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
        by_number = {r.number: r for r in rows}
        if numbers is None:
            targets = [
                r
                for r in rows
                if not r.is_verified and (office or r.department_id == department_id)
            ]
            if not targets:
                raise TransitionRefused(
                    _("%(what)s không còn tiêu chí nào chờ tài khoản này xác nhận.")
                    % {"what": period_text(submission)}
                )
        else:
            targets = []
            for number in dict.fromkeys(str(n).strip() for n in numbers):
                row = by_number.get(number)
                if row is None:
                    raise TransitionRefused(
                        _("Bộ tiêu chí %(set)s không có tiêu chí “%(number)s”.")
                        % {"set": submission.set_id, "number": number}
                    )
                if not office and row.department_id != department_id:
                    raise WriteDenied(_not_yours(row))
                if row.is_verified:
                    raise TransitionRefused(
                        _("Tiêu chí %(number)s đã được xác nhận lúc %(when)s (%(who)s).")
                        % {
                            "number": row.number,
                            "when": when_text(row.verified_at),
                            "who": who_text(row.verified_by),
                        }
                    )
                targets.append(row)
            if not targets:
                raise TransitionRefused(_("Chọn ít nhất một tiêu chí để xác nhận."))
        on_behalf = [
            r for r in targets if r.department_id is not None and r.department_id != department_id
        ]
        if on_behalf and not comment:
            names = ", ".join(sorted({r.department.name for r in on_behalf}))
            raise CommentRequired(
                _(
                    "Văn phòng điều phối xác nhận thay %(departments)s: cần ghi ý kiến nêu căn "
                    "cứ (ví dụ số văn bản xác nhận của sở, ngành)."
                )
                % {"departments": names}
            )
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


def _not_yours(row: CriterionVerification) -> str:
    if row.department is None:
        return _(
            "Tiêu chí %(number)s không giao cho sở, ngành nào: văn phòng điều phối thẩm tra "
            "tiêu chí này."
        ) % {"number": row.number}
    return _(
        "Tiêu chí %(number)s do %(department)s thẩm tra; tài khoản này không thuộc sở, ngành đó."
    ) % {"number": row.number, "department": row.department.name}


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
