"""The units below a dashboard's unit as parallel arrays, read level by level, and the
criteria sets to choose from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ntm.accounts.scope import Scope
from ntm.core.criteria.model import Tier
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import applicable_sets, latest_sets
from ntm.dashboards.evaluation import UnitRows
from ntm.dashboards.over_time import as_text, day_numbers, raw_rows
from ntm.units.models import AdminUnit

#: The level assessed below a unit of each level (None = the whole country).
ASSESSED_LEVEL = {
    None: "commune",
    "province": "commune",
    "district": "commune",
    "commune": "village",
}


#: Urban kinds are not assessed by the programme (as in the children overview).
URBAN_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})


#: Trends: criteria met are evaluated at most on this many dates (the latest ones).
TREND_EVALUATIONS = 6


#: Trends: tiers are shown for at most this many year ends.
TREND_YEARS = 15


FIRST_DAY, LAST_DAY = date.min.toordinal(), date.max.toordinal()


@dataclass(frozen=True)
class Tree:
    """The units below the dashboard's unit, every era, as parallel arrays sorted by id.

    ``top`` is the position of each unit's ancestor among the unit's children (for the
    whole country: its province), the unit itself for a child; ``ancestors`` maps each
    unit id to the ids of its ancestors inside the tree.
    """

    ids: np.ndarray
    parent_ids: np.ndarray
    levels: np.ndarray
    urban: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    top: np.ndarray
    names: list[str]
    codes: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    regions: list[str]
    commune_groups: list[int | None]
    ancestors: dict[int, tuple[int, ...]]

    def in_force(self, day: date) -> np.ndarray:
        ordinal = day.toordinal()
        return (self.valid_from <= ordinal) & (self.valid_to > ordinal)

    def rows(self, mask: np.ndarray) -> UnitRows:
        picked = np.flatnonzero(mask)
        return UnitRows(
            ids=self.ids[picked],
            regions=[self.regions[i] for i in picked],
            groups=[self.commune_groups[i] for i in picked],
        )


_FIELDS = (
    "id", "parent_id", "level", "kind", as_text("valid_from"), as_text("valid_to"), "name",
    "code", "latitude", "longitude", "region", "commune_group",
)  # fmt: skip


def _level_rows(**filters) -> list[tuple]:
    return raw_rows(AdminUnit.objects.filter(**filters).order_by().values_list(*_FIELDS))


def _ordinals(column: list[str | None], missing: int) -> np.ndarray:
    days = np.full(len(column), missing, dtype=np.int64)
    known = np.array([d is not None for d in column], dtype=bool)
    if known.any():
        days[known] = day_numbers([d for d in column if d is not None])
    return days


def read_tree(unit: AdminUnit | None, assessed_level: str, scope: Scope) -> Tree:
    """Every unit below, down to the assessed level, one query per level, in the scope."""
    top = {"level": "province"} if unit is None else {"parent_id": unit.pk}
    frontier = _level_rows(**top)
    rows: list[tuple] = []
    top_of: dict[int, int] = {}
    ancestors: dict[int, tuple[int, ...]] = {}
    depth = 0
    while frontier and depth < 4:
        if scope.unit_ids is not None:
            frontier = [r for r in frontier if r[0] in scope.unit_ids]
        expand = []
        for row in frontier:
            uid, parent_id, level = row[0], row[1], row[2]
            if depth == 0:
                top_of[uid] = uid
                ancestors[uid] = ()
            else:
                top_of[uid] = top_of[parent_id]
                ancestors[uid] = (*ancestors[parent_id], parent_id)
            rows.append(row)
            if level != assessed_level:
                expand.append(uid)
        depth += 1
        frontier = _level_rows(parent_id__in=expand) if expand else []
    rows.sort(key=lambda r: r[0])
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    tops = np.asarray([top_of[r[0]] for r in rows], dtype=np.int64)
    return Tree(
        ids=ids,
        parent_ids=np.asarray([r[1] or 0 for r in rows], dtype=np.int64),
        levels=np.asarray([r[2] for r in rows], dtype="U8"),
        urban=np.asarray([r[3] in URBAN_KINDS for r in rows], dtype=bool),
        valid_from=_ordinals([r[4] for r in rows], FIRST_DAY),
        valid_to=_ordinals([r[5] for r in rows], LAST_DAY),
        top=np.searchsorted(ids, tops).astype(np.int64),
        names=[r[6] for r in rows],
        codes=[r[7] for r in rows],
        latitude=np.asarray([np.nan if r[8] is None else r[8] for r in rows], dtype=float),
        longitude=np.asarray([np.nan if r[9] is None else r[9] for r in rows], dtype=float),
        regions=[r[10] for r in rows],
        commune_groups=[r[11] for r in rows],
        ancestors=ancestors,
    )


def sets_for(representative: AdminUnit | None, as_of: date, *, national: bool) -> list[CriteriaSet]:
    """The sets to choose from for the assessed units on a date, the default first.

    Below a province, its own variants come first (as on the unit pages); for the whole
    country only national sets apply to every unit alike.
    """
    if representative is None:
        return []
    sets = applicable_sets(representative, as_of)
    if national:
        sets = [s for s in sets if not s.province_code]
    return sets


def choose_set(sets: list[CriteriaSet], set_id: str, level: str) -> CriteriaSet | None:
    """The set asked for (if it is for the level), else the first applicable one."""
    chosen = next((s for s in sets if s.set_id == set_id), None)
    if chosen is None and set_id:
        chosen = next((s for s in latest_sets() if s.set_id == set_id and s.level == level), None)
        if chosen is not None:
            sets.append(chosen)
    return chosen or (sets[0] if sets else None)


def default_standard_set(sets: Sequence[CriteriaSet]) -> CriteriaSet | None:
    """The set a trend point is evaluated under: the first standard-tier set applying."""
    return next((s for s in sets if s.tier == Tier.STANDARD.value), sets[0] if sets else None)
