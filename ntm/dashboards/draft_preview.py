"""What publishing a criteria-set draft would change: the province's units evaluated under
the draft and under the version it came from, each in one vectorized pass
(``evaluate_units``). It evaluates, so it sits above criteria, with the evaluation.

The counts answer the office's questions before it signs: how many communes would reach
the set's tier or lose it, how many would meet more or fewer criteria, and how each
criterion's count of communes meeting it moves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from ntm.core.criteria.engine import Evaluation, Status
from ntm.criteria.authoring import compared_version, province_unit
from ntm.criteria.models import CriteriaSet
from ntm.dashboards.evaluation import evaluate_units
from ntm.units.models import AdminUnit
from ntm.units.selectors import in_force_on
from ntm.values.models import CriterionCertification, IndicatorValue

#: Urban units are not assessed for NTM (as in the children overview, ntm/dashboards/unit_status).
URBAN_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})
#: How many units the preview names in each list (the counts are always complete).
EXAMPLES = 30


@dataclass(frozen=True)
class UnitChange:
    unit_id: int
    name: str
    code: str
    parent: str
    before_met: int
    after_met: int


@dataclass(frozen=True)
class CriterionShift:
    """How many units meet a criterion before and after (None: not in that version)."""

    number: str
    name: str
    before: int | None
    after: int | None
    after_unknown: int = 0  # units with missing data or no confirmed threshold (after)

    @property
    def status(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "same" if self.before == self.after else "changed"

    @property
    def delta(self) -> int:
        return (self.after or 0) - (self.before or 0)


@dataclass(frozen=True)
class Preview:
    draft: CriteriaSet
    before: CriteriaSet | None
    as_of: dt.date
    province: AdminUnit | None
    unit_count: int
    after_total: int
    after_reached: int
    after_average: float | None
    before_total: int | None = None
    before_reached: int | None = None
    before_average: float | None = None
    gained: tuple[UnitChange, ...] = ()
    lost: tuple[UnitChange, ...] = ()
    gained_count: int = 0
    lost_count: int = 0
    more: int = 0
    fewer: int = 0
    same: int = 0
    criteria: tuple[CriterionShift, ...] = ()

    @property
    def changed_criteria(self) -> tuple[CriterionShift, ...]:
        return tuple(c for c in self.criteria if c.status != "same")


def default_as_of(draft: CriteriaSet, before: CriteriaSet | None) -> dt.date:
    """The latest day with data for the sets' indicators or criteria (not after today)."""
    today = timezone.localdate()
    indicator_keys: set[str] = set()
    criterion_keys: set[str] = set()
    for stored in (draft, before):
        if stored is None:
            continue
        definition = stored.to_domain()
        indicator_keys |= {i.key for i in definition.indicators}
        criterion_keys |= {c.key for c in definition.criteria}
    days = [
        IndicatorValue.objects.filter(
            indicator_key__in=indicator_keys, observed_on__lte=today, is_current=True
        ).aggregate(day=Max("observed_on"))["day"],
        CriterionCertification.objects.filter(
            criterion_key__in=criterion_keys, certified_on__lte=today, is_current=True
        ).aggregate(day=Max("certified_on"))["day"],
    ]
    found = [d for d in days if d is not None]
    return max(found) if found else today


def preview_units(draft: CriteriaSet, as_of: dt.date) -> tuple[AdminUnit | None, QuerySet]:
    """The province (None: the whole country) and its units at the set's level on a date."""
    units = AdminUnit.objects.filter(in_force_on(as_of), level=draft.level).exclude(
        kind__in=URBAN_KINDS
    )
    if not draft.province_code:
        return None, units
    province = (
        AdminUnit.objects.filter(in_force_on(as_of), level="province", code=draft.province_code)
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    ) or province_unit(draft.province_code, as_of.year)
    if province is None:
        return None, units.none()
    found: set[int] = set()
    frontier = {province.pk}
    while frontier:  # one query per level below the province
        rows = list(
            AdminUnit.objects.filter(in_force_on(as_of), parent_id__in=frontier).values_list(
                "id", "level"
            )
        )
        found |= {uid for uid, level in rows if level == draft.level}
        frontier = {uid for uid, level in rows if level != draft.level}
    return province, units.filter(id__in=found)


def _met_counts(evaluation: Evaluation) -> dict[str, tuple[int, int]]:
    """Per criterion number: (units meeting it, units with missing data or no threshold)."""
    counts = {}
    statuses = evaluation.criterion_status
    for c, criterion in enumerate(evaluation.definition.criteria):
        column = statuses[:, c] if len(statuses) else np.zeros(0)
        unknown = int(((column == Status.MISSING) | (column == Status.NOT_EVALUABLE)).sum())
        counts[criterion.number] = (int((column == Status.MET).sum()), unknown)
    return counts


def preview_draft(draft: CriteriaSet, *, as_of: dt.date | None = None) -> Preview:
    """The draft against the version it came from, over the province's units on a date."""
    before = compared_version(draft)
    day = as_of or default_as_of(draft, before)
    province, units = preview_units(draft, day)
    after = evaluate_units(draft, units, day)
    n = len(after.units.ids)
    after_average = float(after.met.mean()) if n else None
    if before is None:
        return Preview(
            draft=draft,
            before=None,
            as_of=day,
            province=province,
            unit_count=n,
            after_total=after.total,
            after_reached=int(after.all_met.sum()),
            after_average=after_average,
            criteria=tuple(
                CriterionShift(number, name, None, met, unknown)
                for (number, (met, unknown)), name in zip(
                    _met_counts(after).items(),
                    (c.name_vi for c in after.definition.criteria),
                    strict=True,
                )
            ),
        )
    previous = evaluate_units(before, units, day)
    gained_mask = after.all_met & ~previous.all_met
    lost_mask = previous.all_met & ~after.all_met
    names = _names(after, gained_mask, lost_mask)

    def changes(mask: np.ndarray) -> tuple[UnitChange, ...]:
        rows = []
        for i in np.flatnonzero(mask)[:EXAMPLES].tolist():
            unit_id = int(after.units.ids[i])
            name, code, parent = names.get(unit_id, ("", "", ""))
            rows.append(
                UnitChange(unit_id, name, code, parent, int(previous.met[i]), int(after.met[i]))
            )
        return tuple(sorted(rows, key=lambda r: (r.parent, r.name)))

    before_counts, after_counts = _met_counts(previous), _met_counts(after)
    criteria = [
        CriterionShift(
            c.number,
            c.name_vi,
            before_counts[c.number][0] if c.number in before_counts else None,
            after_counts[c.number][0],
            after_counts[c.number][1],
        )
        for c in after.definition.criteria
    ] + [
        CriterionShift(c.number, c.name_vi, before_counts[c.number][0], None)
        for c in previous.definition.criteria
        if c.number not in after_counts
    ]
    return Preview(
        draft=draft,
        before=before,
        as_of=day,
        province=province,
        unit_count=n,
        after_total=after.total,
        after_reached=int(after.all_met.sum()),
        after_average=after_average,
        before_total=previous.total,
        before_reached=int(previous.all_met.sum()),
        before_average=float(previous.met.mean()) if n else None,
        gained=changes(gained_mask),
        lost=changes(lost_mask),
        gained_count=int(gained_mask.sum()),
        lost_count=int(lost_mask.sum()),
        more=int((after.met > previous.met).sum()),
        fewer=int((after.met < previous.met).sum()),
        same=int((after.met == previous.met).sum()),
        criteria=tuple(criteria),
    )


def _names(after: Evaluation, *masks: np.ndarray) -> dict[int, tuple[str, str, str]]:
    """Name, code and parent name of the units the preview lists (one query)."""
    wanted: set[int] = set()
    for mask in masks:
        wanted |= {int(after.units.ids[i]) for i in np.flatnonzero(mask)[:EXAMPLES].tolist()}
    if not wanted:
        return {}
    return {
        uid: (name, code, parent or "")
        for uid, name, code, parent in AdminUnit.objects.filter(id__in=wanted).values_list(
            "id", "name", "code", "parent__name"
        )
    }
