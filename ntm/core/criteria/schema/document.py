"""Reading a whole set document, resolved against its base when it is a variant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ntm.core.criteria.model import (
    LEVELS,
    CriteriaSetDef,
    CriterionDef,
    Differentiation,
    IndicatorDef,
    LegalSource,
    Tier,
)
from ntm.core.criteria.schema.indicators import _indicator
from ntm.core.criteria.schema.reader import (
    CRITERION_KEYS,
    LEGAL_KEYS,
    SET_KEYS,
    _confidence,
    _Reader,
)
from ntm.core.criteria.schema.variants import _apply_variant


def _set_id(r: _Reader, m: Mapping[str, Any]) -> str:
    """The set's id: lower-case letters, digits and hyphens."""
    set_id = r.text(m, "id", "")
    if not set_id.replace("-", "").isalnum() or set_id != set_id.lower():
        raise r.fail("id", f"{set_id!r} must be lower-case letters, digits and hyphens")
    return set_id


def _period(r: _Reader, m: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The first and last year of the set's period (either may be open)."""
    period = m.get("period") or {}
    period = r.mapping(period, "period", {"start", "end"})
    start = r.integer(period, "start", "period", minimum=1990, maximum=2100)
    end = r.integer(period, "end", "period", minimum=1990, maximum=2100)
    if start is not None and end is not None and end < start:
        raise r.fail("period.end", f"{end} is before the start {start}")
    return start, end


def _legal_source(r: _Reader, m: Mapping[str, Any]) -> LegalSource:
    """The decision that issued the set."""
    legal_raw = r.mapping(m.get("legal_source") or {}, "legal_source", LEGAL_KEYS)
    return LegalSource(
        number=r.text(legal_raw, "number", "legal_source", required=False),
        date=r.date_text(legal_raw, "date", "legal_source"),
        effective=r.date_text(legal_raw, "effective", "legal_source"),
        issuer=r.text(legal_raw, "issuer", "legal_source", required=False),
        confidence=_confidence(r, legal_raw, "legal_source", default="unverified"),
        sources=r.sources(legal_raw, "sources", "legal_source"),
        note=r.text(legal_raw, "note", "legal_source", required=False) or None,
    )


def _groups(r: _Reader, m: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The set's groups of criteria: (code, Vietnamese name, English name)."""
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
    return groups


def _criteria(
    r: _Reader,
    m: Mapping[str, Any],
    set_id: str,
    differentiation: Differentiation,
    groups: list[tuple[str, str, str]],
    codes: set[str],
) -> list[CriterionDef]:
    """The set's criteria with their indicators; ``codes`` collects the indicator codes."""
    group_codes = {g[0] for g in groups}
    criteria: list[CriterionDef] = []
    numbers: set[str] = set()
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
    return criteria


def _conditions(
    r: _Reader,
    m: Mapping[str, Any],
    set_id: str,
    differentiation: Differentiation,
    codes: set[str],
) -> list[IndicatorDef]:
    """The set's conditions (indicators outside the criteria), codes unique in the set."""
    conditions = []
    for j, ind in enumerate(r.sequence(m, "conditions", "")):
        indicator = _indicator(r, ind, f"conditions[{j}]", set_id, differentiation)
        if indicator.code in codes:
            raise r.fail(f"conditions[{j}].code", f"indicator {indicator.code} appears twice")
        codes.add(indicator.code)
        conditions.append(indicator)
    return conditions


def _extends(
    r: _Reader, m: Mapping[str, Any], criteria: list[CriterionDef]
) -> tuple[str, int | None] | None:
    """The base set a variant extends (id, version); a set of its own needs a criterion."""
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
    return extends


def _resolved(
    r: _Reader,
    m: Mapping[str, Any],
    definition: CriteriaSetDef,
    extends: tuple[str, int | None] | None,
    resolve_base: Callable[[str, int], CriteriaSetDef | None] | None,
) -> CriteriaSetDef:
    """The definition, or for a variant its base with the variant applied; key criteria checked."""
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


def parse_document(
    raw: Any,
    *,
    file: str,
    resolve_base: Callable[[str, int], CriteriaSetDef | None] | None = None,
) -> CriteriaSetDef:
    """Validate one set document and resolve it against its base when it is a variant."""
    r = _Reader(file)
    m = r.mapping(raw, "", SET_KEYS)
    set_id = _set_id(r, m)
    version = r.integer(m, "version", "", required=True, minimum=1)
    assert version is not None
    differentiation = Differentiation(
        r.choice(m, "differentiation", "", [d.value for d in Differentiation], default="none")
    )
    start, end = _period(r, m)
    legal = _legal_source(r, m)
    groups = _groups(r, m)
    codes: set[str] = set()
    criteria = _criteria(r, m, set_id, differentiation, groups, codes)
    conditions = _conditions(r, m, set_id, differentiation, codes)
    extends = _extends(r, m, criteria)

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
    return _resolved(r, m, definition, extends, resolve_base)


def _check_key_criteria(r: _Reader, definition: CriteriaSetDef) -> None:
    numbers = {c.number for c in definition.criteria}
    for i, number in enumerate(definition.revocation_key_criteria):
        if number not in numbers:
            raise r.fail(f"revocation_key_criteria[{i}]", f"criterion {number} is not in the set")
