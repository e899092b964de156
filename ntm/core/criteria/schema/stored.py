"""A resolved definition as stored with its set version (JSON), and back; the hash of a
source document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from ntm.core.criteria.model import (
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


def definition_to_dict(definition: CriteriaSetDef) -> dict[str, Any]:
    """A JSON-ready form of a resolved definition (stored with the set version)."""
    return json.loads(json.dumps(asdict(definition), default=str))


def _indicator_from_dict(d: Mapping[str, Any]) -> IndicatorDef:
    """An indicator stored by definition_to_dict."""
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


def _legal_source_from_dict(legal: Mapping[str, Any]) -> LegalSource:
    """The issuing decision stored by definition_to_dict."""
    return LegalSource(
        number=legal.get("number", ""),
        date=legal.get("date"),
        effective=legal.get("effective"),
        issuer=legal.get("issuer", ""),
        confidence=Confidence(legal.get("confidence", "unverified")),
        sources=tuple(legal.get("sources") or ()),
        note=legal.get("note"),
    )


def _criterion_from_dict(c: Mapping[str, Any]) -> CriterionDef:
    """A criterion, with its indicators, stored by definition_to_dict."""
    return CriterionDef(
        key=c["key"],
        number=c["number"],
        name_vi=c["name_vi"],
        name_en=c.get("name_en", ""),
        group=c.get("group"),
        confidence=Confidence(c["confidence"]),
        indicators=tuple(_indicator_from_dict(i) for i in c.get("indicators") or ()),
        note=c.get("note"),
        sources=tuple(c.get("sources") or ()),
    )


def definition_from_dict(data: Mapping[str, Any]) -> CriteriaSetDef:
    """Rebuild a resolved definition stored by definition_to_dict."""
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
        legal_source=_legal_source_from_dict(legal),
        criteria=tuple(_criterion_from_dict(c) for c in data["criteria"]),
        conditions=tuple(_indicator_from_dict(i) for i in data.get("conditions") or ()),
        revocation_key_criteria=tuple(data.get("revocation_key_criteria") or ()),
        groups=tuple(tuple(g) for g in data.get("groups") or ()),  # type: ignore[misc]
        note=data.get("note"),
    )


def content_hash(document: Any) -> str:
    """A stable hash of a source document, to detect an edited published version."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
