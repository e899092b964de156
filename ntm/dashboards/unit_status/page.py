"""The whole unit page: everything it shows as of a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ntm.accounts.scope import Scope
from ntm.core.criteria.model import Tier
from ntm.criteria.selectors import applicable_sets
from ntm.dashboards import below
from ntm.dashboards.evaluation import TIER_RANK
from ntm.dashboards.selectors import (
    earlier_recognitions,
    last_data_day,
    requested_set,
    unit_recognitions,
    unit_registrations,
    unit_sponsorships,
)
from ntm.dashboards.unit_status.figures import FigureRow, figure_rows
from ntm.dashboards.unit_status.records import (
    RecognitionRow,
    TargetRow,
    recognition_rows,
    target_rows,
)
from ntm.dashboards.unit_status.status import (
    CriterionRow,
    IndicatorRow,
    SetStatus,
    condition_rows,
    criteria_table,
    set_status,
)
from ntm.dashboards.unit_status.timeline import TimelineEntry, timeline
from ntm.presentation.page_words import is_demo, tier_label
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Recognition
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit
from ntm.units.selectors import Link, is_in_force, unit_detail
from ntm.units.wording import Crumb, crumbs


@dataclass(frozen=True)
class LinkRow:
    link: Link
    is_link: bool


@dataclass
class UnitPage:
    unit: AdminUnit
    as_of: date
    crumbs: list[Crumb]
    in_force: bool
    statuses: list[SetStatus]
    selected: SetStatus | None
    criteria: list[CriterionRow]
    conditions: list[IndicatorRow]
    recognitions: list[RecognitionRow]
    tier_in_force: str | None
    earlier_recognitions: list[Recognition]
    targets: list[TargetRow]
    registrations: list[Registration]
    sponsorships: list[Sponsorship]
    figures: list[FigureRow]
    timeline: list[TimelineEntry]
    predecessors: list[LinkRow]
    successors: list[LinkRow]
    children_count: int
    has_demo: bool
    #: the last day the unit has any value or certification, under any set
    last_data_on: date | None = None
    #: registrations of the units under this one (the villages of a district)
    registrations_below: below.RegistrationsBelow = field(default_factory=below.RegistrationsBelow)
    #: the days the unit's reports speak of
    report_days: list[below.ReportDay] = field(default_factory=list)

    @property
    def tier_in_force_label(self) -> str:
        return tier_label(self.tier_in_force) if self.tier_in_force else ""

    @property
    def is_blank(self) -> bool:
        """No value and no certification under the selected set up to the date."""
        return self.selected is not None and not self.selected.has_data


def _statuses(
    unit: AdminUnit, as_of: date, set_id: str
) -> tuple[list[SetStatus], SetStatus | None]:
    """The unit's status under each applicable set, and the one selected: ``set_id`` if
    given (a published set of the level that does not apply is added), else the first."""
    statuses = [set_status(unit, s, as_of) for s in applicable_sets(unit, as_of)]
    selected = next((s for s in statuses if s.stored.set_id == set_id), None)
    if selected is None and set_id:
        extra = requested_set(set_id, unit.level)
        if extra is not None:
            selected = set_status(unit, extra, as_of, applicable=False)
            statuses.append(selected)
    if selected is None and statuses:
        selected = statuses[0]
    return statuses, selected


def _tier_in_force(rec_rows: list[RecognitionRow]) -> str | None:
    """The highest tier among the recognitions in force, or None."""
    in_force_rows = [r for r in rec_rows if r.in_force]
    return (
        max(in_force_rows, key=lambda r: TIER_RANK[Tier(r.recognition.tier)]).recognition.tier
        if in_force_rows
        else None
    )


def _programme(
    unit: AdminUnit, as_of: date
) -> tuple[list[TargetRow], list[Registration], list[Sponsorship]]:
    """The unit's targets (in rows), registrations and sponsorships, demo ones marked."""
    targets = target_rows(unit, Target.objects.filter(unit=unit).order_by("year", "id"), as_of)
    registrations, sponsorships = unit_registrations(unit), unit_sponsorships(unit)
    for record in (*registrations, *sponsorships):
        record.is_demo = is_demo(record.source)
    return targets, registrations, sponsorships


def _has_demo(
    registrations_below: below.RegistrationsBelow,
    criteria: list[CriterionRow],
    records: list[Any],
    targets: list[TargetRow],
    figures: list[FigureRow],
) -> bool:
    """Whether anything the page shows comes from the demo data (``records``: the
    recognitions, earlier ones, registrations and sponsorships)."""
    demo_sources = [
        *(r.source for g in registrations_below.groups for r in g.rows),
        *(i.source for c in criteria for i in c.indicators),
        *(c.certification.source for c in criteria if c.certification),
        *(r.source for r in records),
        *(t.target.source for t in targets),
        *(f.figure.source for f in figures),
    ]
    return any(is_demo(s) for s in demo_sources)


def unit_page(unit: AdminUnit, *, scope: Scope, as_of: date, set_id: str = "") -> UnitPage:
    """Everything the unit page shows as of a date, with ``set_id`` selected if given."""
    detail = unit_detail(unit, on=as_of)
    statuses, selected = _statuses(unit, as_of, set_id)
    recognitions = unit_recognitions(unit)
    rec_rows = recognition_rows(recognitions, as_of)
    earlier = earlier_recognitions([u.id for u in detail.predecessor_chain if scope.allows(u)])
    for recognition in earlier:
        recognition.is_demo = is_demo(recognition.source)
    targets, registrations, sponsorships = _programme(unit, as_of)
    figures = figure_rows(
        unit, ReportedFigure.objects.filter(unit=unit).order_by("reported_on", "id")
    )
    criteria = criteria_table(unit, selected, as_of) if selected else []
    registrations_below = below.registrations_below(unit, scope)
    return UnitPage(
        unit=unit,
        as_of=as_of,
        crumbs=crumbs(unit, scope),
        in_force=is_in_force(unit, as_of),
        statuses=statuses,
        selected=selected,
        criteria=criteria,
        conditions=condition_rows(selected) if selected else [],
        recognitions=rec_rows,
        tier_in_force=_tier_in_force(rec_rows),
        earlier_recognitions=earlier,
        targets=targets,
        registrations=registrations,
        sponsorships=sponsorships,
        figures=figures,
        timeline=timeline(unit, selected.stored, as_of, recognitions) if selected else [],
        predecessors=[LinkRow(link, scope.allows(link.unit)) for link in detail.predecessors],
        successors=[LinkRow(link, scope.allows(link.unit)) for link in detail.successors],
        children_count=sum(1 for c in detail.children if scope.allows(c)),
        has_demo=_has_demo(
            registrations_below,
            criteria,
            [*recognitions, *earlier, *registrations, *sponsorships],
            targets,
            figures,
        ),
        last_data_on=last_data_day(unit),
        registrations_below=registrations_below,
        report_days=below.report_days(unit),
    )
