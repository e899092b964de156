"""Provincial variants: which threshold row applies, where a variant would loosen its base,
and the base with the variant's overrides and own criteria."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ntm.core.criteria.model import (
    COMMUNE_GROUPS,
    REGIONS,
    Comparator,
    CriteriaSetDef,
    IndicatorDef,
    IndicatorKind,
    ThresholdRow,
)
from ntm.core.criteria.schema.indicators import _rows
from ntm.core.criteria.schema.reader import _Reader


def _is_tighter(comparator: Comparator | None, new: float, old: float) -> bool:
    if comparator in (Comparator.GE, Comparator.GT):
        return new >= old
    if comparator in (Comparator.LE, Comparator.LT):
        return new <= old
    return new == old


def applicable_row(
    rows: tuple[ThresholdRow, ...], region: str | None, group: int | None, year: int
) -> ThresholdRow | None:
    """The row the engine applies to a unit of a region and group in a year (None: no row).

    Same rule as ``engine.resolve_thresholds``: the most specific row wins, then the latest
    ``from_year``; a unit with no region (group) only matches rows for every region (group).
    """
    best: ThresholdRow | None = None
    best_order: tuple[int, int] = (-1, -1)
    for row in rows:
        if row.from_year is not None and row.from_year > year:
            continue
        if row.region is not None and row.region != region:
            continue
        if row.group is not None and row.group != group:
            continue
        order = (
            int(row.region is not None) + int(row.group is not None),
            row.from_year if row.from_year is not None else -1,
        )
        if order >= best_order:
            best, best_order = row, order
    return best


def first_loosened(
    base: IndicatorDef, rows: tuple[ThresholdRow, ...]
) -> tuple[ThresholdRow, ThresholdRow, str] | None:
    """Where a variant's rows would make an inherited indicator easier to meet.

    Compares the threshold a unit would get under the base and under the variant for every
    region or commune group (and a unit with neither) in every year where a row starts.
    Returns (variant row, base row, "region BTB from 2020") for the first place loosened.
    Where the base has no threshold (needs confirmation), any value fills it.
    """
    years = sorted({r.from_year for r in (*base.thresholds, *rows) if r.from_year is not None})
    starts = [min(years) - 1, *years] if years else [0]
    regions: tuple[str | None, ...] = (None, *REGIONS)
    groups: tuple[int | None, ...] = (None, *COMMUNE_GROUPS)
    for region in regions:
        for group in groups:
            for year in starts:
                old = applicable_row(base.thresholds, region, group, year)
                new = applicable_row(rows, region, group, year)
                if old is None or new is None or new is old:
                    continue
                if not _is_tighter(base.comparator, new.value, old.value):
                    scope = (
                        f"region {region}"
                        if region
                        else (f"commune group {group}" if group else "every unit")
                    )
                    since = f" from {new.from_year}" if new.from_year is not None else ""
                    return new, old, scope + since
    return None


def _apply_variant(
    r: _Reader, base: CriteriaSetDef, variant: CriteriaSetDef, overrides: list[Any]
) -> CriteriaSetDef:
    """A provincial variant: the base's criteria (tightened where overridden) plus its own."""
    if variant.level != base.level:
        raise r.fail("level", f"a variant must keep the base level {base.level!r}")
    base_numbers = {c.number for c in base.criteria}
    base_codes = {i.code for i in base.indicators}
    for i, criterion in enumerate(variant.criteria):
        if criterion.number in base_numbers:
            raise r.fail(
                f"criteria[{i}].number",
                f"criterion {criterion.number} is already in {base.label}; use overrides to tighten it",
            )
        for j, indicator in enumerate(criterion.indicators):
            if indicator.code in base_codes:
                raise r.fail(
                    f"criteria[{i}].indicators[{j}].code",
                    f"indicator {indicator.code} is already in {base.label}",
                )
    by_code = {i.code: i for i in base.indicators}
    replaced: dict[str, IndicatorDef] = {}
    for k, raw in enumerate(overrides):
        p = f"overrides[{k}]"
        om = r.mapping(raw, p, {"indicator", "thresholds", "note"})
        code = r.text(om, "indicator", p)
        if code not in by_code:
            raise r.fail(f"{p}.indicator", f"indicator {code} is not in {base.label}")
        if code in replaced:
            raise r.fail(f"{p}.indicator", f"indicator {code} is overridden twice")
        original = by_code[code]
        if original.kind is IndicatorKind.JUDGEMENT:
            raise r.fail(f"{p}.indicator", f"indicator {code} is a judgement and has no threshold")
        rows = _rows(
            r,
            om.get("thresholds"),
            f"{p}.thresholds",
            base.differentiation,
            {"confidence": "verified"},
        )
        if not rows:
            raise r.fail(f"{p}.thresholds", "an override needs at least one row")
        kept = tuple(
            old
            for old in original.thresholds
            if not any(
                (old.region, old.group, old.from_year) == (n.region, n.group, n.from_year)
                for n in rows
            )
        )
        loosened = first_loosened(original, kept + rows)
        if loosened is not None:
            new_row, old_row, scope = loosened
            n = rows.index(new_row)
            raise r.fail(
                f"{p}.thresholds[{n}].value",
                f"{new_row.value:g} loosens the base threshold {old_row.value:g} "
                f"({original.comparator}) for {scope}; a variant may only tighten",
            )
        note = r.text(om, "note", p, required=False) or original.note
        replaced[code] = replace(original, thresholds=kept + rows, note=note)
    criteria = (
        tuple(
            replace(c, indicators=tuple(replaced.get(i.code, i) for i in c.indicators))
            for c in base.criteria
        )
        + variant.criteria
    )
    conditions = tuple(replaced.get(i.code, i) for i in base.conditions) + variant.conditions
    return replace(
        variant,
        criteria=criteria,
        conditions=conditions,
        differentiation=base.differentiation,
        revocation_key_criteria=variant.revocation_key_criteria or base.revocation_key_criteria,
        groups=variant.groups or base.groups,
        requires=variant.requires or base.requires,
    )
