"""Returning a case to an earlier stage, and withdrawing it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor
from ntm.programme.models import RegistrationStatusChoices
from ntm.recognition.models import (
    STAGE_ORDER,
    EventAction,
    RecognitionCase,
    Stage,
)
from ntm.recognition.selectors import (
    BEFORE_DECISION,
    COMMUNE,
    PROVINCE,
    has_district,
)
from ntm.recognition.services.access import (
    CaseRefused,
    _audit,
    _event,
    _locked,
    _move,
    _registration_status,
    _require_stage,
    _today,
    may_act,
    require_actor,
    stage_actor,
)
from ntm.recognition.services.revocation import (
    _require_comment,
)

# --- Return and withdrawal --------------------------------------------------------------------


#: Stages a case can be returned from, and the stages it may go back to.
RETURNABLE = {
    Stage.DOSSIER: [Stage.SELF_ASSESSMENT],
    Stage.VERIFICATION: [Stage.SELF_ASSESSMENT, Stage.DOSSIER],
    Stage.APPRAISAL: [Stage.SELF_ASSESSMENT, Stage.DOSSIER, Stage.VERIFICATION],
    Stage.DECISION: [Stage.SELF_ASSESSMENT, Stage.DOSSIER, Stage.VERIFICATION, Stage.APPRAISAL],
    Stage.REVOCATION: [Stage.MONITORING],
}


def return_targets(case: RecognitionCase) -> list[str]:
    """The earlier stages a case may go back to (never verification where it was skipped)."""
    targets = RETURNABLE.get(case.stage, [])
    if case.stage == Stage.REVOCATION:
        return targets
    skipped = case.is_verification_skipped or not has_district(case.unit)
    return [s for s in targets if not (s == Stage.VERIFICATION and skipped)]


def _clear_from(case: RecognitionCase, stage: str) -> None:
    """Forget the results of a stage and the ones after it (their events stay)."""
    position = STAGE_ORDER.index(stage)
    if position <= STAGE_ORDER.index(Stage.SELF_ASSESSMENT):
        case.assessed_on = case.assessed_met = case.assessed_total = None
        case.assessed_set = ""
    if position <= STAGE_ORDER.index(Stage.VERIFICATION):
        case.verified_on = None
        case.verification_number = ""
        case.is_verification_skipped = False
    if position <= STAGE_ORDER.index(Stage.APPRAISAL):
        case.appraised_on = None
        case.appraisal_number = case.council_name = ""
        case.council_members = case.votes_for = None


@transaction.atomic
def return_case(
    *,
    case: RecognitionCase,
    to_stage: str,
    actor: Actor,
    comment: str,
    now: dt.datetime | None = None,
) -> RecognitionCase:
    """Send a case back to an earlier stage, with a comment saying what to fix."""
    case = _locked(case)
    require_actor(actor.user, case.unit, stage_actor(case))
    targets = return_targets(case)
    if not targets:
        _require_stage(case, *RETURNABLE, doing=_("trả lại bước trước"))
    text = _require_comment(comment, _("trả lại hồ sơ"))
    if to_stage not in targets:
        raise CaseRefused(
            [
                _("Không thể trả hồ sơ từ bước “%(stage)s” về bước “%(to)s”; chọn: %(targets)s.")
                % {
                    "stage": Stage(case.stage).label,
                    "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                    "targets": ", ".join(str(Stage(t).label) for t in targets),
                }
            ]
        )
    left = _move(case, to_stage, now)
    if to_stage != Stage.MONITORING:
        _clear_from(case, to_stage)
    case.save()
    if left == Stage.DECISION or left == Stage.APPRAISAL:
        _registration_status(case, RegistrationStatusChoices.IN_PROGRESS, _today(now), actor, now)
    _event(
        case, EventAction.RETURN, actor, from_stage=left, to_stage=to_stage, comment=text, now=now
    )
    _audit(
        actor,
        case,
        "recognition_case.return",
        f"{case.unit.name}: {left} → {to_stage}",
        old={"stage": left},
        new={"stage": to_stage},
        reason=text,
        now=now,
    )
    return case


@transaction.atomic
def withdraw_case(
    *, case: RecognitionCase, actor: Actor, comment: str, now: dt.datetime | None = None
) -> RecognitionCase:
    """Withdraw a case (rút hồ sơ): the commune before sending its dossier, the province
    office before a decision. The registration is marked withdrawn."""
    case = _locked(case)
    if not may_act(actor.user, case.unit, PROVINCE):
        if case.stage in (Stage.SELF_ASSESSMENT, Stage.DOSSIER):
            require_actor(actor.user, case.unit, COMMUNE)
        else:
            require_actor(actor.user, case.unit, PROVINCE)
    _require_stage(
        case,
        *BEFORE_DECISION,
        doing=_("rút hồ sơ"),
    )
    text = _require_comment(comment, _("rút hồ sơ"))
    left = _move(case, Stage.WITHDRAWN, now)
    case.save()
    _registration_status(case, RegistrationStatusChoices.WITHDRAWN, _today(now), actor, now)
    _event(
        case, EventAction.WITHDRAW, actor, from_stage=left, to_stage=case.stage, comment=text,
        now=now,
    )  # fmt: skip
    _audit(
        actor,
        case,
        "recognition_case.withdraw",
        f"{case.unit.name}: {left} → withdrawn",
        old={"stage": left},
        new={"stage": case.stage},
        reason=text,
        now=now,
    )
    return case
