"""The timeline of a unit: the dates on which something changed, with met/total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils.translation import gettext

from ntm.core.criteria.engine import Status
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import evaluate_units
from ntm.dashboards.selectors import data_days, units_with_data
from ntm.dashboards.unit_status.words import TIMELINE_LIMIT
from ntm.presentation.page_words import tier_label
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    met: int
    total: int
    change: int | None
    gained: list[str]
    lost: list[str]
    values: int = 0
    certifications: int = 0
    events: list[str] = field(default_factory=list)
    #: False on a day (a recognition, say) before the unit had any data under the set
    has_data: bool = True


def timeline(
    unit: AdminUnit,
    stored: CriteriaSet,
    as_of: date,
    recognitions: Sequence[Recognition],
) -> list[TimelineEntry]:
    """The dates up to ``as_of`` on which something changed for the unit, with met/total."""
    definition = stored.to_domain()
    value_days, cert_days = data_days(unit, definition, as_of)
    events: dict[date, list[str]] = {}
    for recognition in recognitions:
        if recognition.decision_date <= as_of:
            events.setdefault(recognition.decision_date, []).append(
                gettext("Công nhận %(tier)s (%(decision)s)")
                % {"tier": tier_label(recognition.tier), "decision": recognition.decision_number}
            )
        revocation = getattr(recognition, "revocation", None)
        if revocation is not None and revocation.decision_date <= as_of:
            events.setdefault(revocation.decision_date, []).append(
                gettext("Thu hồi công nhận %(tier)s (%(decision)s)")
                % {"tier": tier_label(recognition.tier), "decision": revocation.decision_number}
            )
    days = sorted(set(value_days) | set(cert_days) | set(events))[-TIMELINE_LIMIT:]
    numbers = [c.number for c in definition.criteria]
    entries: list[TimelineEntry] = []
    previous: np.ndarray | None = None
    for day in days:
        evaluation = evaluate_units(stored, [unit], day)
        has_data = bool(units_with_data(evaluation)[0])
        statuses = evaluation.criterion_status[0]
        met_now = statuses == Status.MET
        gained: list[str] = []
        lost: list[str] = []
        change = None
        if previous is not None and has_data:
            was_met = previous == Status.MET
            gained = [numbers[c] for c in np.flatnonzero(met_now & ~was_met)]
            lost = [numbers[c] for c in np.flatnonzero(~met_now & was_met)]
            change = int(met_now.sum()) - int(was_met.sum())
        entries.append(
            TimelineEntry(
                on=day,
                met=int(evaluation.met[0]),
                total=evaluation.total,
                change=change,
                gained=gained,
                lost=lost,
                values=value_days.get(day, 0),
                certifications=cert_days.get(day, 0),
                events=events.get(day, []),
                has_data=has_data,
            )
        )
        previous = statuses if has_data else None
    return entries[::-1]
