"""Who may act on a unit's period and what they may do with it now: the coordination
office above a unit, a verifier's department, the steps each user may take
(``allowed_actions``), and reading a period's submission and its verification round. The
steps themselves are in ``ntm.approvals.approval``, which checks the same on every call and
re-exports these names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from ntm.accounts.membership import verifier_department_id
from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write, role_of
from ntm.accounts.scope import scope_of
from ntm.approvals.approval_words import approver_text
from ntm.approvals.models import CriterionVerification, Submission, SubmissionStatusChoices
from ntm.approvals.responsibility import ancestors
from ntm.core.periods import Period
from ntm.units.models import AdminUnit, Succession

Status = SubmissionStatusChoices


#: Roles that send a unit's period upward (and take it back before any verification).
SUBMIT_ROLES = frozenset({RoleChoices.DATA_ENTRY, RoleChoices.APPROVER, RoleChoices.ADMINISTRATOR})


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
