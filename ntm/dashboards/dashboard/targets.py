"""Targets on children against the tiers reached, from the arrays already read."""

from __future__ import annotations

from datetime import date

import numpy as np

from ntm.core.criteria.model import Tier
from ntm.dashboards.dashboard.rows import OwnTargets, TargetRow
from ntm.dashboards.evaluation import TIER_RANK
from ntm.dashboards.over_time import for_units
from ntm.programme.models import Target


def _counted_on(year: int, as_of: date) -> tuple[date, bool]:
    """The day a target of a year is checked on: its year end, or the page's date before."""
    year_end = date(year, 12, 31)
    return (year_end, True) if year_end <= as_of else (as_of, False)


def _targets(unit, tree, assessed_all, assessed_level, ranks, as_of):
    """Targets on children against the tiers reached, all from arrays already read."""
    owners = {int(i) for i in tree.ids[tree.levels != assessed_level]}
    if unit is not None:
        owners.add(unit.pk)
    rows = [
        target
        for target in Target.objects.filter(
            **for_units(np.asarray(sorted(owners), dtype=np.int64)),
            child_count__isnull=False,
            child_level=assessed_level,
        )
        .select_related("unit")
        .order_by("year", "unit__name", "tier", "id")
        if target.unit_id in owners
    ]
    assessed_ids = tree.ids[assessed_all]
    position = {int(uid): i for i, uid in enumerate(tree.ids.tolist())}
    own_rows = [
        row
        for row in Target.objects.filter(**for_units(assessed_ids), child_count__isnull=True)
        .values_list("unit_id", "tier", "year")
        .order_by("year", "tier")
        if row[0] in position and assessed_all[position[row[0]]]
    ]
    # Which assessed units lie under each owner: the owner is one of their ancestors.
    under: dict[int, list[int]] = {}
    for i in np.flatnonzero(assessed_all).tolist():
        for ancestor in tree.ancestors.get(int(tree.ids[i]), ()):
            under.setdefault(ancestor, []).append(i)
    everything = np.flatnonzero(assessed_all).tolist()
    targets = []
    for target in rows:
        day, due = _counted_on(target.year, as_of)
        members = np.zeros(len(tree.ids), dtype=bool)
        members[
            everything
            if unit is not None and target.unit_id == unit.pk
            else under.get(target.unit_id, [])
        ] = True
        members &= tree.in_force(day)
        reached = int((ranks(day, members) >= TIER_RANK[Tier(target.tier)]).sum())
        targets.append(
            TargetRow(
                unit_id=target.unit_id,
                unit_name=target.unit.name,
                tier=target.tier,
                year=target.year,
                planned=int(target.child_count or 0),
                planned_max=target.child_count_max,
                reached=reached,
                counted_on=day,
                is_due=due,
                source=target.source,
            )
        )
    grouped: dict[tuple[str, int], list[int]] = {}
    for uid, tier, year in own_rows:
        grouped.setdefault((tier, year), []).append(position[int(uid)])
    own = []
    for (tier, year), indices in grouped.items():
        day, due = _counted_on(year, as_of)
        members = np.zeros(len(tree.ids), dtype=bool)
        members[indices] = True
        reached = int((ranks(day, members) >= TIER_RANK[Tier(tier)]).sum())
        own.append(OwnTargets(tier, year, len(set(indices)), reached, day, due))
    own.sort(key=lambda t: (t.year, TIER_RANK[Tier(t.tier)]))
    return targets, own
