"""The evaluation engine: one vectorized pass over many units for one criteria set.

Input: a resolved set, the units (with region or commune group), the values as of a date
(one array per indicator, NaN = no value) and criterion certifications. Output: for every
unit, each indicator's status with value, threshold and gap; each criterion's status;
met/total; whether all criteria and tier conditions are met; and the revocation rule of
Decision 18/2022/QĐ-TTg. Nothing here loops over units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from ntm.core.criteria.model import (
    Comparator,
    CriteriaSetDef,
    CriterionDef,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
    Tier,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int8]

#: Comparisons tolerate float noise from ratios (e.g. 0.1 * 3).
TOLERANCE = 1e-9


class Status(IntEnum):
    """Status codes in result arrays."""

    MET = 1
    NOT_MET = 2
    MISSING = 3  # no value entered
    NOT_EVALUABLE = 4  # no confirmed threshold (or no indicator detail): needs confirmation


class StatusName(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    MISSING = "missing"
    NOT_EVALUABLE = "not_evaluable"


STATUS_NAMES = {
    Status.MET: StatusName.MET,
    Status.NOT_MET: StatusName.NOT_MET,
    Status.MISSING: StatusName.MISSING,
    Status.NOT_EVALUABLE: StatusName.NOT_EVALUABLE,
}

#: Certification codes: 0 none, 1 certified met, 2 certified not met.
CERT_NONE, CERT_MET, CERT_NOT_MET = 0, 1, 2


@dataclass(frozen=True)
class UnitFrame:
    """The units to evaluate: ids, region codes ("" = unknown), commune groups (0 = unknown)."""

    ids: npt.NDArray[np.int64]
    regions: npt.NDArray[np.str_]
    groups: npt.NDArray[np.int8]

    @classmethod
    def build(
        cls,
        ids: Sequence[int],
        regions: Sequence[str | None] | None = None,
        groups: Sequence[int | None] | None = None,
    ) -> UnitFrame:
        n = len(ids)
        return cls(
            ids=np.asarray(ids, dtype=np.int64),
            regions=np.asarray(
                [r or "" for r in regions] if regions is not None else [""] * n, dtype="U8"
            ),
            groups=np.asarray(
                [g or 0 for g in groups] if groups is not None else [0] * n, dtype=np.int8
            ),
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Inputs:
    """Values as of the evaluation date, one array of length n per key (NaN = missing).

    ``values`` holds numbers, judgements (1.0 met, 0.0 not met) and precomputed aggregates;
    ``numerators``/``denominators`` hold ratio parts; ``certifications`` holds criterion
    certification codes (CERT_*) by criterion key.

    ``value_days`` (by indicator key) and ``certification_days`` (by criterion key) hold
    the day each value or certification was observed (a day number, NaN = none). With
    them, the newest evidence decides a criterion: a certification stands until a value
    of one of its indicators is observed after it. Without them a certification always
    decides.
    """

    values: Mapping[str, FloatArray]
    numerators: Mapping[str, FloatArray]
    denominators: Mapping[str, FloatArray]
    certifications: Mapping[str, CodeArray]
    value_days: Mapping[str, FloatArray] | None = None
    certification_days: Mapping[str, FloatArray] | None = None

    @classmethod
    def empty(cls) -> Inputs:
        return cls({}, {}, {}, {})


@dataclass(frozen=True)
class Evaluation:
    """Results for n units: arrays indexed [unit] or [unit, column]."""

    definition: CriteriaSetDef
    as_of: date
    units: UnitFrame
    indicators: tuple[IndicatorDef, ...]
    indicator_status: CodeArray  # (n, k)
    indicator_value: FloatArray  # (n, k)
    threshold: FloatArray  # (n, k); NaN = no confirmed threshold
    threshold_row: npt.NDArray[np.int16]  # (n, k) index into the indicator's rows, -1 none
    gap: FloatArray  # (n, k); how far from the threshold, in the indicator's unit
    criterion_status: CodeArray  # (n, m)
    certified: BoolArray  # (n, m)
    met: npt.NDArray[np.int64]  # (n,)
    total: int
    conditions_met: BoolArray  # (n,)
    all_met: BoolArray  # (n,)
    failed_share: FloatArray  # (n,)
    key_criterion_failed: BoolArray  # (n,)
    revocation_due: BoolArray  # (n,)
    revocation_near: BoolArray  # (n,)

    def position(self, unit_id: int) -> int:
        found = np.flatnonzero(self.units.ids == unit_id)
        if not len(found):
            raise KeyError(unit_id)
        return int(found[0])

    def unit_report(self, unit_id: int) -> dict[str, Any]:
        """One unit's results as plain data (for JSON, templates and the CLI)."""
        i = self.position(unit_id)
        column = {ind.key: k for k, ind in enumerate(self.indicators)}

        def indicator_entry(ind: IndicatorDef) -> dict[str, Any]:
            k = column[ind.key]
            row_index = int(self.threshold_row[i, k])
            row = ind.thresholds[row_index] if row_index >= 0 else None
            return {
                "key": ind.key,
                "code": ind.code,
                "name": ind.name_vi,
                "kind": ind.kind.value,
                "unit": ind.unit,
                "comparator": ind.comparator.value if ind.comparator else None,
                "status": STATUS_NAMES[Status(int(self.indicator_status[i, k]))].value,
                "value": _clean(self.indicator_value[i, k]),
                "threshold": _clean(self.threshold[i, k]),
                "gap": _clean(self.gap[i, k]),
                "confidence": ind.confidence.value,
                "threshold_confidence": row.confidence.value if row else None,
                "threshold_sources": list(row.sources) if row else [],
            }

        criteria = []
        for c, criterion in enumerate(self.definition.criteria):
            criteria.append(
                {
                    "number": criterion.number,
                    "key": criterion.key,
                    "name": criterion.name_vi,
                    "status": STATUS_NAMES[Status(int(self.criterion_status[i, c]))].value,
                    "certified": bool(self.certified[i, c]),
                    "is_key_for_revocation": criterion.number
                    in self.definition.revocation_key_criteria,
                    "indicators": [indicator_entry(ind) for ind in criterion.indicators],
                }
            )
        return {
            "set": self.definition.set_id,
            "set_version": self.definition.version,
            "tier": self.definition.tier.value,
            "as_of": self.as_of.isoformat(),
            "met": int(self.met[i]),
            "total": self.total,
            "all_met": bool(self.all_met[i]),
            "conditions_met": bool(self.conditions_met[i]),
            "criteria": criteria,
            "conditions": [indicator_entry(ind) for ind in self.definition.conditions],
            "revocation": {
                "rule": "18/2022/QĐ-TTg",
                "failed_share": round(float(self.failed_share[i]), 4),
                "key_criterion_failed": bool(self.key_criterion_failed[i]),
                "due": bool(self.revocation_due[i]),
                "near": bool(self.revocation_near[i]),
            },
        }


def _clean(x: float) -> float | None:
    return None if np.isnan(x) else round(float(x), 6)


def resolve_thresholds(
    indicator: IndicatorDef, units: UnitFrame, year: int
) -> tuple[FloatArray, npt.NDArray[np.int16]]:
    """The threshold applying to each unit in a year, and which row it came from.

    Rows apply to the unit's region or group (or to all when unset) from their year on;
    the most specific row wins, then the latest year. A unit whose region (group) is
    unknown only matches rows for every region (group).
    """
    n = len(units)
    values = np.full(n, np.nan)
    rows = np.full(n, -1, dtype=np.int16)
    applicable = [
        (index, row)
        for index, row in enumerate(indicator.thresholds)
        if row.from_year is None or row.from_year <= year
    ]
    applicable.sort(key=lambda item: _row_order(item[1]))
    for index, row in applicable:
        mask = np.ones(n, dtype=bool)
        if row.region is not None:
            mask &= units.regions == row.region
        if row.group is not None:
            mask &= units.groups == row.group
        values[mask] = row.value
        rows[mask] = index
    return values, rows


def _row_order(row: ThresholdRow) -> tuple[int, int]:
    specificity = int(row.region is not None) + int(row.group is not None)
    return specificity, row.from_year if row.from_year is not None else -1


def compare(comparator: Comparator, value: FloatArray, threshold: FloatArray) -> BoolArray:
    """Whether each value meets its threshold (NaN compares as not met)."""
    with np.errstate(invalid="ignore"):
        if comparator is Comparator.GE:
            return value >= threshold - TOLERANCE
        if comparator is Comparator.LE:
            return value <= threshold + TOLERANCE
        if comparator is Comparator.GT:
            return value > threshold + TOLERANCE
        if comparator is Comparator.LT:
            return value < threshold - TOLERANCE
        return np.abs(value - threshold) <= TOLERANCE


def gap(comparator: Comparator, value: FloatArray, threshold: FloatArray) -> FloatArray:
    """How far a value is from meeting its threshold, in the indicator's unit (0 when met)."""
    with np.errstate(invalid="ignore"):
        if comparator in (Comparator.GE, Comparator.GT):
            return np.maximum(threshold - value, 0.0)
        if comparator in (Comparator.LE, Comparator.LT):
            return np.maximum(value - threshold, 0.0)
        return np.abs(value - threshold)


def _indicator_value(indicator: IndicatorDef, inputs: Inputs, n: int) -> FloatArray:
    if indicator.kind is IndicatorKind.RATIO:
        assert indicator.ratio is not None
        num = np.asarray(inputs.numerators.get(indicator.key, np.full(n, np.nan)), dtype=float)
        den = np.asarray(inputs.denominators.get(indicator.key, np.full(n, np.nan)), dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(den > 0, num / den * indicator.ratio.scale, np.nan)
        return value
    return np.asarray(inputs.values.get(indicator.key, np.full(n, np.nan)), dtype=float)


def _superseded_by_values(inputs: Inputs, criterion: CriterionDef, n: int) -> BoolArray:
    """Units where a value of the criterion's indicators is newer than its certification."""
    if inputs.value_days is None or inputs.certification_days is None:
        return np.zeros(n, dtype=bool)
    cert_day = inputs.certification_days.get(criterion.key)
    days = [inputs.value_days[i.key] for i in criterion.indicators if i.key in inputs.value_days]
    if cert_day is None or not days:
        return np.zeros(n, dtype=bool)
    newest = np.fmax.reduce(np.vstack([np.asarray(d, dtype=float) for d in days]), axis=0)
    with np.errstate(invalid="ignore"):
        return newest > np.asarray(cert_day, dtype=float)  # NaN compares false


def _indicator_columns(
    indicators: tuple[IndicatorDef, ...], units: UnitFrame, inputs: Inputs, as_of: date
) -> tuple[npt.NDArray[np.int8], FloatArray, FloatArray, npt.NDArray[np.int16], FloatArray]:
    """Every indicator, one column each: status, value, threshold, threshold row and gap."""
    n = len(units)
    k = len(indicators)
    status = np.empty((n, k), dtype=np.int8)
    values = np.full((n, k), np.nan)
    thresholds = np.full((n, k), np.nan)
    threshold_rows = np.full((n, k), -1, dtype=np.int16)
    gaps = np.full((n, k), np.nan)

    for j, indicator in enumerate(indicators):
        value = _indicator_value(indicator, inputs, n)
        values[:, j] = value
        missing = np.isnan(value)
        if indicator.kind is IndicatorKind.JUDGEMENT:
            # The requirement is the indicator's own wording; the department decides.
            met = value >= 1.0 - TOLERANCE
            status[:, j] = np.where(
                missing, Status.MISSING, np.where(met, Status.MET, Status.NOT_MET)
            )
            continue
        assert indicator.comparator is not None
        threshold, rows = resolve_thresholds(indicator, units, as_of.year)
        thresholds[:, j] = threshold
        threshold_rows[:, j] = rows
        no_threshold = np.isnan(threshold)
        met = compare(indicator.comparator, value, threshold)
        status[:, j] = np.select(
            [no_threshold, missing, met],
            [Status.NOT_EVALUABLE, Status.MISSING, Status.MET],
            default=Status.NOT_MET,
        )
        unmet = status[:, j] == Status.NOT_MET
        gaps[:, j] = np.where(unmet, gap(indicator.comparator, value, threshold), np.nan)
    return status, values, thresholds, threshold_rows, gaps


def _criterion_columns(
    definition: CriteriaSetDef,
    status: npt.NDArray[np.int8],
    column: Mapping[str, int],
    inputs: Inputs,
    n: int,
) -> tuple[npt.NDArray[np.int8], BoolArray]:
    """Every criterion, one column each: its status, and whether a certification decided it."""
    m = len(definition.criteria)
    criterion_status = np.empty((n, m), dtype=np.int8)
    certified = np.zeros((n, m), dtype=bool)
    for c, criterion in enumerate(definition.criteria):
        cols = [column[i.key] for i in criterion.indicators]
        criterion_status[:, c] = combine(status[:, cols])
        cert = inputs.certifications.get(criterion.key)
        if cert is not None:
            cert = np.asarray(cert, dtype=np.int8)
            cert = np.where(_superseded_by_values(inputs, criterion, n), CERT_NONE, cert)
            certified[:, c] = cert != CERT_NONE
            criterion_status[:, c] = np.where(
                cert == CERT_MET,
                Status.MET,
                np.where(cert == CERT_NOT_MET, Status.NOT_MET, criterion_status[:, c]),
            )
    return criterion_status, certified


def _conditions_met(
    definition: CriteriaSetDef,
    status: npt.NDArray[np.int8],
    column: Mapping[str, int],
    n: int,
) -> BoolArray:
    """Units that meet every condition of the set (all, when it has none)."""
    condition_cols = [column[i.key] for i in definition.conditions]
    return (
        (status[:, condition_cols] == Status.MET).all(axis=1)
        if condition_cols
        else np.ones(n, dtype=bool)
    )


def _key_criterion_failed(
    definition: CriteriaSetDef, criterion_status: npt.NDArray[np.int8], n: int
) -> BoolArray:
    """Units that fail a key criterion for revocation."""
    key_cols = [
        c
        for c, cr in enumerate(definition.criteria)
        if cr.number in definition.revocation_key_criteria
    ]
    return (
        (criterion_status[:, key_cols] == Status.NOT_MET).any(axis=1)
        if key_cols
        else np.zeros(n, dtype=bool)
    )


def evaluate(
    definition: CriteriaSetDef, units: UnitFrame, inputs: Inputs, as_of: date
) -> Evaluation:
    """Evaluate every unit against a set as of a date, in one vectorized pass."""
    n = len(units)
    indicators = definition.indicators
    status, values, thresholds, threshold_rows, gaps = _indicator_columns(
        indicators, units, inputs, as_of
    )
    column = {ind.key: j for j, ind in enumerate(indicators)}
    m = len(definition.criteria)
    criterion_status, certified = _criterion_columns(definition, status, column, inputs, n)
    conditions_met = _conditions_met(definition, status, column, n)
    met_count = (criterion_status == Status.MET).sum(axis=1).astype(np.int64)
    failed = (criterion_status == Status.NOT_MET).sum(axis=1)
    key_failed = _key_criterion_failed(definition, criterion_status, n)
    due, near, share = revocation_rule(failed, m, key_failed)
    return Evaluation(
        definition=definition,
        as_of=as_of,
        units=units,
        indicators=indicators,
        indicator_status=status,
        indicator_value=values,
        threshold=thresholds,
        threshold_row=threshold_rows,
        gap=gaps,
        criterion_status=criterion_status,
        certified=certified,
        met=met_count,
        total=m,
        conditions_met=conditions_met,
        all_met=(met_count == m) & conditions_met,
        failed_share=share,
        key_criterion_failed=key_failed,
        revocation_due=due,
        revocation_near=near,
    )


def combine(statuses: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
    """A criterion's status from its indicators' (n, k) statuses.

    Not met if any indicator is not met; otherwise missing if any value is missing;
    otherwise not evaluable if any threshold is unconfirmed; otherwise met. A criterion
    with no indicator detail is not evaluable until certified as a whole.
    """
    n = statuses.shape[0]
    if statuses.shape[1] == 0:
        return np.full(n, Status.NOT_EVALUABLE, dtype=np.int8)
    any_not_met = (statuses == Status.NOT_MET).any(axis=1)
    any_missing = (statuses == Status.MISSING).any(axis=1)
    any_unconfirmed = (statuses == Status.NOT_EVALUABLE).any(axis=1)
    return np.select(
        [any_not_met, any_missing, any_unconfirmed],
        [Status.NOT_MET, Status.MISSING, Status.NOT_EVALUABLE],
        default=Status.MET,
    ).astype(np.int8)


def revocation_rule(
    failed: npt.NDArray[np.integer[Any]],
    total: int,
    key_failed: BoolArray,
    child_revoked_share: FloatArray | None = None,
) -> tuple[BoolArray, BoolArray, FloatArray]:
    """Decision 18/2022/QĐ-TTg, revocation of a recognition.

    A commune loses its recognition when 30% to under 50% of its criteria no longer meet
    the level and one of them is a key criterion (income; environment and food safety;
    environment; living-environment quality; defence and security), or when 50% or more
    fail. A district also loses it when 30% or more of its communes lost theirs
    (``child_revoked_share``, a fraction). "Near" means one more failing key criterion
    would trigger the rule. Returns (due, near, failed share).
    """
    failed = np.asarray(failed, dtype=float)
    if total == 0:
        zeros = np.zeros(len(failed), dtype=bool)
        return zeros, zeros.copy(), np.zeros(len(failed))
    share = failed / total
    due = (share >= 0.5 - TOLERANCE) | ((share >= 0.3 - TOLERANCE) & key_failed)
    if child_revoked_share is not None:
        due |= np.nan_to_num(child_revoked_share) >= 0.3 - TOLERANCE
    one_more = (failed + 1) / total
    near = ~due & (one_more >= 0.3 - TOLERANCE)
    return due, near, share


def aggregate_children(
    parent_position: npt.NDArray[np.int64], flags: BoolArray, n_parents: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per parent: how many children have the flag, and how many children there are.

    ``parent_position`` gives each child's parent index (or -1 when not evaluated).
    """
    inside = parent_position >= 0
    positions = parent_position[inside]
    counts = np.bincount(positions, weights=flags[inside].astype(float), minlength=n_parents)
    totals = np.bincount(positions, minlength=n_parents)
    return counts.astype(np.int64), totals.astype(np.int64)


def share_percent(counts: npt.NDArray[np.int64], totals: npt.NDArray[np.int64]) -> FloatArray:
    """counts / totals in percent; NaN where a parent has no children."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / np.maximum(totals, 1) * 100.0, np.nan)


def eligible_tiers(
    ladder: Sequence[tuple[Tier, BoolArray]],
    prerequisites: Mapping[Tier, BoolArray] | None = None,
) -> dict[Tier, BoolArray]:
    """Tier eligibility: each tier needs every tier below it (standard, then advanced, then model).

    ``ladder`` lists (tier, all criteria and conditions met) lowest first; ``prerequisites``
    adds structural requirements, e.g. a district's standard tier needs all its communes
    at standard.
    """
    prerequisites = prerequisites or {}
    result: dict[Tier, BoolArray] = {}
    below: BoolArray | None = None
    for tier, all_met in ladder:
        eligible = np.asarray(all_met, dtype=bool).copy()
        if tier in prerequisites:
            eligible &= prerequisites[tier]
        if below is not None:
            eligible &= below
        result[tier] = eligible
        below = eligible
    return result
