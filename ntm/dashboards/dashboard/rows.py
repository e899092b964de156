"""What a dashboard holds: tier counts, group and unit rows, the hardest criteria, trend
points and targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ntm.core import dashboard as stats
from ntm.criteria.models import CriteriaSet
from ntm.units.models import AdminUnit


@dataclass(frozen=True)
class TierCounts:
    """Units by their highest tier: none, standard, advanced, model (adds up to ``total``)."""

    none: int
    standard: int
    advanced: int
    model: int

    @property
    def total(self) -> int:
        return self.none + self.standard + self.advanced + self.model

    @property
    def at_standard(self) -> int:
        """At standard or above (an advanced commune is also a standard one)."""
        return self.standard + self.advanced + self.model

    @property
    def at_advanced(self) -> int:
        return self.advanced + self.model

    @classmethod
    def from_row(cls, row: Sequence[int]) -> TierCounts:
        return cls(*(int(x) for x in row))


@dataclass(frozen=True)
class GroupRow:
    """One child of the unit (a district of a province, say) and its assessed units."""

    unit_id: int
    name: str
    code: str
    tiers: TierCounts
    with_data: int
    average_met: float | None
    weak: int


@dataclass(frozen=True)
class UnitRow:
    """One assessed unit: criteria met under the chosen set, tier held, place on the map."""

    unit_id: int
    name: str
    code: str
    group: str
    met: int | None
    tier_rank: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class HardCriterion:
    number: str
    name: str
    not_met: int
    judged: int
    missing: int

    @property
    def share(self) -> float | None:
        return self.not_met / self.judged if self.judged else None


@dataclass(frozen=True)
class TrendPoint:
    """The state at one date: tiers held, and criteria met if there was data to evaluate."""

    day: date
    is_year_end: bool
    units: int
    tiers: TierCounts
    criteria_set: CriteriaSet | None = None
    total: int | None = None
    with_data: int = 0
    average_met: float | None = None


@dataclass(frozen=True)
class TargetRow:
    """A target on children ("4 xã nâng cao năm 2022") and how many reached it, when."""

    unit_id: int
    unit_name: str
    tier: str
    year: int
    planned: int
    planned_max: int | None
    reached: int
    counted_on: date
    is_due: bool
    source: str = ""

    @property
    def is_met(self) -> bool:
        return self.reached >= self.planned


@dataclass(frozen=True)
class OwnTargets:
    """Assessed units' own targets of one tier and year, and how many reached the tier."""

    tier: str
    year: int
    planned: int
    reached: int
    counted_on: date
    is_due: bool
    planned_max: int | None = None

    @property
    def is_met(self) -> bool:
        return self.reached >= self.planned


@dataclass
class Dashboard:
    unit: AdminUnit | None
    as_of: date
    assessed_level: str
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    total_criteria: int | None
    tiers: TierCounts
    with_data: int
    average_met: float | None
    weak: int | None
    urban: int
    #: children are groups of assessed units (districts of a province), or are assessed
    children_are_assessed: bool
    groups: list[GroupRow]
    units: list[UnitRow]
    distribution: list[int]
    hardest: list[HardCriterion]
    trends: list[TrendPoint] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    own_targets: list[OwnTargets] = field(default_factory=list)

    @property
    def total_units(self) -> int:
        return self.tiers.total

    @property
    def no_data(self) -> int:
        return self.tiers.total - self.with_data


def _tier_counts(ranks: np.ndarray) -> TierCounts:
    matrix = stats.tier_matrix(np.zeros(len(ranks), dtype=np.int64), ranks, 1)
    return TierCounts.from_row(matrix[0])
