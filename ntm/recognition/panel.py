"""The recognition panel of a unit page: open cases, the monitoring flag of a recognized
commune, re-acknowledgement awaited by a commune formed in 2025, and what the user may do.
Read here for the unit page's view; the template tag only shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ntm.accounts.scope import scope_of
from ntm.recognition.models import CLOSED_STAGES, Recognition, RecognitionCase
from ntm.recognition.monitoring import CLOSE, DUE, monitor
from ntm.recognition.selectors import COMMUNE, PROVINCE, awaiting_for_unit
from ntm.recognition.services import may_act
from ntm.units.models import AdminUnit


def unit_panel(
    user: AbstractBaseUser | AnonymousUser, unit: AdminUnit, as_of: dt.date
) -> dict[str, Any]:
    """What the panel shows for `unit` on `as_of` to `user`."""
    found: dict[str, Any] = {"unit": unit, "as_of": as_of}
    if unit.level == "commune":
        found["cases"] = list(
            RecognitionCase.objects.filter(unit=unit)
            .exclude(stage__in=CLOSED_STAGES)
            .order_by("-year", "tier")
        )
        found["may_register"] = unit.kind == "commune" and may_act(user, unit, COMMUNE)
        held = (
            Recognition.objects.filter(unit=unit, decision_date__lte=as_of)
            .exclude(revocation__decision_date__lte=as_of)
            .exists()
        )
        if held:
            report = monitor(unit, scope=scope_of(user), as_of=as_of)
            found["flags"] = [r for r in report.rows if r.flag in (DUE, CLOSE)]
        found["awaiting"] = awaiting_for_unit(unit)
        found["may_reacknowledge"] = found["awaiting"] is not None and may_act(user, unit, PROVINCE)
    else:
        found["is_office_level"] = unit.level in ("province", "district")
    return found
