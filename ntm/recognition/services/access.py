"""Who may act in a recognition case, the refusals, and the helpers every step shares
(events, audit entries, stage moves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write
from ntm.audit.services import Actor, Change, record_change
from ntm.recognition.conditions import ConditionsReport
from ntm.recognition.models import (
    CaseEvent,
    EventAction,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import procedure
from ntm.recognition.selectors import (
    COMMUNE,
    DISTRICT,
    PROVINCE,
    STAGE_ACTOR,
)
from ntm.units.models import AdminUnit

#: Roles that prepare a commune's case.
PREPARE_ROLES = frozenset({RoleChoices.DATA_ENTRY, RoleChoices.ADMINISTRATOR})


class CaseRefused(ValueError):
    """A step that cannot be taken, with every reason in the user's language."""

    def __init__(self, problems: Iterable[str]):
        self.problems = [str(p) for p in problems]
        super().__init__(" ".join(self.problems))


class DecisionRefused(CaseRefused):
    """A decision refused because conditions of Decision 18/2022 fail; ``report`` has them."""

    def __init__(self, report: ConditionsReport):
        self.report = report
        super().__init__(
            [
                _(
                    "Chưa thể ghi quyết định công nhận: %(count)s điều kiện của QĐ %(number)s chưa đạt."
                )
                % {"count": len(report.failing), "number": procedure()["legal_source"]["number"]},
                *(check.sentence() for check in report.failing),
            ]
        )


# --- Who may act -----------------------------------------------------------------------------


def acting_level(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The level of the unit a user works for; None for a national user."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or profile.unit_id is None:
        return None
    return profile.unit.level


_LEVEL_WORDS = {
    "province": _("tỉnh"),
    "district": _("huyện"),
    "commune": _("xã"),
    "village": _("thôn"),
}


def require_actor(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit, who: str) -> None:
    """Raise WriteDenied unless the user acts for `who` (commune, district, province) here."""
    if who == COMMUNE:
        require_write(user, unit, roles=PREPARE_ROLES)
        return
    require_write(user, unit, roles=OFFICE_ROLES)
    level = acting_level(user)
    if level is None or level == who:
        return
    if who == DISTRICT:
        raise WriteDenied(
            _(
                "Bước thẩm tra do văn phòng nông thôn mới cấp huyện thực hiện; tài khoản này "
                "thuộc cấp %(level)s."
            )
            % {"level": _LEVEL_WORDS.get(level, level)}
        )
    raise WriteDenied(
        _(
            "Bước này do văn phòng điều phối nông thôn mới cấp tỉnh thực hiện; tài khoản này "
            "thuộc cấp %(level)s."
        )
        % {"level": _LEVEL_WORDS.get(level, level)}
    )


def may_act(user: AbstractBaseUser | AnonymousUser | None, unit: AdminUnit, who: str) -> bool:
    try:
        require_actor(user, unit, who)
    except WriteDenied:
        return False
    return True


def stage_actor(case: RecognitionCase) -> str:
    return STAGE_ACTOR.get(case.stage, PROVINCE)


def _require_stage(case: RecognitionCase, *stages: str, doing: str) -> None:
    if case.stage in stages:
        return
    raise CaseRefused(
        [
            _("Hồ sơ đang ở bước “%(stage)s”; không thể %(doing)s lúc này.")
            % {"stage": Stage(case.stage).label, "doing": doing}
        ]
    )


# --- Helpers ---------------------------------------------------------------------------------


def _locked(case: RecognitionCase) -> RecognitionCase:
    """The case row, locked for the transaction, with its unit and the unit's parents."""
    locked = RecognitionCase.objects.select_for_update().get(pk=case.pk)
    locked.unit = AdminUnit.objects.select_related("parent__parent__parent").get(pk=locked.unit_id)
    return locked


def _actor_label(actor: Actor) -> str:
    user = actor.user
    if user is None or not user.is_authenticated:
        return _("hệ thống")
    name = user.get_full_name() or user.get_username()
    profile = getattr(user, "profile", None)
    if profile is not None and profile.unit_id is not None:
        return f"{name} ({profile.unit.name})"
    return name


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _event(
    case: RecognitionCase,
    action: str,
    actor: Actor,
    *,
    from_stage: str = "",
    to_stage: str = "",
    comment: str = "",
    details: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=_user(actor),
        actor_name=actor.name,
        actor_label=_actor_label(actor)[:200],
        comment=comment,
        details=details or {},
        at=now or timezone.now(),
    )


def _audit(
    actor: Actor,
    case: RecognitionCase,
    action: str,
    summary: str,
    *,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    obj: Any = None,
    now: dt.datetime | None = None,
) -> None:
    record_change(
        actor,
        Change(
            action=action,
            obj=obj if obj is not None else case,
            unit_id=case.unit_id,
            unit_label=case.unit.name,
            summary=summary,
            old=old,
            new=new,
        ),
        reason=reason,
        now=now,
    )


def _record_step(
    case: RecognitionCase,
    action: EventAction,
    actor: Actor,
    left: str,
    summary: str,
    details: dict[str, Any],
    comment: str,
    now: dt.datetime | None = None,
) -> None:
    """A step that moved the case from `left` to its stage: its event and its audit entry."""
    _event(
        case,
        action,
        actor,
        from_stage=left,
        to_stage=case.stage,
        comment=_text(comment),
        details=details,
        now=now,
    )
    _audit(
        actor,
        case,
        f"recognition_case.{action.value}",
        summary,
        old={"stage": left},
        new={"stage": case.stage, **details},
        reason=_text(comment),
        now=now,
    )


def _move(case: RecognitionCase, to_stage: str, now: dt.datetime | None = None) -> str:
    """Put the case at a stage (from now); returns the stage it left."""
    left = case.stage
    case.stage = to_stage
    case.stage_since = now or timezone.now()
    return left


def _today(now: dt.datetime | None = None) -> dt.date:
    """Today, or the day of ``now`` when a step is entered on another clock (the demo's)."""
    return timezone.localdate(now) if now is not None else timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(problems: list[str], value: str, label: str) -> str:
    text = _text(value)
    if not text:
        problems.append(_("Cần nhập %(field)s.") % {"field": label})
    return text


def _not_future(
    problems: list[str], day: dt.date | None, label: str, now: dt.datetime | None = None
) -> None:
    if day is None:
        problems.append(_("Cần nhập %(field)s.") % {"field": label})
    elif day > _today(now):
        problems.append(
            _("%(field)s (%(date)s) không thể sau hôm nay.")
            % {"field": label[:1].upper() + label[1:], "date": day.strftime("%d/%m/%Y")}
        )


def _registration_status(
    case: RecognitionCase, status: str, on: dt.date, actor: Actor, now: dt.datetime | None = None
) -> None:
    registration = case.registration
    if registration is None or registration.status == status:
        return
    old = registration.status
    registration.status = status
    registration.status_on = on
    registration.save(update_fields=["status", "status_on"])
    _audit(
        actor,
        case,
        "registration.status",
        f"{case.unit.name} {case.tier} {case.year}: {old} → {status}",
        old={"status": old},
        new={"status": status, "status_on": on},
        obj=registration,
        now=now,
    )
