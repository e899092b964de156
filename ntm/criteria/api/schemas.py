"""The criteria API's input and output schemas (reads, evaluations and authoring)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class SetSummary(Schema):
    id: str
    version: int
    name_vi: str
    name_en: str
    level: str
    tier: str
    period_start: int | None
    period_end: int | None
    legal_number: str
    criteria: int
    extends: str | None
    requires: str | None


class IndicatorResult(Schema):
    key: str
    code: str
    name: str
    kind: str
    unit: str
    comparator: str | None
    status: str
    value: float | None
    threshold: float | None
    gap: float | None
    confidence: str
    threshold_confidence: str | None
    threshold_sources: list[str]


class CriterionResult(Schema):
    number: str
    key: str
    name: str
    status: str
    certified: bool
    is_key_for_revocation: bool
    indicators: list[IndicatorResult]


class Revocation(Schema):
    rule: str
    failed_share: float
    key_criterion_failed: bool
    due: bool
    near: bool


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str
    era: str


class Detail(Schema):
    detail: str


class EvaluationOut(Schema):
    unit: UnitRef
    set: str
    set_version: int
    tier: str
    as_of: dt.date
    met: int
    total: int
    all_met: bool
    conditions_met: bool
    criteria: list[CriterionResult]
    conditions: list[IndicatorResult]
    revocation: Revocation
    eligible_tiers: list[str]
    ladder: list[str]
    recognitions_in_force: list[dict[str, Any]]


# --------------------------------------------------------------------------- authoring


class Problem(Schema):
    place: str
    message: str


class Refusal(Schema):
    detail: str
    field: str = ""
    place: str = ""
    problems: list[Problem] = []


class VersionOut(Schema):
    id: str
    version: int
    label: str
    status: str
    name_vi: str
    level: str
    tier: str
    province_code: str | None
    extends: str | None
    derived_from: str | None
    legal_number: str
    created_by: str | None
    published_by: str | None
    published_at: dt.datetime | None
    updated_at: dt.datetime
    criteria: int
    needs_confirmation: int
    problems: list[Problem]


class VariantIn(Schema):
    province_code: str = Field(..., description="the issuing province's official code, e.g. 42")
    set_id: str = Field("", description="id of the new set; default <province>-<base id>")
    name_vi: str = ""


class DetailsIn(Schema):
    name_vi: str
    name_en: str = ""
    period_start: int | None = None
    period_end: int | None = None
    legal_number: str = ""
    legal_date: dt.date | None = None
    legal_effective: dt.date | None = None
    legal_issuer: str = ""


class DecisionIn(Schema):
    number: str = Field(..., description="the decision that sets the thresholds, e.g. 123/QĐ-UBND")
    date: dt.date
    issuer: str


class CellIn(Schema):
    value: float
    region: str | None = Field(None, description="region code (sets differentiated by region)")
    group: int | None = Field(None, description="commune group 1-3 (sets by commune group)")
    from_year: int | None = None


class ThresholdsIn(Schema):
    cells: list[CellIn] = Field(
        ..., description="the whole table; [] removes the province's rows (national ones apply)"
    )
    decision: DecisionIn | None = None
    confirm_all: bool = Field(False, description="give every cell this decision as its source")


class CriterionIn(Schema):
    number: str
    name_vi: str
    name_en: str = ""
    group: str = ""


class RenameIn(Schema):
    name_vi: str
    name_en: str = ""


class IndicatorIn(Schema):
    code: str
    name_vi: str
    kind: str = Field(..., description="judgement | number | ratio")
    name_en: str = ""
    unit: str = ""
    comparator: str = Field("", description=">= | <= | > | < | == (not for a judgement)")
    numerator: str = ""
    denominator: str = ""
    scale: float | None = None


class UnitChangeOut(Schema):
    unit_id: int
    name: str
    code: str
    parent: str
    before_met: int
    after_met: int


class CriterionShiftOut(Schema):
    number: str
    name: str
    before: int | None
    after: int | None
    after_unknown: int
    status: str


class PreviewOut(Schema):
    draft: str
    compared_with: str | None
    as_of: dt.date
    province: str | None
    units: int
    before_total: int | None
    after_total: int
    before_reached: int | None
    after_reached: int
    gained: int
    lost: int
    more_criteria: int
    fewer_criteria: int
    gained_units: list[UnitChangeOut]
    lost_units: list[UnitChangeOut]
    criteria: list[CriterionShiftOut]


class ImportOut(Schema):
    outcome: str = Field(..., description="created | updated | unchanged | published")
    note: str
    set: VersionOut


_WRITE = {200: VersionOut, 403: Refusal, 404: Refusal, 409: Refusal, 422: Refusal}
_CREATE = {201: VersionOut, 403: Refusal, 404: Refusal, 409: Refusal, 422: Refusal}
