"""Validate criteria-set documents (docs/criteria-format.md) and resolve provincial variants.

Every refusal names the file, the place in it and the reason, e.g.
``hatinh-commune-ntm.yaml: criteria[0].indicators[1].thresholds[0].value: must be a number``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from typing import Any

from ntm.core.criteria.model import (
    AGGREGATE_MEASURES,
    COMMUNE_GROUPS,
    LEVELS,
    REGIONS,
    AggregateSpec,
    Comparator,
    Confidence,
    CriteriaSetDef,
    CriterionDef,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    LegalSource,
    RatioSpec,
    ThresholdRow,
    Tier,
)


class CriteriaDataError(ValueError):
    """A criteria file that cannot be accepted: where, and why."""

    def __init__(self, file: str, path: str, reason: str):
        self.file, self.path, self.reason = file, path, reason
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {reason}")


SET_KEYS = {
    "id", "version", "status", "name_vi", "name_en", "level", "tier", "period",
    "differentiation", "requires", "extends", "province_code", "confidence", "legal_source",
    "revocation_key_criteria", "note", "groups", "criteria", "conditions", "overrides",
    "region",
}  # fmt: skip
CRITERION_KEYS = {
    "number", "group", "name_vi", "name_en", "confidence", "sources", "note", "indicators",
}  # fmt: skip
INDICATOR_KEYS = {
    "code", "name_vi", "name_en", "kind", "unit", "comparator", "confidence", "sources",
    "national", "thresholds", "recalled", "note", "ratio", "aggregate",
}  # fmt: skip
ROW_KEYS = {"value", "region", "group", "from_year", "confidence", "sources", "note"}
LEGAL_KEYS = {"number", "date", "effective", "issuer", "confidence", "sources", "note", "annex"}


class _Reader:
    """Typed access to a mapping that reports errors with the file and path."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, path: str, reason: str) -> CriteriaDataError:
        return CriteriaDataError(self.file, path, reason)

    def mapping(self, value: Any, path: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a mapping, got {type(value).__name__}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{path}.{unknown[0]}" if path else unknown[0],
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )
        return value

    def text(self, m: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = m.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(self._p(path, key), "is required")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(self._p(path, key), f"must be text, got {type(value).__name__}")
        return str(value).strip()

    def choice(
        self, m: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...] | list[str],
        *, required: bool = True, default: str | None = None,
    ) -> str | None:  # fmt: skip
        value = m.get(key, default)
        if value is None:
            if required:
                raise self.fail(self._p(path, key), "is required")
            return None
        if value not in choices:
            raise self.fail(
                self._p(path, key), f"{value!r} is not one of: {', '.join(map(str, choices))}"
            )
        return str(value)

    def integer(
        self, m: Mapping[str, Any], key: str, path: str, *, required: bool = False,
        minimum: int | None = None, maximum: int | None = None,
    ) -> int | None:  # fmt: skip
        value = m.get(key)
        if value is None:
            if required:
                raise self.fail(self._p(path, key), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(self._p(path, key), f"must be a whole number, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(self._p(path, key), f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.fail(self._p(path, key), f"must be at most {maximum}, got {value}")
        return value

    def number(self, m: Mapping[str, Any], key: str, path: str) -> float:
        value = m.get(key)
        if value is None:
            raise self.fail(
                self._p(path, key), "is required (a row exists only for a value seen in a source)"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(self._p(path, key), f"must be a number, got {value!r}")
        return float(value)

    def date_text(self, m: Mapping[str, Any], key: str, path: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise self.fail(self._p(path, key), f"must be a date YYYY-MM-DD or null, got {value!r}")

    def sources(self, m: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = m.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(self._p(path, key), "must be a list of URLs or document references")
        return tuple(value)

    def sequence(self, m: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = m.get(key) or []
        if not isinstance(value, list):
            raise self.fail(self._p(path, key), "must be a list")
        return value

    @staticmethod
    def _p(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key


def _confidence(
    r: _Reader, m: Mapping[str, Any], path: str, default: str | None = None
) -> Confidence:
    value = r.choice(m, "confidence", path, [c.value for c in Confidence], default=default)
    return Confidence(value)


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


def parse_document(
    raw: Any,
    *,
    file: str,
    resolve_base: Callable[[str, int], CriteriaSetDef | None] | None = None,
) -> CriteriaSetDef:
    """Validate one set document and resolve it against its base when it is a variant."""
    r = _Reader(file)
    m = r.mapping(raw, "", SET_KEYS)
    set_id = r.text(m, "id", "")
    if not set_id.replace("-", "").isalnum() or set_id != set_id.lower():
        raise r.fail("id", f"{set_id!r} must be lower-case letters, digits and hyphens")
    version = r.integer(m, "version", "", required=True, minimum=1)
    assert version is not None
    differentiation = Differentiation(
        r.choice(m, "differentiation", "", [d.value for d in Differentiation], default="none")
    )
    period = m.get("period") or {}
    period = r.mapping(period, "period", {"start", "end"})
    start = r.integer(period, "start", "period", minimum=1990, maximum=2100)
    end = r.integer(period, "end", "period", minimum=1990, maximum=2100)
    if start is not None and end is not None and end < start:
        raise r.fail("period.end", f"{end} is before the start {start}")
    legal_raw = r.mapping(m.get("legal_source") or {}, "legal_source", LEGAL_KEYS)
    legal = LegalSource(
        number=r.text(legal_raw, "number", "legal_source", required=False),
        date=r.date_text(legal_raw, "date", "legal_source"),
        effective=r.date_text(legal_raw, "effective", "legal_source"),
        issuer=r.text(legal_raw, "issuer", "legal_source", required=False),
        confidence=_confidence(r, legal_raw, "legal_source", default="unverified"),
        sources=r.sources(legal_raw, "sources", "legal_source"),
        note=r.text(legal_raw, "note", "legal_source", required=False) or None,
    )
    groups = []
    for i, g in enumerate(r.sequence(m, "groups", "")):
        gm = r.mapping(g, f"groups[{i}]", {"code", "name_vi", "name_en", "criteria", "note"})
        groups.append(
            (
                r.text(gm, "code", f"groups[{i}]"),
                r.text(gm, "name_vi", f"groups[{i}]"),
                r.text(gm, "name_en", f"groups[{i}]", required=False),
            )
        )
    group_codes = {g[0] for g in groups}

    criteria: list[CriterionDef] = []
    numbers: set[str] = set()
    codes: set[str] = set()
    for i, c in enumerate(r.sequence(m, "criteria", "")):
        p = f"criteria[{i}]"
        cm = r.mapping(c, p, CRITERION_KEYS)
        number = r.text(cm, "number", p)
        if number in numbers:
            raise r.fail(f"{p}.number", f"criterion {number} appears twice")
        numbers.add(number)
        group = r.text(cm, "group", p, required=False) or None
        if group and groups and group not in group_codes:
            raise r.fail(f"{p}.group", f"{group!r} is not one of the set's groups")
        indicators = []
        for j, ind in enumerate(r.sequence(cm, "indicators", p)):
            indicator = _indicator(r, ind, f"{p}.indicators[{j}]", set_id, differentiation)
            if indicator.code in codes:
                raise r.fail(
                    f"{p}.indicators[{j}].code", f"indicator {indicator.code} appears twice"
                )
            codes.add(indicator.code)
            indicators.append(indicator)
        criteria.append(
            CriterionDef(
                key=f"{set_id}:{number}",
                number=number,
                name_vi=r.text(cm, "name_vi", p),
                name_en=r.text(cm, "name_en", p, required=False),
                group=group,
                confidence=_confidence(r, cm, p, default="unverified"),
                indicators=tuple(indicators),
                note=r.text(cm, "note", p, required=False) or None,
                sources=r.sources(cm, "sources", p),
            )
        )
    conditions = []
    for j, ind in enumerate(r.sequence(m, "conditions", "")):
        indicator = _indicator(r, ind, f"conditions[{j}]", set_id, differentiation)
        if indicator.code in codes:
            raise r.fail(f"conditions[{j}].code", f"indicator {indicator.code} appears twice")
        codes.add(indicator.code)
        conditions.append(indicator)

    extends_raw = m.get("extends")
    extends = None
    if extends_raw is not None:
        em = r.mapping(extends_raw, "extends", {"id", "version"})
        extends = (
            r.text(em, "id", "extends"),
            r.integer(em, "version", "extends", required=True, minimum=1),
        )
    elif not criteria:
        raise r.fail("criteria", "a set needs at least one criterion")

    key_criteria = tuple(str(x) for x in r.sequence(m, "revocation_key_criteria", ""))
    definition = CriteriaSetDef(
        set_id=set_id,
        version=version,
        status=str(r.choice(m, "status", "", ["published", "draft"])),
        name_vi=r.text(m, "name_vi", ""),
        name_en=r.text(m, "name_en", "", required=False),
        level=str(r.choice(m, "level", "", LEVELS)),
        tier=Tier(r.choice(m, "tier", "", [t.value for t in Tier])),
        criteria=tuple(criteria),
        period_start=start,
        period_end=end,
        differentiation=differentiation,
        requires=r.text(m, "requires", "", required=False) or None,
        extends=extends,  # type: ignore[arg-type]
        province_code=r.text(m, "province_code", "", required=False) or None,
        confidence=_confidence(r, m, "", default="unverified"),
        legal_source=legal,
        conditions=tuple(conditions),
        revocation_key_criteria=key_criteria,
        groups=tuple(groups),
        note=r.text(m, "note", "", required=False) or None,
    )
    if extends is None:
        if m.get("overrides"):
            raise r.fail("overrides", "only a variant (with extends) can override thresholds")
        _check_key_criteria(r, definition)
        return definition
    if resolve_base is None:
        raise r.fail("extends", "a variant can only be loaded together with its base set")
    base = resolve_base(*extends)
    if base is None:
        raise r.fail("extends", f"the base set {extends[0]}@{extends[1]} is not known")
    resolved = _apply_variant(r, base, definition, r.sequence(m, "overrides", ""))
    _check_key_criteria(r, resolved)
    return resolved


def _check_key_criteria(r: _Reader, definition: CriteriaSetDef) -> None:
    numbers = {c.number for c in definition.criteria}
    for i, number in enumerate(definition.revocation_key_criteria):
        if number not in numbers:
            raise r.fail(f"revocation_key_criteria[{i}]", f"criterion {number} is not in the set")


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


def definition_to_dict(definition: CriteriaSetDef) -> dict[str, Any]:
    """A JSON-ready form of a resolved definition (stored with the set version)."""
    return json.loads(json.dumps(asdict(definition), default=str))


def definition_from_dict(data: Mapping[str, Any]) -> CriteriaSetDef:
    """Rebuild a resolved definition stored by definition_to_dict."""

    def indicator(d: Mapping[str, Any]) -> IndicatorDef:
        return IndicatorDef(
            key=d["key"],
            code=d["code"],
            name_vi=d["name_vi"],
            name_en=d.get("name_en", ""),
            kind=IndicatorKind(d["kind"]),
            unit=d.get("unit", ""),
            comparator=Comparator(d["comparator"]) if d.get("comparator") else None,
            confidence=Confidence(d["confidence"]),
            thresholds=tuple(
                ThresholdRow(
                    value=t["value"],
                    region=t.get("region"),
                    group=t.get("group"),
                    from_year=t.get("from_year"),
                    confidence=Confidence(t["confidence"]),
                    sources=tuple(t.get("sources") or ()),
                )
                for t in d.get("thresholds") or ()
            ),
            national=d.get("national"),
            recalled=d.get("recalled"),
            note=d.get("note"),
            sources=tuple(d.get("sources") or ()),
            ratio=RatioSpec(**d["ratio"]) if d.get("ratio") else None,
            aggregate=AggregateSpec(
                child_level=d["aggregate"]["child_level"],
                measure=d["aggregate"]["measure"],
                tier=Tier(d["aggregate"]["tier"]),
            )
            if d.get("aggregate")
            else None,
        )

    legal = data.get("legal_source") or {}
    return CriteriaSetDef(
        set_id=data["set_id"],
        version=data["version"],
        status=data.get("status", "published"),
        name_vi=data["name_vi"],
        name_en=data.get("name_en", ""),
        level=data["level"],
        tier=Tier(data["tier"]),
        period_start=data.get("period_start"),
        period_end=data.get("period_end"),
        differentiation=Differentiation(data.get("differentiation", "none")),
        requires=data.get("requires"),
        extends=tuple(data["extends"]) if data.get("extends") else None,  # type: ignore[arg-type]
        province_code=data.get("province_code"),
        confidence=Confidence(data.get("confidence", "unverified")),
        legal_source=LegalSource(
            number=legal.get("number", ""),
            date=legal.get("date"),
            effective=legal.get("effective"),
            issuer=legal.get("issuer", ""),
            confidence=Confidence(legal.get("confidence", "unverified")),
            sources=tuple(legal.get("sources") or ()),
            note=legal.get("note"),
        ),
        criteria=tuple(
            CriterionDef(
                key=c["key"],
                number=c["number"],
                name_vi=c["name_vi"],
                name_en=c.get("name_en", ""),
                group=c.get("group"),
                confidence=Confidence(c["confidence"]),
                indicators=tuple(indicator(i) for i in c.get("indicators") or ()),
                note=c.get("note"),
                sources=tuple(c.get("sources") or ()),
            )
            for c in data["criteria"]
        ),
        conditions=tuple(indicator(i) for i in data.get("conditions") or ()),
        revocation_key_criteria=tuple(data.get("revocation_key_criteria") or ()),
        groups=tuple(tuple(g) for g in data.get("groups") or ()),  # type: ignore[misc]
        note=data.get("note"),
    )


def content_hash(document: Any) -> str:
    """A stable hash of a source document, to detect an edited published version."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
