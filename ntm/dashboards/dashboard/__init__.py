"""What a dashboard and a map show for a unit (or the whole country) and what lies under it.

Everything is computed from the data on each request, in a fixed number of queries:
the units below are read level by level (every era at once), their values and
recognitions once per criteria set, and every figure (tiers, criteria met, the hardest
criteria, trends at each year end, targets against actual) comes from array operations.

The assessed units are the rural communes (xã) below a province, a district or the
country, or the villages below a commune; wards and townships are not assessed by the
programme and are only counted apart.

Cut by topic (issue 10): ``tree`` (the units below and the sets to choose from), ``rows``
(what a dashboard holds), ``targets`` (targets against the tiers reached) and ``build``
(``build_dashboard`` in named steps). This module re-exports the names.
"""

from ntm.dashboards.dashboard.build import build_dashboard, trend_days
from ntm.dashboards.dashboard.rows import (
    Dashboard,
    GroupRow,
    HardCriterion,
    OwnTargets,
    TargetRow,
    TierCounts,
    TrendPoint,
    UnitRow,
)
from ntm.dashboards.dashboard.tree import (
    ASSESSED_LEVEL,
    TREND_EVALUATIONS,
    TREND_YEARS,
    URBAN_KINDS,
    Tree,
    choose_set,
    default_standard_set,
    read_tree,
    sets_for,
)

__all__ = [
    "ASSESSED_LEVEL",
    "TREND_EVALUATIONS",
    "TREND_YEARS",
    "URBAN_KINDS",
    "Dashboard",
    "GroupRow",
    "HardCriterion",
    "OwnTargets",
    "TargetRow",
    "TierCounts",
    "Tree",
    "TrendPoint",
    "UnitRow",
    "build_dashboard",
    "choose_set",
    "default_standard_set",
    "read_tree",
    "sets_for",
    "trend_days",
]
