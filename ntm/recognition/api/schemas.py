"""Schemas of the recognition API: what each operation takes and returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

StageName = Literal[
    "self_assessment",
    "dossier",
    "verification",
    "appraisal",
    "decision",
    "announcement",
    "monitoring",
    "revocation",
    "revoked",
    "withdrawn",
]
TierName = Literal["standard", "advanced", "model"]


class Message(Schema):
    detail: str


class ConditionOut(Schema):
    code: str = Field(..., examples=["C2"])
    name: str
    state: Literal["met", "not_met", "missing", "needs_setting"]
    reasons: list[str]
    summary: str


class ConditionsOut(Schema):
    on: dt.date
    all_met: bool
    checks: list[ConditionOut]


class Refusal(Schema):
    detail: str
    problems: list[str] = Field(..., description="Every reason, in Vietnamese.")
    conditions: ConditionsOut | None = Field(
        None, description="For a refused decision: the four conditions on its date."
    )


class UnitRef(Schema):
    id: int
    code: str
    name: str
    level: str


class RecognitionOut(Schema):
    id: int
    tier: str
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str


class RevocationOut(Schema):
    decision_number: str
    decision_date: dt.date
    issuer: str
    reason: str


class EventOut(Schema):
    action: str
    from_stage: str
    to_stage: str
    at: dt.datetime
    actor: str
    comment: str
    details: dict[str, Any]


class DocumentOut(Schema):
    id: int
    kind: str
    stage: str
    number: str
    issued_on: dt.date | None
    name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: dt.datetime
    url: str = Field(..., description="Served only to users whose scope holds the unit.")


class CaseOut(Schema):
    id: int
    unit: UnitRef
    tier: str
    year: int
    set: str
    stage: StageName
    stage_since: dt.datetime
    waiting_for: Literal["commune", "district", "province"] | None = Field(
        None, description="The level the case waits for (None in monitoring and when closed)."
    )
    registered_on: dt.date | None
    assessed_on: dt.date | None
    assessed_met: int | None
    assessed_total: int | None
    satisfaction_percent: Decimal | None
    satisfaction_on: dt.date | None
    has_construction_debt: bool | None
    is_security_complicated: bool | None
    security_confirmed_by: str
    is_verification_skipped: bool
    verified_on: dt.date | None
    verification_number: str
    appraised_on: dt.date | None
    appraisal_number: str
    council_name: str
    council_members: int | None
    votes_for: int | None
    recognition: RecognitionOut | None
    announced_on: dt.date | None
    announced_where: str
    revocation: RevocationOut | None
    is_demo: bool


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    documents: list[DocumentOut]


class RegisterIn(Schema):
    unit_id: int
    tier: TierName
    year: int = Field(..., ge=2010, le=2100)
    registered_on: dt.date | None = None
    comment: str = ""


class CommentIn(Schema):
    comment: str = ""


class SelfAssessmentIn(Schema):
    assessed_on: dt.date
    comment: str = ""


class DeclarationIn(Schema):
    satisfaction_percent: Decimal | None = Field(None, ge=0, le=100)
    satisfaction_on: dt.date | None = None
    has_construction_debt: bool | None = None
    debt_declared_on: dt.date | None = None
    is_security_complicated: bool | None = None
    security_confirmed_by: str = ""
    security_confirmed_on: dt.date | None = None
    comment: str = ""


class VerifyIn(Schema):
    verified_on: dt.date
    report_number: str
    comment: str = ""


class AppraiseIn(Schema):
    appraised_on: dt.date
    report_number: str
    council_name: str
    council_members: int = Field(..., ge=1)
    votes_for: int = Field(..., ge=0)
    comment: str = ""


class DecideIn(Schema):
    decision_number: str = Field(..., examples=["1234/QĐ-UBND"])
    decision_date: dt.date
    signer: str
    issuer: str
    comment: str = ""


class AnnounceIn(Schema):
    announced_on: dt.date
    where: str
    comment: str = ""


class RevokeIn(Schema):
    decision_number: str
    decision_date: dt.date
    issuer: str
    reason: str


class ReturnIn(Schema):
    to_stage: StageName
    comment: str


class RemoveIn(Schema):
    reason: str = ""


class OpenRevocationIn(Schema):
    recognition_id: int
    comment: str


class MonitoringRowOut(Schema):
    unit: UnitRef
    recognition: RecognitionOut
    set: str | None
    met: int
    total: int
    failed: list[str]
    key_failed: list[str]
    missing: int
    not_evaluable: int
    failed_share: float
    flag: Literal["due", "close", "no_data", "ok"]
    case_id: int | None


class MonitoringOut(Schema):
    as_of: dt.date
    recognized: int
    due: int
    close: int
    no_data: int
    ok: int
    rows: list[MonitoringRowOut]


class AwaitingOut(Schema):
    unit: UnitRef
    predecessors: list[UnitRef]
    recognitions: list[RecognitionOut]
    recognized_predecessors: int
    acknowledged: list[RecognitionOut]


class ReacknowledgeIn(Schema):
    unit_id: int
    tier: TierName
    recognition_ids: list[int]
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str = ""
    note: str = ""


class ReacknowledgementOut(Schema):
    id: int
    unit: UnitRef
    tier: str
    decision_number: str
    decision_date: dt.date
    issuer: str
    signer: str
    acknowledged: list[int]
    recognition_id: int


class SettingOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None = Field(None, description="None: not set (cần xác nhận).")
    is_legal: bool = Field(..., description="Needs the number of the document that sets it.")
    is_default: bool
    decision_number: str
    decision_date: dt.date | None


class SettingIn(Schema):
    province_id: int
    key: str = Field(..., examples=["satisfaction_min_percent", "deadline_days.appraisal"])
    value: float
    decision_date: dt.date
    decision_number: str = ""
    issuer: str = ""
    note: str = ""
