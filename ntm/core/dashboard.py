"""Statistics of a dashboard over many units, as array operations (no loop over units).

Inputs are the engine's result arrays (criteria met, criterion statuses) and tier ranks
(0 none, 1 standard, 2 advanced, 3 model: the highest tier a unit holds on a date).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ntm.core.criteria.engine import Status

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Tier ranks, as in ``ntm.dashboards.evaluation.TIER_RANK`` (0 = not recognized).
NO_TIER, STANDARD, ADVANCED, MODEL = 0, 1, 2, 3
TIER_RANKS = (NO_TIER, STANDARD, ADVANCED, MODEL)

#: A commune under 15 criteria met is a "weak" commune in the programme's reports
#: (the 2016-2020 and 2021-2025 goals count them); only meaningful for sets of 15+ criteria.
WEAK_BELOW = 15


def has_data(criterion_status: npt.NDArray[np.int8]) -> BoolArray:
    """Units with at least one criterion judged (met or not met) rather than all missing."""
    if criterion_status.shape[1] == 0:
        return np.zeros(criterion_status.shape[0], dtype=bool)
    judged = (criterion_status == Status.MET) | (criterion_status == Status.NOT_MET)
    return judged.any(axis=1)


def tier_matrix(group_position: IntArray, ranks: npt.ArrayLike, n_groups: int) -> IntArray:
    """Per group, how many units hold each tier as their highest: shape (n_groups, 4).

    Columns follow ``TIER_RANKS`` (none, standard, advanced, model), so a row adds up to
    the group's units; a unit at advanced counts in the advanced column only.
    """
    ranks = np.clip(np.asarray(ranks, dtype=np.int64), NO_TIER, MODEL)
    inside = group_position >= 0
    cells = group_position[inside] * len(TIER_RANKS) + ranks[inside]
    counts = np.bincount(cells, minlength=n_groups * len(TIER_RANKS))
    return counts.reshape(n_groups, len(TIER_RANKS)).astype(np.int64)


def at_or_above(ranks: npt.ArrayLike) -> dict[int, int]:
    """How many units hold each tier or a higher one (a model commune is also standard)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    return {rank: int((ranks >= rank).sum()) for rank in (STANDARD, ADVANCED, MODEL)}


def met_distribution(met: npt.ArrayLike, total: int) -> IntArray:
    """How many units meet 0, 1, ..., total criteria: an array of length total + 1."""
    met = np.clip(np.asarray(met, dtype=np.int64), 0, total)
    return np.bincount(met, minlength=total + 1).astype(np.int64)


def mean_or_none(values: npt.ArrayLike) -> float | None:
    values = np.asarray(values, dtype=float)
    return float(values.mean()) if len(values) else None


@dataclass(frozen=True)
class CriterionFailure:
    """For one criterion: units not meeting it, units judged on it, units lacking data."""

    index: int
    not_met: int
    judged: int
    missing: int

    @property
    def share(self) -> float | None:
        """The share of judged units not meeting the criterion (0..1), None if none judged."""
        return self.not_met / self.judged if self.judged else None


def hardest_criteria(criterion_status: npt.NDArray[np.int8]) -> list[CriterionFailure]:
    """Criteria ranked by the share of judged units not meeting them, hardest first.

    A unit without a value for a criterion is not judged on it: it counts as missing, not
    as failing. Ties go to the criterion more units fail, then to the set's order.
    """
    not_met = (criterion_status == Status.NOT_MET).sum(axis=0)
    met = (criterion_status == Status.MET).sum(axis=0)
    missing = (criterion_status == Status.MISSING).sum(axis=0)
    rows = [
        CriterionFailure(index=c, not_met=int(not_met[c]), judged=int(not_met[c] + met[c]),
                         missing=int(missing[c]))
        for c in range(criterion_status.shape[1])
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-(r.share or 0.0), -r.not_met, r.index))


def group_means(group_position: IntArray, values: npt.ArrayLike, n_groups: int) -> npt.NDArray:
    """The mean of values per group (NaN for a group without any)."""
    values = np.asarray(values, dtype=float)
    inside = group_position >= 0
    sums = np.bincount(group_position[inside], weights=values[inside], minlength=n_groups)
    counts = np.bincount(group_position[inside], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def group_counts(group_position: IntArray, flags: npt.ArrayLike, n_groups: int) -> IntArray:
    """How many units of each group have the flag."""
    flags = np.asarray(flags, dtype=bool)
    inside = group_position >= 0
    return np.bincount(group_position[inside & flags], minlength=n_groups).astype(np.int64)


#: Day number standing for "never" (a recognition not revoked).
NEVER = np.iinfo(np.int64).max


def ranks_on(
    unit_position: IntArray,
    rank: IntArray,
    decided_day: IntArray,
    revoked_day: IntArray,
    n_units: int,
    day: int,
) -> IntArray:
    """The highest tier rank each unit holds on a day, from its recognition decisions.

    One row per decision: the unit's position, the tier's rank, the day it was decided and
    the day it was revoked (``NEVER`` if not). A decision counts from its day on, until
    the day of its revocation.
    """
    held = (decided_day <= day) & (revoked_day > day)
    ranks = np.zeros(n_units, dtype=np.int64)
    np.maximum.at(ranks, unit_position[held], rank[held])
    return ranks
