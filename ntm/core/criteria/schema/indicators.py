"""Reading an indicator of a criteria document, with its threshold rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ntm.core.criteria.model import (
    AGGREGATE_MEASURES,
    COMMUNE_GROUPS,
    LEVELS,
    REGIONS,
    AggregateSpec,
    Comparator,
    Confidence,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    RatioSpec,
    ThresholdRow,
    Tier,
)
from ntm.core.criteria.schema.reader import INDICATOR_KEYS, ROW_KEYS, _confidence, _Reader


def _rows(
    r: _Reader, raw: Any, path: str, differentiation: Differentiation, indicator: Mapping[str, Any]
) -> tuple[ThresholdRow, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise r.fail(path, "must be a list of threshold rows ([] when no value was seen)")
    rows: list[ThresholdRow] = []
    seen: set[tuple[Any, ...]] = set()
    for i, item in enumerate(raw):
        p = f"{path}[{i}]"
        m = r.mapping(item, p, ROW_KEYS)
        value = r.number(m, "value", p)
        region = r.choice(m, "region", p, REGIONS, required=False)
        group = m.get("group")
        if group is not None and group not in COMMUNE_GROUPS:
            raise r.fail(f"{p}.group", f"{group!r} is not one of: 1, 2, 3")
        if region and differentiation is not Differentiation.REGION:
            raise r.fail(
                f"{p}.region", f"the set is differentiated by {differentiation}, not region"
            )
        if group and differentiation is not Differentiation.COMMUNE_GROUP:
            raise r.fail(
                f"{p}.group", f"the set is differentiated by {differentiation}, not commune group"
            )
        from_year = r.integer(m, "from_year", p, minimum=1990, maximum=2100)
        if m.get("confidence", indicator.get("confidence")) == Confidence.UNVERIFIED.value:
            raise r.fail(
                f"{p}.confidence",
                "an unverified value is never evaluated: put it in `recalled` instead",
            )
        key = (region, group, from_year)
        if key in seen:
            raise r.fail(
                p, f"duplicate row for region={region} group={group} from_year={from_year}"
            )
        seen.add(key)
        rows.append(
            ThresholdRow(
                value=value,
                region=region,
                group=group,
                from_year=from_year,
                confidence=_confidence(r, m, p, default=indicator.get("confidence")),
                sources=r.sources(m, "sources", p) or tuple(indicator.get("sources") or ()),
            )
        )
    return tuple(rows)


def _indicator(
    r: _Reader, raw: Any, path: str, set_id: str, differentiation: Differentiation
) -> IndicatorDef:
    m = r.mapping(raw, path, INDICATOR_KEYS)
    code = r.text(m, "code", path)
    kind = IndicatorKind(r.choice(m, "kind", path, [k.value for k in IndicatorKind]))
    comparator_raw = r.choice(m, "comparator", path, [c.value for c in Comparator], required=False)
    comparator = Comparator(comparator_raw) if comparator_raw else None
    thresholds = _rows(r, m.get("thresholds"), f"{path}.thresholds", differentiation, m)
    if kind is IndicatorKind.JUDGEMENT:
        if comparator is not None:
            raise r.fail(f"{path}.comparator", "a judgement has no comparator")
        if thresholds:
            raise r.fail(f"{path}.thresholds", "a judgement has no threshold rows")
    elif comparator is None:
        raise r.fail(f"{path}.comparator", f"is required for a {kind} indicator")
    ratio = None
    if kind is IndicatorKind.RATIO:
        spec = r.mapping(m.get("ratio"), f"{path}.ratio", {"numerator", "denominator", "scale"})
        scale = spec.get("scale", 100)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or scale <= 0:
            raise r.fail(f"{path}.ratio.scale", "must be a positive number")
        ratio = RatioSpec(
            r.text(spec, "numerator", f"{path}.ratio"),
            r.text(spec, "denominator", f"{path}.ratio"),
            float(scale),
        )
    elif "ratio" in m:
        raise r.fail(f"{path}.ratio", "only a ratio indicator has a ratio")
    aggregate = None
    if kind is IndicatorKind.AGGREGATE:
        spec = r.mapping(
            m.get("aggregate"), f"{path}.aggregate", {"child_level", "measure", "tier"}
        )
        aggregate = AggregateSpec(
            child_level=str(r.choice(spec, "child_level", f"{path}.aggregate", LEVELS)),
            measure=str(r.choice(spec, "measure", f"{path}.aggregate", AGGREGATE_MEASURES)),
            tier=Tier(r.choice(spec, "tier", f"{path}.aggregate", [t.value for t in Tier])),
        )
    elif "aggregate" in m:
        raise r.fail(f"{path}.aggregate", "only an aggregate indicator has an aggregate")
    national = m.get("national")
    if national is not None and not isinstance(national, int | float | str | dict):
        raise r.fail(f"{path}.national", "must be a number, text or mapping")
    return IndicatorDef(
        key=f"{set_id}:{code}",
        code=code,
        name_vi=r.text(m, "name_vi", path),
        name_en=r.text(m, "name_en", path, required=False),
        kind=kind,
        unit=r.text(m, "unit", path, required=False),
        comparator=comparator,
        confidence=_confidence(r, m, path, default="unverified"),
        thresholds=thresholds,
        national=national,
        recalled=r.text(m, "recalled", path, required=False) or None,
        note=r.text(m, "note", path, required=False) or None,
        sources=r.sources(m, "sources", path),
        ratio=ratio,
        aggregate=aggregate,
    )
