"""What lies below a unit, read in a fixed number of queries for the unit pages.

- registrations of the units under it (the model villages a district follows);
- for a province's districts, how many of their communes are at standard;
- its children's own targets under a target it set for them (Kỳ Anh's model communes);
- the days its reports speak of, to open the page on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from ntm.accounts.scope import Scope
from ntm.core.criteria.model import Tier
from ntm.dashboards.evaluation import TIER_RANK, URBAN_KINDS, recognized_tier_rank
from ntm.programme.models import Registration, RegistrationStatusChoices, Target
from ntm.reports.models import ReportedFigure
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on

#: The order statuses are shown in, furthest along first.
STATUS_ORDER = (
    RegistrationStatusChoices.RECOGNIZED,
    RegistrationStatusChoices.APPRAISED,
    RegistrationStatusChoices.IN_PROGRESS,
    RegistrationStatusChoices.WITHDRAWN,
)


#: Column heads for the per-child table, short enough for a phone.
STATUS_SHORT = {
    RegistrationStatusChoices.RECOGNIZED: pgettext_lazy("trạng thái đăng ký", "Công nhận"),
    RegistrationStatusChoices.APPRAISED: pgettext_lazy("trạng thái đăng ký", "Thẩm định"),
    RegistrationStatusChoices.IN_PROGRESS: pgettext_lazy("trạng thái đăng ký", "Đang làm"),
    RegistrationStatusChoices.WITHDRAWN: pgettext_lazy("trạng thái đăng ký", "Rút"),
}


def is_demo(source: str | None) -> bool:
    return bool(source) and source.strip().lower().startswith("demo")


# --- Registrations below a unit -------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class RegistrationGroup:
    """Registrations for one tier and year, counted by status and by child of the unit."""

    tier: str
    tier_label: str
    year: int
    total: int
    by_status: list[StatusCount]
    #: per child of the page's unit: (child, counts in STATUS_ORDER)
    by_child: list[tuple[AdminUnit, list[int]]]
    rows: list[Registration]
    has_demo: bool

    @property
    def is_grouped(self) -> bool:
        """Several registrations share a child (the villages of one commune, say)."""
        return len(self.by_child) < self.total


@dataclass
class RegistrationsBelow:
    groups: list[RegistrationGroup] = field(default_factory=list)
    #: (status, label, short label) of the statuses present, furthest along first
    statuses: list[tuple[str, str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)


def _child_of(unit: AdminUnit, below: AdminUnit) -> AdminUnit:
    """The child of `unit` that `below` lies under (or `below` itself)."""
    current = below
    while current.parent_id != unit.id and current.parent is not None:
        current = current.parent
    return current


def registrations_below(unit: AdminUnit, scope: Scope) -> RegistrationsBelow:
    """Registrations of the units up to three levels under `unit`, within the scope: one query."""
    under = (
        Q(unit__parent=unit) | Q(unit__parent__parent=unit) | Q(unit__parent__parent__parent=unit)
    )
    rows = list(
        scope.filter(Registration.objects.filter(under), field="unit_id")
        .select_related("unit__parent__parent")
        .order_by("-year", "tier", "unit__parent__name", "unit__name", "id")
    )
    if not rows:
        return RegistrationsBelow()
    labels = dict(RegistrationStatusChoices.choices)
    shown = [s for s in STATUS_ORDER if any(r.status == s for r in rows)]
    groups: dict[tuple[str, int], list[Registration]] = {}
    for row in rows:
        row.is_demo = is_demo(row.source)
        groups.setdefault((row.tier, row.year), []).append(row)
    result = RegistrationsBelow(
        statuses=[(s.value, str(labels[s]), str(STATUS_SHORT[s])) for s in shown]
    )
    for (tier, year), members in groups.items():
        counts = Counter(r.status for r in members)
        children: dict[int, tuple[AdminUnit, Counter]] = {}
        for row in members:
            child = _child_of(unit, row.unit)
            children.setdefault(child.id, (child, Counter()))[1][row.status] += 1
        result.groups.append(
            RegistrationGroup(
                tier=tier,
                tier_label=members[0].get_tier_display(),
                year=year,
                total=len(members),
                by_status=[StatusCount(s.value, str(labels[s]), counts[s]) for s in shown],
                by_child=sorted(
                    ((child, [c[s] for s in shown]) for child, c in children.values()),
                    key=lambda item: ([-n for n in item[1]], item[0].name),
                ),
                rows=members,
                has_demo=any(r.is_demo for r in members),
            )
        )
    return result


# --- Communes at standard under each district -----------------------------------------


@dataclass(frozen=True)
class CommuneCount:
    """A district's rural communes on a date, and how many are recognized at each tier."""

    total: int
    standard: int
    advanced: int

    @property
    def share(self) -> float:
        return self.standard / self.total if self.total else 0.0


def communes_at_tier(district_ids: Iterable[int], on: date) -> dict[int, CommuneCount]:
    """Per district: its rural communes in force on the date, at standard and advanced (2 queries)."""
    rows = list(
        AdminUnit.objects.filter(parent_id__in=list(district_ids), level="commune")
        .filter(in_force_on(on))
        .exclude(kind__in=URBAN_KINDS)
        .order_by("id")
        .values_list("id", "parent_id")
    )
    if not rows:
        return {}
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    parents = np.asarray([r[1] for r in rows], dtype=np.int64)
    ranks = recognized_tier_rank(ids, on)
    counts = {}
    for district_id in np.unique(parents):
        mine = ranks[parents == district_id]
        counts[int(district_id)] = CommuneCount(
            total=len(mine),
            standard=int((mine >= TIER_RANK[Tier.STANDARD]).sum()),
            advanced=int((mine >= TIER_RANK[Tier.ADVANCED]).sum()),
        )
    return counts


# --- Targets the children set themselves under the unit's target -----------------------


def children_targets(unit: AdminUnit, targets: Iterable[Target]) -> dict[int, list[Target]]:
    """For each target on the unit's children (say 1–2 model communes by 2023), the children's
    own targets of that tier and year, with their fields of excellence: one query."""
    wanted = [t for t in targets if t.child_count is not None]
    if not wanted:
        return {}
    keys = {(t.tier, t.year) for t in wanted}
    own = list(
        Target.objects.filter(
            unit__parent=unit,
            child_count__isnull=True,
            tier__in={tier for tier, _ in keys},
            year__in={year for _, year in keys},
        )
        .select_related("unit")
        .order_by("unit__name", "id")
    )
    return {
        t.id: [o for o in own if (o.tier, o.year) == (t.tier, t.year)]
        for t in wanted
        if any((o.tier, o.year) == (t.tier, t.year) for o in own)
    }


# --- Days the reports speak of --------------------------------------------------------


@dataclass(frozen=True)
class ReportDay:
    on: date
    label: str


def report_days(unit: AdminUnit) -> list[ReportDay]:
    """The dates of the unit's reported figures, each with its report's short name."""
    days: dict[date, str] = {}
    for on, source in (
        ReportedFigure.objects.filter(unit=unit)
        .order_by("reported_on")
        .values_list("reported_on", "source")
        .distinct()
    ):
        days.setdefault(on, source.split(" — ")[0].strip())
    return [ReportDay(on, label) for on, label in days.items()]
