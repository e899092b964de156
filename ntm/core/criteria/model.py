"""Criteria-set definitions as frozen values (no framework, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tier(StrEnum):
    """Recognition tiers, lowest first."""

    STANDARD = "standard"  # đạt chuẩn NTM
    ADVANCED = "advanced"  # NTM nâng cao
    MODEL = "model"  # NTM kiểu mẫu
    MODERN = "modern"  # NTM hiện đại (2026-2030 pilot)
    COMPLETION = "completion"  # hoàn thành nhiệm vụ xây dựng NTM (town, city, province)


class IndicatorKind(StrEnum):
    JUDGEMENT = "judgement"  # met / not met, decided by the responsible department
    NUMBER = "number"  # a number compared with a threshold
    RATIO = "ratio"  # two entered numbers, compared as numerator / denominator * scale
    AGGREGATE = "aggregate"  # computed over the unit's children


class Comparator(StrEnum):
    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"
    EQ = "=="


class Confidence(StrEnum):
    VERIFIED = "verified"
    PARTIAL = "partial"
    UNVERIFIED = "unverified"


class Differentiation(StrEnum):
    REGION = "region"  # 7 socio-economic regions (QĐ 1980/2016, QĐ 318/2022)
    COMMUNE_GROUP = "commune_group"  # groups 1-3 (QĐ 51/2025)
    NONE = "none"


REGIONS = ("TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL")
COMMUNE_GROUPS = (1, 2, 3)
LEVELS = ("province", "district", "commune", "village")


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    """A threshold seen in a source, for a region or commune group, from a year on."""

    value: float
    region: str | None = None
    group: int | None = None
    from_year: int | None = None
    confidence: Confidence = Confidence.VERIFIED
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RatioSpec:
    numerator: str
    denominator: str
    scale: float = 100.0


@dataclass(frozen=True, slots=True)
class AggregateSpec:
    """An indicator computed over the unit's children at a level."""

    child_level: str
    measure: str  # share_at_tier (percent) | count_at_tier
    tier: Tier


AGGREGATE_MEASURES = ("share_at_tier", "count_at_tier")


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator (chỉ tiêu); ``key`` identifies its values across variants."""

    key: str
    code: str
    name_vi: str
    kind: IndicatorKind
    name_en: str = ""
    unit: str = ""
    comparator: Comparator | None = None
    confidence: Confidence = Confidence.UNVERIFIED
    thresholds: tuple[ThresholdRow, ...] = ()
    national: Any = None
    recalled: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    ratio: RatioSpec | None = None
    aggregate: AggregateSpec | None = None


@dataclass(frozen=True, slots=True)
class CriterionDef:
    """One criterion (tiêu chí); met when all its indicators are met, or when certified."""

    key: str
    number: str
    name_vi: str
    name_en: str = ""
    group: str | None = None
    confidence: Confidence = Confidence.UNVERIFIED
    indicators: tuple[IndicatorDef, ...] = ()
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LegalSource:
    number: str = ""
    date: str | None = None
    effective: str | None = None
    issuer: str = ""
    confidence: Confidence = Confidence.UNVERIFIED
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CriteriaSetDef:
    """A resolved criteria set: a variant carries its base's criteria as well as its own."""

    set_id: str
    version: int
    name_vi: str
    level: str
    tier: Tier
    criteria: tuple[CriterionDef, ...]
    status: str = "published"
    name_en: str = ""
    period_start: int | None = None
    period_end: int | None = None
    differentiation: Differentiation = Differentiation.NONE
    requires: str | None = None
    extends: tuple[str, int] | None = None
    province_code: str | None = None
    confidence: Confidence = Confidence.UNVERIFIED
    legal_source: LegalSource = field(default_factory=LegalSource)
    conditions: tuple[IndicatorDef, ...] = ()
    revocation_key_criteria: tuple[str, ...] = ()
    groups: tuple[tuple[str, str, str], ...] = ()
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.set_id}@{self.version}"

    @property
    def indicators(self) -> tuple[IndicatorDef, ...]:
        """Every indicator: those of the criteria in order, then the tier conditions."""
        return tuple(i for c in self.criteria for i in c.indicators) + self.conditions

    def criterion(self, number: str) -> CriterionDef:
        for criterion in self.criteria:
            if criterion.number == number:
                return criterion
        raise KeyError(number)
