"""What changed between two criteria sets: criteria matched on their number, indicators on
their code, threshold rows on region, commune group and first year (the comparison page
and the draft's diff against its published version)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ntm.core.criteria.model import (
    REGIONS,
    CriteriaSetDef,
    CriterionDef,
    IndicatorDef,
    ThresholdRow,
)

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"


@dataclass(frozen=True)
class ThresholdChange:
    """A threshold row matched on its region, commune group and first year."""

    region: str | None
    group: int | None
    from_year: int | None
    before: ThresholdRow | None
    after: ThresholdRow | None

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        return SAME if self.before.value == self.after.value else CHANGED


@dataclass(frozen=True)
class IndicatorChange:
    code: str
    before: IndicatorDef | None
    after: IndicatorDef | None
    thresholds: tuple[ThresholdChange, ...] = ()
    changed_fields: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.changed_fields or any(t.status != SAME for t in self.thresholds):
            return CHANGED
        return SAME

    @property
    def threshold_changes(self) -> tuple[ThresholdChange, ...]:
        return tuple(t for t in self.thresholds if t.status != SAME)


@dataclass(frozen=True)
class CriterionChange:
    number: str
    before: CriterionDef | None
    after: CriterionDef | None
    indicators: tuple[IndicatorChange, ...] = ()
    is_renamed: bool = False

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if self.is_renamed or any(i.status != SAME for i in self.indicators):
            return CHANGED
        return SAME


@dataclass
class CompareCounts:
    criteria: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STATUSES, 0))
    indicators: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STATUSES, 0))
    thresholds: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((ADDED, REMOVED, CHANGED), 0)
    )


_STATUSES = (SAME, CHANGED, ADDED, REMOVED)


def natural_key(code: str) -> tuple[Any, ...]:
    """'2.10' sorts after '2.9'; '10' after '9'."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p
    )


def compare_thresholds(
    before: Sequence[ThresholdRow], after: Sequence[ThresholdRow]
) -> tuple[ThresholdChange, ...]:
    """Rows matched on region, commune group and first year."""
    old = {(r.region, r.group, r.from_year): r for r in before}
    new = {(r.region, r.group, r.from_year): r for r in after}
    keys = sorted(
        old.keys() | new.keys(),
        key=lambda k: (*line_order((k[0], k[1])), k[2] is not None, k[2] or 0),
    )
    return tuple(
        ThresholdChange(
            region=region,
            group=group,
            from_year=year,
            before=old.get((region, group, year)),
            after=new.get((region, group, year)),
        )
        for region, group, year in keys
    )


def compare_indicator(before: IndicatorDef | None, after: IndicatorDef | None) -> IndicatorChange:
    code = (after or before).code  # type: ignore[union-attr]
    if before is None or after is None:
        return IndicatorChange(code=code, before=before, after=after)
    changed = tuple(
        name
        for name, old, new in (
            ("name", _plain(before.name_vi), _plain(after.name_vi)),
            ("kind", before.kind, after.kind),
            ("unit", before.unit, after.unit),
            ("comparator", before.comparator, after.comparator),
        )
        if old != new
    )
    return IndicatorChange(
        code=code,
        before=before,
        after=after,
        thresholds=compare_thresholds(before.thresholds, after.thresholds),
        changed_fields=changed,
    )


def compare_indicators(
    before: Sequence[IndicatorDef], after: Sequence[IndicatorDef]
) -> tuple[IndicatorChange, ...]:
    old = {i.code: i for i in before}
    new = {i.code: i for i in after}
    codes = sorted(old.keys() | new.keys(), key=natural_key)
    return tuple(compare_indicator(old.get(c), new.get(c)) for c in codes)


def compare_sets(
    before: CriteriaSetDef, after: CriteriaSetDef
) -> tuple[list[CriterionChange], tuple[IndicatorChange, ...], CompareCounts]:
    """Criteria matched on their number, then indicators on their code; tier conditions apart."""
    old = {c.number: c for c in before.criteria}
    new = {c.number: c for c in after.criteria}
    criteria = []
    for number in sorted(old.keys() | new.keys(), key=natural_key):
        a, b = old.get(number), new.get(number)
        criteria.append(
            CriterionChange(
                number=number,
                before=a,
                after=b,
                indicators=compare_indicators(a.indicators, b.indicators) if a and b else (),
                is_renamed=bool(a and b and _plain(a.name_vi) != _plain(b.name_vi)),
            )
        )
    conditions = compare_indicators(before.conditions, after.conditions)
    counts = CompareCounts()
    for criterion in criteria:
        counts.criteria[criterion.status] += 1
        if criterion.status == ADDED:
            counts.indicators[ADDED] += len(criterion.after.indicators)  # type: ignore[union-attr]
        elif criterion.status == REMOVED:
            counts.indicators[REMOVED] += len(criterion.before.indicators)  # type: ignore[union-attr]
    for indicator in (*[i for c in criteria for i in c.indicators], *conditions):
        counts.indicators[indicator.status] += 1
        for threshold in indicator.threshold_changes:
            counts.thresholds[threshold.status] += 1
    return criteria, conditions, counts


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def line_order(key: tuple[str | None, int | None]) -> tuple[int, int]:
    """Threshold lines in order: every unit, then regions as listed, then commune groups."""
    region, group = key
    region_rank = REGIONS.index(region) + 1 if region in REGIONS else 0
    return region_rank, group or 0
